"""Template helpers of the public trial pages."""

import json
import re

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


# The registry writes its texts as Markdown and escapes the characters Markdown would
# read ("\\<126 mg/dl", "\\[Eichenfeld 2004\\]"): readers see the character itself.
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")


@register.filter
def registry_text(value) -> str:
    """A registry text for reading: Markdown escapes removed, nothing else changed
    (the result is still escaped by the template)."""
    return _MARKDOWN_ESCAPE.sub(r"\1", str(value or ""))


@register.simple_tag(takes_context=True)
def finder_query(context, name: str, value) -> str:
    """This finder URL's query string with NAME set to VALUE (the first page again)."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    query[name] = value
    return query.urlencode()


@register.inclusion_tag("trials/includes/recruiting_now.html")
def recruiting_now(page) -> dict:
    """The "trials being tested now" block of an explainer (trials.recruiting)."""
    from trials.recruiting import explainer_recruiting_now

    return {"recruiting": explainer_recruiting_now(page)}


@register.simple_tag
def trial_json_ld(trial) -> str:
    """schema.org MedicalTrial data for a trial page."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalTrial",
        "name": trial.brief_title,
        "identifier": trial.nct_id,
        "status": trial.status_display,
    }
    if trial.registry_url:
        data["url"] = trial.registry_url
    # schema.org has no "expected": estimates are not given as dates of the study but
    # as properties that say what they are.
    facts = []
    if trial.status_note:
        facts.append(("Status note", trial.status_note))
    for field, name in (("start_date", "startDate"), ("completion_date", "endDate")):
        value = getattr(trial, field)
        if value and getattr(trial, f"{field}_type") == "ESTIMATED":
            facts.append((f"Expected {'start' if name == 'startDate' else 'completion'}", value))
        elif value:
            data[name] = value
    if trial.primary_completion_date:
        kind = "Expected" if trial.primary_completion_date_type == "ESTIMATED" else "Actual"
        facts.append((f"{kind} primary completion", trial.primary_completion_date))
    if trial.enrollment is not None:
        kind = "Anticipated" if trial.enrollment_type == "ESTIMATED" else "Actual"
        facts.append((f"{kind} enrollment", trial.enrollment))
    if trial.collaborators:
        facts.append(("Collaborators", "; ".join(trial.collaborators)))
    if trial.has_results:
        results = {"@type": "PropertyValue", "name": "Results posted"}
        if trial.results_url:
            results["url"] = trial.results_url
        if trial.results_first_posted:
            results["value"] = trial.results_first_posted.isoformat()
    if facts or trial.has_results:
        data["additionalProperty"] = [
            {"@type": "PropertyValue", "name": name, "value": value} for name, value in facts
        ]
        if trial.has_results:
            data["additionalProperty"].append(results)
    if trial.secondary_ids:
        data["identifier"] = [trial.nct_id, *(item["id"] for item in trial.secondary_ids)]
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


@register.inclusion_tag("trials/includes/site_map.html")
def site_map(points, label="Map of the sites"):
    """The Leaflet map of POINTS (trials.maps), or nothing when TRIALS_MAP_TILE_URL is
    empty or no site has coordinates."""
    from django.conf import settings

    return {
        "points": points,
        "label": label,
        "tile_url": settings.TRIALS_MAP_TILE_URL,
        "attribution": settings.TRIALS_MAP_ATTRIBUTION,
    }
