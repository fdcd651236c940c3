"""Schedule Wagtail's publish_scheduled every minute: approved pages with a go-live date
go live on time, expired ones come down."""

from django.db import migrations

from schedules import ScheduleMigration

SCHEDULE = ScheduleMigration(
    "Publish scheduled pages", "home.tasks.publish_scheduled_pages", "I", minutes=1
)
create_schedule, remove_schedule = SCHEDULE.create_schedule, SCHEDULE.remove_schedule


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0006_wagtail_default_groups"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [SCHEDULE.operation()]
