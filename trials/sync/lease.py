"""A lease in the database so that two syncs never overlap, on any number of hosts.

Taking the lease is one conditional UPDATE ("free or expired, or already mine"), which
both SQLite and PostgreSQL execute atomically; the row is created on first use. The
lease is short (a minute by default) and a ``Heartbeat`` thread renews it off the page
loop, so a slow registry request never lets it lapse while its holder lives, and a
holder that is killed lets it expire within a minute: the next run takes over.
"""

import logging
import os
import socket
import threading
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Q
from django.utils import timezone

from trials.models import SyncLease

LEASE_NAME = "trials-sync"
BEATS_PER_LEASE = 4  # three beats may fail (a locked SQLite file) before the lease lapses

logger = logging.getLogger("trials.sync")


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


class Heartbeat:
    """Renews a held lease from a thread of its own, every quarter of its duration.

    The thread opens its own database connection, so it can only renew a lease the
    holder has committed: start it outside any transaction. A renewal that fails on a
    busy database is retried at the next beat; one that finds the lease taken stops the
    beat (the page loop's ``check`` then stops the run).
    """

    def __init__(self, holder: str, name: str = LEASE_NAME):
        self.holder = holder
        self.name = name
        self.interval = lease_duration().total_seconds() / BEATS_PER_LEASE
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease-{name}", daemon=True)

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stopping.set()
        self._thread.join()

    def _beat(self) -> None:
        try:
            while not self._stopping.wait(self.interval):
                try:
                    renew(self.holder, self.name)
                except LeaseLost:
                    return
                except DatabaseError as exc:
                    logger.warning("Could not renew the sync lease (will retry): %s", exc)
        finally:
            connections.close_all()  # this thread's own connections
