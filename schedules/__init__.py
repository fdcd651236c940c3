"""django-q2 schedules created by data migrations: one idempotent create-or-repair.

Each schedule migration declares a ``ScheduleMigration`` and runs its operation. Running
it again (or on a database where an operator touched the schedule) keeps the schedule's
timing (``next_run``: they may have moved it) and repairs what names the work: the task
path, the schedule type, the interval and "repeat forever".
"""

from datetime import UTC, datetime, time, timedelta

from django.db import migrations


def next_run_at(hour: int, weekday: int | None = None) -> datetime:
    """The next HOUR:00 UTC from now, on WEEKDAY (Monday 0) if given, else any day."""
    now = datetime.now(UTC)
    days = 0 if weekday is None else (weekday - now.weekday()) % 7
    run_at = datetime.combine(now.date() + timedelta(days=days), time(hour, 0), tzinfo=UTC)
    return run_at if run_at > now else run_at + timedelta(days=1 if weekday is None else 7)


class ScheduleMigration:
    """One named django-q2 schedule, as a data migration creates and removes it.

    SCHEDULE_TYPE is django-q2's code ("I" every MINUTES, "D" daily, "W" weekly); daily and
    weekly schedules first run at HOUR:00 UTC (on WEEKDAY for weekly ones).
    """

    def __init__(self, name, func, schedule_type, *, minutes=None, hour=None, weekday=None):
        self.name, self.func, self.schedule_type = name, func, schedule_type
        self.minutes, self.hour, self.weekday = minutes, hour, weekday

    def create_schedule(self, apps, schema_editor) -> None:
        Schedule = apps.get_model("django_q", "Schedule")
        wanted = {"func": self.func, "schedule_type": self.schedule_type, "repeats": -1}
        if self.minutes is not None:
            wanted["minutes"] = self.minutes
        defaults = dict(wanted)
        if self.hour is not None:
            defaults["next_run"] = next_run_at(self.hour, self.weekday)
        schedule, created = Schedule.objects.get_or_create(name=self.name, defaults=defaults)
        if created or all(getattr(schedule, key) == value for key, value in wanted.items()):
            return
        for key, value in wanted.items():
            setattr(schedule, key, value)
        schedule.save(update_fields=list(wanted))

    def remove_schedule(self, apps, schema_editor) -> None:
        apps.get_model("django_q", "Schedule").objects.filter(name=self.name).delete()

    def operation(self) -> migrations.RunPython:
        return migrations.RunPython(self.create_schedule, self.remove_schedule)
