"""The review record of an explainer: who approved each stage, and when.

This is the ONE interface templates, JSON-LD and the API read for review data.
Its body is a placeholder until the editorial review workflow exists: it derives
dates from the page's latest publication and names nobody. The workflow replaces
the body of ``review_record_for`` (and ``newest_review_first``), keeping the
signatures and the dataclasses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from people.models import Person

STAGE_NAMES = ("Primary research", "Medical accuracy review", "Registry verification")


@dataclass(frozen=True)
class StageApproval:
    """One approved stage of the review of the live revision."""

    stage_name: str
    person: Person | None
    approved_at: dt.datetime | None


@dataclass(frozen=True)
class ReviewRecord:
    """What readers are told about the review of a page."""

    stages: list[StageApproval] = field(default_factory=list)
    medically_reviewed_by: Person | None = None
    medically_reviewed_at: dt.datetime | None = None
    registry_verified_at: dt.datetime | None = None
    last_reviewed: dt.date | None = None
    next_review_due: dt.date | None = None

    @property
    def reviewers(self) -> list[Person]:
        """Distinct people who approved a stage, in stage order."""
        seen: dict[int, Person] = {}
        for stage in self.stages:
            if stage.person is not None and stage.person.pk not in seen:
                seen[stage.person.pk] = stage.person
        return list(seen.values())


def next_review_after(last_reviewed: dt.date | None) -> dt.date | None:
    if last_reviewed is None:
        return None
    return last_reviewed + dt.timedelta(days=settings.REVIEW_INTERVAL_DAYS)


def review_record_for(page) -> ReviewRecord:
    """The review record of PAGE's live revision.

    Placeholder: last reviewed = date of the latest publication; next review due
    ``REVIEW_INTERVAL_DAYS`` later; no stage approvals and no people. Costs no query.
    """
    published = page.last_published_at
    last_reviewed = published.date() if published else None
    return ReviewRecord(
        stages=[],
        medically_reviewed_by=None,
        medically_reviewed_at=None,
        registry_verified_at=None,
        last_reviewed=last_reviewed,
        next_review_due=next_review_after(last_reviewed),
    )


def newest_review_first(queryset):
    """Order a queryset of explainers by last review, newest first (placeholder: publication)."""
    return queryset.order_by("-last_published_at", "-pk")
