"""Schedule the daily e-mail digest of trial alerts ("Send trial alerts"); idempotent."""

from datetime import UTC, datetime, time, timedelta

from django.db import migrations

NAME = "Send trial alerts"
FUNC = "trials.tasks.send_trial_alerts"


def next_07_utc():
    # after the 03:00 "Refresh trials" sync, so a digest reports that night's changes
    now = datetime.now(UTC)
    run_at = datetime.combine(now.date(), time(7, 0), tzinfo=UTC)
    return run_at if run_at > now else run_at + timedelta(days=1)


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    # Keep an existing schedule's timing (an operator may have moved it); fix the rest.
    schedule, created = Schedule.objects.get_or_create(
        name=NAME,
        defaults={"func": FUNC, "schedule_type": "D", "repeats": -1, "next_run": next_07_utc()},
    )
    if not created and (schedule.func, schedule.schedule_type) != (FUNC, "D"):
        schedule.func, schedule.schedule_type, schedule.repeats = FUNC, "D", -1
        schedule.save(update_fields=["func", "schedule_type", "repeats"])


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0014_trial_alerts"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
