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
class SignedOffReviewer:
    """A reviewer as the sign-off froze them: name and credentials at approval.

    ``profile`` is the reviewer's published Person (for a profile link and box), or None
    when the person was unpublished or deleted since: the sign-off still stands (it
    happened), shown by its frozen name only. Nothing here reads the live credentials.
    """

    name: str
    credentials: str
    person_id: int | None = None
    profile: Person | None = None

    @property
    def pk(self) -> int | None:
        """The profile's id (anchors ``#person-<pk>``), None without a published profile."""
        return self.profile.pk if self.profile is not None else None


@dataclass(frozen=True)
class StageApproval:
    """One approved stage of the review."""

    stage_name: str
    reviewer: SignedOffReviewer
    approved_at: dt.datetime | None

    @property
    def person(self) -> SignedOffReviewer:
        return self.reviewer


@dataclass(frozen=True)
class ReviewRecord:
    """What readers are told about the review of a page.

    ``covers_live_version`` is False when the page's published version is not the one
    the review approved (a superuser published directly over it): readers are then told
    "Updated since its last review on <date>" and no reviewer is claimed for the page.
    """

    stages: list[StageApproval] = field(default_factory=list)
    medically_reviewed_by: SignedOffReviewer | None = None
    medically_reviewed_at: dt.datetime | None = None
    registry_verified_at: dt.datetime | None = None
    last_reviewed: dt.date | None = None
    next_review_due: dt.date | None = None
    covers_live_version: bool = False

    @property
    def exists(self) -> bool:
        """True when the page has a completed three-stage review (of any version)."""
        return bool(self.stages)

    @property
    def reviewers(self) -> list[SignedOffReviewer]:
        """Distinct people who approved a stage, in stage order."""
        seen: dict[object, SignedOffReviewer] = {}
        for stage in self.stages:
            key = stage.reviewer.person_id or ("name", stage.reviewer.name)
            if key not in seen:
                seen[key] = stage.reviewer
        return list(seen.values())

    @property
    def claimed_reviewers(self) -> list[SignedOffReviewer]:
        """Reviewers readers may be told reviewed the published version (else none)."""
        return self.reviewers if self.covers_live_version else []


def next_review_after(last_reviewed: dt.date | None) -> dt.date | None:
    if last_reviewed is None:
        return None
    return last_reviewed + dt.timedelta(days=settings.REVIEW_INTERVAL_DAYS)


def review_record_for(page) -> ReviewRecord:
    """The review record of PAGE: its newest completed editorial review.

    Derived from the workflow's approvals, frozen when the final approval published the
    page (``insights.review.records``): names and credentials are the sign-offs' own,
    never the live Person's. One query, or none when the page came from
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
    review = sign_offs[0].review
    last_reviewed = timezone.localdate(review.completed_at)
    return ReviewRecord(
        stages=[
            StageApproval(
                stage_name=STAGE_NAMES[number - 1],
                reviewer=signed_off_reviewer(sign_off),
                approved_at=sign_off.approved_at,
            )
            for number, sign_off in sorted(stages.items())
        ],
        medically_reviewed_by=signed_off_reviewer(medical) if medical else None,
        medically_reviewed_at=medical.approved_at if medical else None,
        registry_verified_at=registry.approved_at if registry else None,
        last_reviewed=last_reviewed,
        next_review_due=next_review_after(last_reviewed),
        covers_live_version=(
            review.revision_id is not None and review.revision_id == page.live_revision_id
        ),
    )


def signed_off_reviewer(sign_off) -> SignedOffReviewer:
    """The frozen reviewer of SIGN_OFF, with the published profile if there still is one."""
    person = sign_off.person
    return SignedOffReviewer(
        name=sign_off.person_name,
        credentials=sign_off.person_credentials,
        person_id=sign_off.person_id,
        profile=person if person is not None and person.live else None,
    )


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
