"""Schedule the "Weekly review digest" in django-q2 (Mondays 07:00 UTC); idempotent."""

from datetime import UTC, datetime, time, timedelta

from django.db import migrations

NAME = "Weekly review digest"
FUNC = "insights.review.digest.send_weekly_digest"


def next_monday_07_utc():
    now = datetime.now(UTC)
    days = (0 - now.weekday()) % 7
    run_at = datetime.combine(now.date() + timedelta(days=days), time(7, 0), tzinfo=UTC)
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
            "next_run": next_monday_07_utc(),
        },
    )
    if not created and (schedule.func, schedule.schedule_type) != (FUNC, "W"):
        schedule.func, schedule.schedule_type, schedule.repeats = FUNC, "W", -1
        schedule.save(update_fields=["func", "schedule_type", "repeats"])


def remove_schedule(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0008_index_intro_claims_only_what_is_true"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(create_schedule, remove_schedule)]
