"""The alert e-mails: the confirmation request and the digest, each with an
unsubscribe link (and List-Unsubscribe headers, for one-click mail clients)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from .tokens import confirm_token, unsubscribe_token


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def search_url(alert) -> str:
    return absolute(reverse("trials:list") + (f"?{alert.query}" if alert.query else ""))


def unsubscribe_url(alert) -> str:
    return absolute(reverse("trials:alert_unsubscribe", args=[unsubscribe_token(alert)]))


def _send(alert, subject: str, template: str, context: dict) -> None:
    unsubscribe = unsubscribe_url(alert)
    context = {
        **context,
        "alert": alert,
        "search_url": search_url(alert),
        "unsubscribe_url": unsubscribe,
    }
    message = EmailMessage(
        subject=subject,
        body=render_to_string(template, context),
        to=[alert.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send()


def send_confirmation(alert) -> None:
    confirm = absolute(reverse("trials:alert_confirm", args=[confirm_token(alert)]))
    _send(
        alert,
        "Confirm your ClinicalMetric trial alert",
        "trials/alerts/confirm_email.txt",
        {"confirm_url": confirm},
    )


def send_digest(alert, entries: list[dict], more: int) -> None:
    count = len(entries) + more
    _send(
        alert,
        f"Trial alert: {count} new or changed trial{'' if count == 1 else 's'}",
        "trials/alerts/digest_email.txt",
        {"entries": entries, "more": more, "site_url": settings.SITE_URL.rstrip("/")},
    )
