"""Project configuration: settings, URLs, WSGI/ASGI. See ``site_package.py``.

This file is never executed: ``site`` is the stdlib module, which
``site_package`` turns into a package over this directory.
"""
