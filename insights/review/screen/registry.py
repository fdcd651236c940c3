"""The registry panel: each trial the revision cites, what the page states beside the registry.

Shown at every stage (stage 3 decides on it). "Refresh from registry" queues
``sync_trials --ids <the cited IDs>`` in django-q2; the panel then shows that task's
result (queued, or the sync's own summary).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.core.management import CommandError, call_command
from django.utils import timezone

from insights.review.stages import REGISTRY_MAX_AGE_DAYS
from trials import labels
from trials.models import partial_date_text, registry_url, trials_by_nct_id

REFRESH_TASK = "insights.review.screen.registry.refresh_cited_trials"
REFRESH_GROUP = "Refresh from registry (review)"


@dataclass
class Fact:
    """One line of the comparison: what the page states and what the registry says."""

    label: str
    registry: str
    stated: str = ""  # empty: the page states nothing about it
    matches: bool | None = None  # None: nothing to compare


@dataclass
class CitedTrial:
    """One cited NCT ID with its registry record (None when it is not synced)."""

    nct_id: str
    trial: object | None
    facts: list[Fact] = field(default_factory=list)
    refreshed: object | None = None
    stale: bool = False
    registry_link: str = ""

    @property
    def problems(self) -> bool:
        return (
            self.trial is None
            or self.stale
            or self.trial.missing_from_registry
            or any(f.matches is False for f in self.facts)
        )


def _dated(value: str, kind: str) -> str:
    if not value:
        return "—"
    text = partial_date_text(value)
    qualifier = labels.label(labels.DATE_TYPE, kind)
    return f"{text} ({qualifier.lower()})" if qualifier else text


def cited_trials(page, now=None) -> list[CitedTrial]:
    """The trials PAGE (a revision's object) cites, each beside its registry record.

    One query for the trials whatever their number (aliases resolve to the trial they
    name now).
    """
    now = now or timezone.now()
    citations = list(page.trial_citations.all())
    trials = trials_by_nct_id({c.nct_id for c in citations})
    rows = []
    for citation in citations:
        trial = trials.get(citation.nct_id)
        row = CitedTrial(citation.nct_id, trial, registry_link=registry_url(citation.nct_id))
        if trial is not None:
            stated_status = labels.label(labels.STATUS, citation.stated_status)
            stated_phase = labels.label(labels.PHASE, citation.stated_phase)
            registry_phases = ", ".join(labels.label(labels.PHASE, p) for p in trial.phases)
            enrollment = "—"
            if trial.enrollment is not None:
                kind = labels.label(labels.ENROLLMENT_TYPE, trial.enrollment_type)
                enrollment = f"{trial.enrollment:,}" + (f" ({kind.lower()})" if kind else "")
            row.facts = [
                Fact(
                    "Status",
                    trial.status_label or "—",
                    stated_status,
                    (citation.stated_status == trial.overall_status)
                    if citation.stated_status
                    else None,
                ),
                Fact(
                    "Phase",
                    registry_phases or "—",
                    stated_phase,
                    (citation.stated_phase in (trial.phases or []))
                    if citation.stated_phase
                    else None,
                ),
                Fact("Sponsor", trial.lead_sponsor or "—"),
                Fact("Enrollment", enrollment),
                Fact("Start", _dated(trial.start_date, trial.start_date_type)),
                Fact(
                    "Primary completion",
                    _dated(trial.primary_completion_date, trial.primary_completion_date_type),
                ),
                Fact("Completion", _dated(trial.completion_date, trial.completion_date_type)),
            ]
            row.refreshed = trial.last_seen
            row.stale = (now - trial.last_seen).days >= REGISTRY_MAX_AGE_DAYS
        rows.append(row)
    return rows


def refresh_cited_trials(nct_ids: list[str]) -> dict:
    """The django-q2 task behind "Refresh from registry": ``sync_trials --ids NCT_IDS``.

    Returns what the panel shows: whether the sync succeeded and its summary (a failed
    or partial sync is recorded on its TrialSyncRun too).
    """
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("sync_trials", "--ids", *nct_ids, "--no-progress", stdout=out, stderr=err)
    except CommandError as exc:
        summary = out.getvalue().strip()
        return {"ok": False, "message": " ".join(filter(None, [summary, str(exc)]))}
    return {"ok": True, "message": out.getvalue().strip()}


def queue_refresh(nct_ids: list[str]) -> str:
    """Queue the refresh of NCT_IDS in django-q2; returns the task id."""
    from django_q.tasks import async_task

    return async_task(REFRESH_TASK, sorted(set(nct_ids)), group=REFRESH_GROUP)


@dataclass
class RefreshResult:
    """What became of a queued refresh (looked up by its django-q2 task id)."""

    task_id: str
    done: bool
    ok: bool = False
    message: str = ""


def refresh_result(task_id: str) -> RefreshResult:
    """The state of the refresh TASK_ID (one this session queued: the view checks)."""
    from django_q.models import Task

    task = Task.objects.filter(id=task_id, group=REFRESH_GROUP).first()
    if task is None:
        return RefreshResult(task_id, done=False)
    if not task.success:
        # The task itself crashed (e.g. the worker timed out): its result is the error.
        first_line = str(task.result or "The refresh failed.").splitlines()[0]
        return RefreshResult(task_id, True, False, first_line)
    result = task.result if isinstance(task.result, dict) else {}
    return RefreshResult(task_id, True, bool(result.get("ok")), result.get("message", ""))
