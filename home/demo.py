"""Demo content of the site root: the admin login and the home page text."""

from django.contrib.auth import get_user_model

from accounts.demo import demo_password
from home.site_address import apply_to_default_site

DEMO_ADMIN_USERNAME = "admin"
DEMO_ADMIN_EMAIL = "admin@clinicalmetric.localhost"


def load(log) -> None:
    User = get_user_model()
    admin, created = User.objects.get_or_create(
        username=DEMO_ADMIN_USERNAME,
        defaults={"email": DEMO_ADMIN_EMAIL, "is_staff": True, "is_superuser": True},
    )
    if created:
        admin.set_password(demo_password())
        admin.save(update_fields=["password"])
    note = "" if created else " (unless you changed it)"
    log(
        "Admin login: http://127.0.0.1:8000/admin/  "
        f"user {DEMO_ADMIN_USERNAME!r}  password {demo_password()!r}{note}"
    )

    # The default Site answers at SITE_URL (127.0.0.1:8000 for `make run`).
    apply_to_default_site()
