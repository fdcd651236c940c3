"""Two-factor sign-in (TOTP with recovery codes, django-otp) for everyone who can approve
or publish: members of the review groups and Editors (``TWO_FACTOR_GROUPS``) and superusers.

With ``REQUIRE_2FA`` on, such a user who has signed in with a password reaches no admin page
(Wagtail's or Django's) until the session is verified with a second factor: on the first
sign-in they enrol an authenticator app (and get ten single-use recovery codes), later
they enter a code from it or a recovery code. django-otp throttles wrong codes per device.
"""

import segno
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
PROTECTED_PREFIXES = ("/admin/", "/django-admin/")
# Reachable before the second factor: signing in and out, the 2FA pages, password reset.
OPEN_PATHS = (
    "/admin/login/",
    "/admin/logout/",
    "/admin/password_reset/",
    "/admin/two-factor/",
    "/admin/jsi18n/",
    "/admin/sprite/",  # the icon sprite every admin page, these included, fetches
    "/django-admin/login/",
    "/django-admin/logout/",
)


def requires_two_factor(user) -> bool:
    if not (settings.REQUIRE_2FA and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.groups.filter(name__in=settings.TWO_FACTOR_GROUPS).exists()


def safe_next(request, default=None) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or reverse("wagtailadmin_home")


class RequireTwoFactorMiddleware:
    """Send a password-only session of a 2FA user to enrolment or verification."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if (
            path.startswith(PROTECTED_PREFIXES)
            and not path.startswith(OPEN_PATHS)
            and requires_two_factor(request.user)
            and not request.user.is_verified()
        ):
            step = "verify" if user_has_device(request.user) else "setup"
            url = reverse(f"accounts_two_factor_{step}")
            return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def pending_totp_device(user) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled (one per user until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def qr_code_svg(device: TOTPDevice) -> str:
    """The enrolment URL as an inline SVG QR code (segno: no image file, no network)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5)


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODES fresh single-use ones."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    device.token_set.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes
