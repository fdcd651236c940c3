from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Sign-in security"

    def ready(self):
        from . import lockout  # noqa: F401  (connects the lockout signal handlers)
