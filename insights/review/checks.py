"""Automatic checks shown on the approval screen; a failed check blocks approval.

Registry verification (stage 3) checks every trial the revision under review cites
against the synced registry data: the trial exists, was refreshed recently, and what
the page states about its status and phase matches the registry. The final stage also
checks that the revision can be published at all (e.g. it carries a disclaimer), so
the approval that publishes it cannot fail half-way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

from insights.review.stages import REGISTRY_MAX_AGE_DAYS


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one automatic check."""

    subject: str  # what was checked, e.g. an NCT ID
    passed: bool
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


def _label(choices, value: str) -> str:
    return dict(choices).get(value, value)


def registry_checks(page, now: dt.datetime | None = None) -> list[CheckResult]:
    """Check the trials PAGE (a revision's object) cites against the synced registry.

    Two queries whatever the number of citations: whether any trial data exists, and
    the cited trials themselves.
    """
    from trials.models import OverallStatus, Phase, Trial, trials_by_nct_id

    now = now or timezone.now()
    citations = list(page.trial_citations.all())
    if not Trial.objects.exists():
        return [
            CheckResult(
                "Registry",
                False,
                "No trial data: the registry sync has not loaded any trials yet, so no "
                "citation can be verified.",
            )
        ]
    if not citations:
        return [CheckResult("Citations", True, "This page cites no trials.")]

    # An old NCT ID (an alias) is checked against the trial it now names.
    trials = trials_by_nct_id({c.nct_id for c in citations})
    oldest_allowed = now - dt.timedelta(days=REGISTRY_MAX_AGE_DAYS)
    results = []
    for citation in citations:
        nct_id = citation.nct_id
        trial = trials.get(nct_id)
        if trial is None:
            results.append(CheckResult(nct_id, False, "Not among the synced trials."))
            continue
        problems = []
        if trial.missing_from_registry:
            problems.append("no longer listed by the registry")
        if trial.last_seen < oldest_allowed:
            age = (now - trial.last_seen).days
            problems.append(
                f"registry data is {age} days old (must be refreshed within "
                f"{REGISTRY_MAX_AGE_DAYS} days)"
            )
        if citation.stated_status and citation.stated_status != trial.overall_status:
            problems.append(
                f"page states status {_label(OverallStatus.choices, citation.stated_status)!r}, "
                f"registry says {_label(OverallStatus.choices, trial.overall_status)!r}"
            )
        if citation.stated_phase and citation.stated_phase not in (trial.phases or []):
            registry_phases = (
                ", ".join(_label(Phase.choices, p) for p in trial.phases) or "no phase"
            )
            problems.append(
                f"page states {_label(Phase.choices, citation.stated_phase)!r}, "
                f"registry says {registry_phases}"
            )
        if problems:
            text = "; ".join(problems)
            results.append(CheckResult(nct_id, False, text[0].upper() + text[1:] + "."))
        else:
            refreshed = timezone.localtime(trial.last_seen).strftime("%d %b %Y")
            results.append(
                CheckResult(nct_id, True, f"Matches the registry (refreshed {refreshed}).")
            )
    return results


def publishability_checks(page) -> list[CheckResult]:
    """Whether PAGE (a revision's object) passes the validation publishing applies."""
    page._publish_intent = True  # the content model validates publishing more strictly
    try:
        page.full_clean()
    except ValidationError as exc:
        by_field = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        messages = [
            f"{field}: {message}" if field != "__all__" else message
            for field, errors in by_field.items()
            for message in errors
        ]
        return [CheckResult("Publishing", False, " ".join(messages))]
    finally:
        del page._publish_intent
    return [CheckResult("Publishing", True, "The revision passes the checks for publishing.")]
