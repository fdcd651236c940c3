"""Wagtail's password reset, throttled per client and per e-mail address."""

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from wagtail.admin.views.account import PasswordResetView

from .lockout import client_ip

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
