"""Schedule the weekly "Refresh trials (full)" in django-q2: every stored trial re-fetched
(the registry changes some statuses without posting an update date); idempotent."""

from datetime import UTC, datetime, time, timedelta

from django.db import migrations

NAME = "Refresh trials (full)"
FUNC = "trials.tasks.refresh_all_trials"


def next_sunday_04_utc():
    now = datetime.now(UTC)
    days = (6 - now.weekday()) % 7  # Sunday, away from the daily run at 03:00
    run_at = datetime.combine(now.date() + timedelta(days=days), time(4, 0), tzinfo=UTC)
    return run_at if run_at > now else run_at + timedelta(days=7)


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    # Keep an existing schedule's timing (an operator may have moved it); fix the rest.
    schedule, created = Schedule.objects.get_or_create(
        name=NAME,
        defaults={
            "func": FUNC,
            "schedule_type": "W",
            "repeats": -1,
            "next_run": next_sunday_04_utc(),
        },
    )
    if not created and (schedule.func, schedule.schedule_type) != (FUNC, "W"):
        schedule.func, schedule.schedule_type, schedule.repeats = FUNC, "W", -1
        schedule.save(update_fields=["func", "schedule_type", "repeats"])


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0006_query_matches"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
