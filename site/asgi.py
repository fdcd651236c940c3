"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

import site_package  # noqa: F401

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings.dev")

application = get_asgi_application()
