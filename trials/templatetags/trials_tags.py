"""Template helpers of the public trial pages."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# What json_script escapes: the payload can never close the <script> element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def thousands(value) -> str:
    """1234567 -> "1,234,567" (without enabling django.contrib.humanize)."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value


@register.simple_tag
def trial_json_ld(trial) -> str:
    """schema.org MedicalTrial data for a trial page."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalTrial",
        "name": trial.brief_title,
        "identifier": trial.nct_id,
        "url": trial.registry_url,
        "status": trial.status_label,
    }
    if trial.official_title:
        data["alternateName"] = trial.official_title
    if trial.phases:
        data["phase"] = trial.phase_display
    if trial.conditions:
        data["healthCondition"] = [
            {"@type": "MedicalCondition", "name": name} for name in trial.conditions
        ]
    if trial.lead_sponsor:
        data["sponsor"] = {"@type": "Organization", "name": trial.lead_sponsor}
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308
