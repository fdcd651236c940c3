"""Signed links of the alert e-mails: confirm (expires) and unsubscribe (does not)."""

from django.core import signing

CONFIRM_SALT = "trials.alerts.confirm"
UNSUBSCRIBE_SALT = "trials.alerts.unsubscribe"
CONFIRM_MAX_AGE = 7 * 24 * 3600  # a week to click the confirmation link


def _payload(alert) -> dict:
    # the address is signed too: a token stays bound to the subscription it was made for
    return {"a": alert.pk, "e": alert.email}


def confirm_token(alert) -> str:
    return signing.dumps(_payload(alert), salt=CONFIRM_SALT, compress=True)


def unsubscribe_token(alert) -> str:
    return signing.dumps(_payload(alert), salt=UNSUBSCRIBE_SALT, compress=True)


def read_token(token: str, *, salt: str, max_age: int | None = None):
    """The TrialAlert a token names, or None (bad signature, expired, gone)."""
    from trials.alerts.models import TrialAlert

    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
        return TrialAlert.objects.filter(pk=int(data["a"]), email=str(data["e"])).first()
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
