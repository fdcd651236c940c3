"""A lease in the database so that two syncs never overlap, on any number of hosts.

Taking the lease is one conditional UPDATE ("free or expired, or already mine"), which
both SQLite and PostgreSQL execute atomically; the row is created on first use. The
holder renews it after every page; a holder that dies lets it expire, and the next run
takes over.
"""

import os
import socket
import uuid
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from trials.models import SyncLease

LEASE_NAME = "trials-sync"


class SyncAlreadyRunning(RuntimeError):
    """Another sync holds the lease."""

    def __init__(self, lease: SyncLease | None):
        self.lease = lease
        if lease is not None:
            detail = f"held by {lease.holder} until {lease.expires:%Y-%m-%d %H:%M:%S %Z}"
        else:
            detail = "held by another process"
        super().__init__(f"Another registry sync is running (lease {detail}).")


class LeaseLost(RuntimeError):
    """Our lease expired and someone else took it: stop writing at once."""


def new_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def lease_duration() -> timedelta:
    return timedelta(seconds=settings.TRIALS_SYNC_LEASE_SECONDS)


def acquire(holder: str, name: str = LEASE_NAME) -> bool:
    now = timezone.now()
    SyncLease.objects.bulk_create(
        [SyncLease(name=name, holder="", expires=now)], ignore_conflicts=True
    )
    taken = (
        SyncLease.objects.filter(name=name)
        .filter(Q(expires__lte=now) | Q(holder=holder))
        .update(holder=holder, expires=now + lease_duration())
    )
    return taken == 1


def renew(holder: str, name: str = LEASE_NAME) -> None:
    renewed = SyncLease.objects.filter(name=name, holder=holder).update(
        expires=timezone.now() + lease_duration()
    )
    if not renewed:
        raise LeaseLost(f"the sync lease {name!r} is no longer held by {holder}")


def check(holder: str, name: str = LEASE_NAME) -> None:
    """Raise LeaseLost unless HOLDER still holds an unexpired lease (a read, no write)."""
    if not SyncLease.objects.filter(name=name, holder=holder, expires__gt=timezone.now()).exists():
        raise LeaseLost(f"the sync lease {name!r} is no longer held by {holder}")


def release(holder: str, name: str = LEASE_NAME) -> None:
    SyncLease.objects.filter(name=name, holder=holder).update(holder="", expires=timezone.now())


def current(name: str = LEASE_NAME) -> SyncLease | None:
    return SyncLease.objects.filter(name=name).first()
