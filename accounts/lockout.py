"""Login throttling (django-axes) wired to this site.

django-axes counts failed sign-ins on /admin/login/ and /django-admin/login/ (both call
``authenticate()``), per account and per client independently; after
``AXES_FAILURE_LIMIT`` failures the account (or client) is refused for ``AXES_COOLOFF_TIME``
even with the right password. Its AccessAttempt / AccessFailureLog tables are in the
Django admin, where a superuser unlocks by deleting the attempt. Each lockout and unlock
of an existing account is also written to Wagtail's audit log of that user.
"""

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

LOCKED_OUT = "accounts.locked_out"
UNLOCKED = "accounts.unlocked"


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind our proxy the address it appended last
    to X-Forwarded-For (earlier entries are whatever the client claimed)."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


def _user(username):
    if not username:
        return None
    User = get_user_model()
    return User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()


@receiver(user_locked_out)
def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
    user = _user(username)
    if user is None:
        return
    # axes signals again for each attempt refused while locked: one entry per lockout.
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    already = ModelLogEntry.objects.filter(
        action=LOCKED_OUT, object_id=str(user.pk), timestamp__gte=since
    ).exists()
    if not already:
        log(instance=user, action=LOCKED_OUT, user=None, data={"ip_address": ip_address})


@receiver(post_delete, sender=AccessAttempt)
def log_unlock(sender, instance, **kwargs):
    if instance.failures_since_start >= settings.AXES_FAILURE_LIMIT:
        user = _user(instance.username)
        if user is not None:
            log(instance=user, action=UNLOCKED, data={"ip_address": instance.ip_address})
