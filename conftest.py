"""Root pytest configuration.

pytest-django imports the settings module while pytest loads its initial
conftests, before this file or the ``pythonpath`` ini option could help, so the
settings module is named here instead, after ``site_package`` has made
``site.*`` importable (see site_package.py). Reading the settings marks them
configured; pytest-django then runs ``django.setup()`` in its ``pytest_configure``.
"""

import os

import site_package  # noqa: F401

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings.test")

from django.conf import settings

settings.INSTALLED_APPS  # noqa: B018  (loads the settings now)
