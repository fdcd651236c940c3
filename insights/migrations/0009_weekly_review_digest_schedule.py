"""Schedule the "Weekly review digest" in django-q2 (Mondays 07:00 UTC); idempotent."""

from django.db import migrations

from schedules import ScheduleMigration

SCHEDULE = ScheduleMigration(
    "Weekly review digest",
    "insights.review.digest.send_weekly_digest",
    "W",
    hour=7,
    weekday=0,  # Mondays
)
create_schedule, remove_schedule = SCHEDULE.create_schedule, SCHEDULE.remove_schedule


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0008_index_intro_claims_only_what_is_true"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [SCHEDULE.operation()]
