"""Settings of the staleness sweep's child processes: the test settings with media files
on disk (the processes share uploads) and Django's cache in Redis when REDIS_URL is set."""

import os

from site.settings.test import *  # noqa: F403

MEDIA_ROOT = os.environ["SWEEP_MEDIA_ROOT"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
