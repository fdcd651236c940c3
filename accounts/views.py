"""Sign-in views: Wagtail's password reset, throttled; two-factor enrolment and verification."""

import base64

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from wagtail.admin.views.account import PasswordResetView

from .lockout import client_ip
from .two_factor import new_recovery_codes, pending_totp_device, qr_code_svg, safe_next

THROTTLED_MESSAGE = (
    "Too many password reset requests. Please wait an hour before asking again, "
    "or ask an administrator."
)


def _over_limit(key: str) -> bool:
    """Count one request against KEY; True once the hour's allowance is used up."""
    limit = settings.PASSWORD_RESET_LIMIT_PER_HOUR
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count > limit


class ThrottledPasswordResetView(PasswordResetView):
    """At most PASSWORD_RESET_LIMIT_PER_HOUR reset e-mails per client and per address:
    the form would otherwise send mail to anyone's inbox as fast as it is posted."""

    def post(self, request, *args, **kwargs):
        email = request.POST.get("email", "").strip().lower()
        keys = [f"password-reset:ip:{client_ip(request)}"]
        if email:
            keys.append(f"password-reset:email:{email}")
        # Count against every key, so a client cannot spread guesses across addresses.
        if any([_over_limit(key) for key in keys]):
            context = {"message": THROTTLED_MESSAGE}
            return render(request, "accounts/throttled.html", context, status=429)
        return super().post(request, *args, **kwargs)


def _token(request) -> str:
    return "".join(request.POST.get("token", "").split())


@never_cache
@login_required(login_url="wagtailadmin_login")
def two_factor_setup(request):
    """First sign-in: scan the QR code (or type the key), confirm with a code; then the
    recovery codes are shown, once."""
    if any(devices_for_user(request.user)):
        return redirect(safe_next(request))
    device = pending_totp_device(request.user)
    error = None
    if request.method == "POST":
        if device.verify_token(_token(request)):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            codes = new_recovery_codes(request.user)
            context = {"codes": codes, "next": safe_next(request)}
            return render(request, "accounts/two_factor_recovery_codes.html", context)
        error = "That code is not right (or has expired). Enter the current 6-digit code."
    context = {
        "qr_code": qr_code_svg(device),
        "secret": base64.b32encode(device.bin_key).decode(),
        "error": error,
        "next": safe_next(request),
    }
    return render(request, "accounts/two_factor_setup.html", context, status=400 if error else 200)


@never_cache
@login_required(login_url="wagtailadmin_login")
def two_factor_verify(request):
    """Later sign-ins: a code from the authenticator app, or a recovery code (used up)."""
    if request.user.is_verified():
        return redirect(safe_next(request))
    if not any(devices_for_user(request.user)):
        return redirect("accounts_two_factor_setup")
    error = None
    if request.method == "POST":
        device = match_token(request.user, _token(request))
        if device is not None:
            otp_login(request, device)
            return redirect(safe_next(request))
        error = "That code is not right. Enter the current code from your app, or a recovery code."
    context = {"error": error, "next": safe_next(request)}
    return render(request, "accounts/two_factor_verify.html", context, status=400 if error else 200)
