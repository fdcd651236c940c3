"""Root pytest configuration.

pytest-django imports the settings module while pytest loads its initial
conftests, before this file or the ``pythonpath`` ini option could help, so the
settings module is named here instead, after ``site_package`` has made
``site.*`` importable (see site_package.py). Reading the settings marks them
configured; pytest-django then runs ``django.setup()`` in its ``pytest_configure``.

The variable is taken out of the environment again once the settings are loaded:
pytest-xdist's workers inherit the environment, and a worker that found
``DJANGO_SETTINGS_MODULE`` set would have pytest-django import ``site.settings``
before this file made ``site`` a package. Child processes the tests start name
their settings themselves (``tests.processes.process_env``).
"""

import os

import site_package  # noqa: F401

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings.test")

from django.conf import settings

settings.INSTALLED_APPS  # noqa: B018  (loads the settings now)
os.environ.pop("DJANGO_SETTINGS_MODULE")
