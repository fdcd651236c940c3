"""File storage that removes what it could not finish writing."""

import errno
import logging
import os

from django.core.files.storage import FileSystemStorage

logger = logging.getLogger(__name__)


class DiskFullError(OSError):
    """The storage ran out of space; the partial file has been removed."""

    MESSAGE = (
        "The server's disk is full, so the file was not saved. Nothing was kept; "
        "please try again later and tell the site administrator."
    )


class CleaningFileSystemStorage(FileSystemStorage):
    """Django's file system storage; a write that fails (disk full, quota, I/O error)
    deletes the partial file instead of leaving it to fill the disk further."""

    def _save(self, name, content):
        full_path = self.path(name)
        # Only a file this call created may be removed (O_EXCL: a name that exists
        # already makes Django pick another one, which is then this call's file).
        existed = os.path.lexists(full_path)
        try:
            return super()._save(name, content)
        except OSError as exc:
            if isinstance(exc, FileExistsError):
                raise
            if not existed and os.path.lexists(full_path):
                try:
                    os.remove(full_path)
                except OSError:
                    logger.exception("Could not remove the partial file %s", full_path)
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise DiskFullError(exc.errno, DiskFullError.MESSAGE, name) from exc
            raise
