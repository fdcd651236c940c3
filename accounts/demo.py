"""The demo logins' password: one place for every app that creates demo accounts."""

import os


def demo_password() -> str:
    """The password of every demo account (``DEMO_PASSWORD`` overrides the default)."""
    return os.environ.get("DEMO_PASSWORD", "demo-lamp-river-42")
