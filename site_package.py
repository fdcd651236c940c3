"""Make the project's ``site/`` package importable as ``site``.

Python imports the standard-library module ``site`` at start-up, so by the time
Django asks for ``site.settings`` the name ``site`` is already taken by a plain
module, and ``import site.settings`` fails with "'site' is not a package".

Rather than renaming the package (the layout is fixed) or replacing the stdlib
module (other code calls ``site.getsitepackages()`` and friends), we give the
already-imported stdlib module a ``__path__`` pointing at our ``site/``
directory. A module with ``__path__`` is a package as far as the import system
is concerned, so ``site.settings``, ``site.urls`` and ``site.wsgi`` resolve to
our files while every stdlib attribute keeps working.

Every entry point imports this module before Django: ``manage.py``,
``conftest.py`` (pytest), ``gunicorn.conf.py`` and ``site/wsgi.py``/``asgi.py``
via their loaders. The django-q2 worker runs through ``manage.py qcluster``.
"""

import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
SITE_PACKAGE_DIR = str(PROJECT_ROOT / "site")


def install() -> None:
    """Expose ``site/`` as the ``site`` package; safe to call many times."""
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    stdlib_site = sys.modules.get("site")
    if stdlib_site is None:
        # Interpreter started with -S: nothing shadows us, a normal import works.
        return
    path = getattr(stdlib_site, "__path__", None)
    if path is None:
        stdlib_site.__path__ = [SITE_PACKAGE_DIR]
    elif SITE_PACKAGE_DIR not in path:
        path.append(SITE_PACKAGE_DIR)


install()
