"""WSGI entry point (gunicorn loads ``site.wsgi:application`` after gunicorn.conf.py)."""

import os

from django.core.wsgi import get_wsgi_application

import site_package  # noqa: F401

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings.dev")

application = get_wsgi_application()
