"""The registry sync: what to fetch (plan), how to store it (writer), the lease, the run."""

from .lease import SyncAlreadyRunning
from .run import SyncProgress, run_sync

__all__ = ["SyncAlreadyRunning", "SyncProgress", "run_sync"]
