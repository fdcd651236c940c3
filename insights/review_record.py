"""The review record of an explainer: who approved each stage, and when.

This is the ONE interface templates, JSON-LD and the API read for review data. The
record is derived from the editorial review's approvals (``insights.review``), never
typed by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

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
    """The review record of PAGE: its newest completed editorial review.

    Derived from the workflow's approvals, frozen when the final approval published the
    page (``insights.review.records``). One query, or none when the page came from
    ``newest_review_first`` (which prefetches the current review). A page never published
    through the review has an empty record.
    """
    from insights.review.records import StageSignOff

    cached = getattr(page, "_prefetched_objects_cache", {}).get("completed_reviews")
    if cached is not None:
        sign_offs = [s for review in cached for s in review.sign_offs.all()]
    else:
        sign_offs = list(
            StageSignOff.objects.filter(review__page_id=page.pk, review__is_current=True)
            .select_related("review", "person")
            .order_by("stage")
        )
    if not sign_offs:
        return ReviewRecord()
    stages = {}
    for sign_off in sign_offs:
        stages[sign_off.stage] = sign_off
    medical = stages.get(2)
    registry = stages.get(3)
    completed_at = sign_offs[0].review.completed_at
    last_reviewed = timezone.localdate(completed_at)
    return ReviewRecord(
        stages=[
            StageApproval(
                stage_name=STAGE_NAMES[number - 1],
                person=_person(sign_off),
                approved_at=sign_off.approved_at,
            )
            for number, sign_off in sorted(stages.items())
        ],
        medically_reviewed_by=_person(medical) if medical else None,
        medically_reviewed_at=medical.approved_at if medical else None,
        registry_verified_at=registry.approved_at if registry else None,
        last_reviewed=last_reviewed,
        next_review_due=next_review_after(last_reviewed),
    )


def _person(sign_off) -> Person | None:
    """The approver's Person; a stand-in with the recorded name if it was since deleted."""
    if sign_off.person is not None:
        return sign_off.person
    from people.models import Person

    return Person(name=sign_off.person_name, credentials=sign_off.person_credentials)


def newest_review_first(queryset):
    """Order explainers by last completed review, newest first (never reviewed last).

    Also prefetches each page's current review and its sign-offs (two queries for the
    whole list), so ``review_record_for`` costs nothing per listed page.
    """
    from django.db.models import F, OuterRef, Prefetch, Subquery

    from insights.review.records import CompletedReview, StageSignOff

    current = CompletedReview.objects.filter(page=OuterRef("pk"), is_current=True)
    return (
        queryset.annotate(last_reviewed_at=Subquery(current.values("completed_at")[:1]))
        .order_by(F("last_reviewed_at").desc(nulls_last=True), "-last_published_at", "-pk")
        .prefetch_related(
            Prefetch(
                "completed_reviews",
                queryset=CompletedReview.objects.filter(is_current=True).prefetch_related(
                    Prefetch("sign_offs", queryset=StageSignOff.objects.select_related("person"))
                ),
            )
        )
    )
