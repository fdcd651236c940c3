"""The schedule migrations' one create-or-repair (the schedules package)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django_q.models import Schedule

from schedules import ScheduleMigration, next_run_at


@pytest.mark.parametrize("weekday", [None, 0, 6])
@pytest.mark.parametrize("hour", [0, 7, 23])
def test_the_first_run_is_the_next_such_hour_and_day(hour, weekday):
    now = datetime.now(UTC)
    run_at = next_run_at(hour, weekday)
    assert run_at > now
    assert run_at - now <= timedelta(days=1 if weekday is None else 7)
    assert (run_at.hour, run_at.minute, run_at.second) == (hour, 0, 0)
    if weekday is not None:
        assert run_at.weekday() == weekday


@pytest.mark.django_db
def test_a_second_run_keeps_the_operators_timing_and_repairs_the_work():
    schedule = ScheduleMigration("Example digest", "example.tasks.digest", "W", hour=7, weekday=0)
    schedule.create_schedule(apps, None)
    row = Schedule.objects.get(name="Example digest")
    moved = row.next_run + timedelta(hours=5)  # an operator moved it
    Schedule.objects.filter(pk=row.pk).update(next_run=moved, func="old.path", repeats=3)
    schedule.create_schedule(apps, None)
    row = Schedule.objects.get(name="Example digest")
    assert (row.func, row.schedule_type, row.repeats, row.next_run) == (
        "example.tasks.digest",
        "W",
        -1,
        moved,
    )
    schedule.remove_schedule(apps, None)
    assert not Schedule.objects.filter(name="Example digest").exists()


@pytest.mark.django_db
def test_an_interval_schedule_repairs_its_minutes():
    schedule = ScheduleMigration("Example beat", "example.tasks.beat", "I", minutes=1)
    schedule.create_schedule(apps, None)
    Schedule.objects.filter(name="Example beat").update(minutes=10)
    schedule.create_schedule(apps, None)
    assert Schedule.objects.get(name="Example beat").minutes == 1
