"""Development: DEBUG on, an insecure key that never leaves a laptop, console e-mail."""

from .base import *  # noqa: F403
from .environment import env_bool, env_list, env_str

DEBUG = True
SECRET_KEY = env_str("SECRET_KEY", "dev-insecure-key-not-for-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])

# Serve static files straight from the finders; no collectstatic needed outside production.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
WEBHOOKS_ALLOW_HTTP = env_bool("WEBHOOKS_ALLOW_HTTP", True)  # local receivers in development
