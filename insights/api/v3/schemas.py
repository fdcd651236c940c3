"""OpenAPI types of a treatment explainer (API v3), and building them from pages.

``explainer_data(page, request)`` is the explainer as a dict of the types below, read
from what ``prepare_explainers`` loaded (the same bulk loading as v2), so a list of 50
costs the same few queries as one. ``ExplainerPageSchema`` is the explainer's type in
Wagtail's own ``/api/v3/pages/`` endpoint (registered in ``insights.api.v3.register``).
"""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from wagtail.api.v3.schemas import PageMetaSchema, PageSchema

from api_support.urls import detail_url
from insights.api.fields import (
    HERO_RENDITIONS,
    live_authors,
    page_review,
    page_trials,
    trial_facts,
)
from people.api import image_representation
from people.api_v3 import Image, PersonFace, person_face

from .blocks import BodyBlock, TrialSummary

EXPLAINER_TYPE = "insights.ExplainerPage"


class Topic(Schema):
    name: str
    slug: str


class SignedOffReviewer(Schema):
    """A reviewer as their sign-off froze them; ``profile`` while they are published."""

    name: str
    credentials: str
    profile: PersonFace | None


class StageApproval(Schema):
    name: str
    reviewer: SignedOffReviewer | None
    approved_at: dt.datetime | None


class ReviewRecord(Schema):
    """Who approved each review stage and when; what the record covers.

    ``status``: ``reviewed`` (the published version), ``updated_since_review`` (a later
    version was published without review) or ``not_reviewed``.
    """

    status: Literal["reviewed", "updated_since_review", "not_reviewed"]
    stages: list[StageApproval]
    medically_reviewed_by: SignedOffReviewer | None
    medically_reviewed_at: dt.datetime | None
    registry_verified_at: dt.datetime | None
    last_reviewed: dt.date | None
    next_review_due: dt.date | None


class CitedTrial(TrialSummary):
    """A trial the page cites: the registry's data and what the page states about it."""

    stated_status: str | None
    stated_phase: str | None


class Neighbour(Schema):
    id: int
    title: str
    html_url: str | None
    detail_url: str | None


class ExplainerFields(Schema):
    """The explainer's own fields (beside Wagtail's page fields)."""

    subtitle: str
    therapy_name: str
    topics: list[Topic] = Field(description="Sorted by name.")
    hero_image: Image | None
    authors: list[PersonFace] = Field(description="Published authors, in byline order.")
    summary: str = Field(description="HTML: the short version.")
    reading_time_minutes: int
    body: list[BodyBlock]
    cited_trials: list[CitedTrial]
    review: ReviewRecord
    json_ld: dict[str, Any] = Field(description="The schema.org MedicalWebPage object.")


class ExplainerMeta(Schema):
    type: Literal["insights.ExplainerPage"]
    detail_url: str
    html_url: str | None
    slug: str
    locale: str | None
    first_published_at: dt.datetime | None
    last_published_at: dt.datetime | None
    seo_title: str
    search_description: str


class Explainer(ExplainerFields):
    """A published treatment explainer, every field (the explainers list)."""

    id: int
    title: str
    meta: ExplainerMeta


class ExplainerDetail(Explainer):
    """An explainer with its neighbours in the editors' order (detail only)."""

    previous_explainer: Neighbour | None
    next_explainer: Neighbour | None


# Building -------------------------------------------------------------------------------


def trial_summary(nct_id: str, trial, request) -> dict:
    """A cited or listed trial in API v3 (the same facts as v2: ``trial_facts``)."""
    return trial_facts(nct_id, trial, lambda pk: detail_url(request, "trials_detail", pk))


def reviewer_data(reviewer, request) -> dict | None:
    if reviewer is None:
        return None
    profile = reviewer.profile
    return {
        "name": reviewer.name,
        "credentials": reviewer.credentials,
        "profile": person_face(profile, request) if profile is not None and profile.live else None,
    }


def review_data(page, request) -> dict:
    record = page_review(page)
    if record.covers_live_version:
        status = "reviewed"
    elif record.exists:
        status = "updated_since_review"
    else:
        status = "not_reviewed"
    return {
        "status": status,
        "stages": [
            {
                "name": stage.stage_name,
                "reviewer": reviewer_data(stage.reviewer, request),
                "approved_at": stage.approved_at,
            }
            for stage in record.stages
        ],
        "medically_reviewed_by": reviewer_data(record.medically_reviewed_by, request),
        "medically_reviewed_at": record.medically_reviewed_at,
        "registry_verified_at": record.registry_verified_at,
        "last_reviewed": record.last_reviewed,
        "next_review_due": record.next_review_due,
    }


def body_data(page, request) -> list[dict]:
    blocks = page.body.stream_block.get_api_representation(page.body, {"request": request})
    trials = None
    for block in blocks:
        if block["type"] == "trial_list":
            trials = page_trials(page) if trials is None else trials
            block["value"]["trials"] = [
                {**item, **trial_summary(item["nct_id"], trials.get(item["nct_id"]), request)}
                for item in block["value"]["trials"]
            ]
    return blocks


def neighbour_data(neighbour, request) -> dict | None:
    if neighbour is None:
        return None
    return {
        "id": neighbour.pk,
        "title": neighbour.title,
        "html_url": neighbour.get_full_url(request),
        "detail_url": detail_url(request, "explainers_detail", neighbour.pk),
    }


def explainer_fields(page, request) -> dict:
    """The ExplainerFields of PAGE (prepared or not: see ``prepare_explainers``)."""
    authors = live_authors(page)
    trials = page_trials(page)
    topics = [{"name": tag.name, "slug": tag.slug} for tag in page.topics.all()]
    return {
        "subtitle": page.subtitle,
        "therapy_name": page.therapy_name,
        "topics": sorted(topics, key=lambda topic: topic["name"].lower()),
        "hero_image": image_representation(page.hero_image, HERO_RENDITIONS),
        "authors": [person_face(person, request) for person in authors],
        "summary": page.summary,
        "reading_time_minutes": page.reading_time_minutes,
        "body": body_data(page, request),
        "cited_trials": [
            {
                **trial_summary(c.nct_id, trials.get(c.nct_id), request),
                "stated_status": c.stated_status or None,
                "stated_phase": c.stated_phase or None,
            }
            for c in page.trial_citations.all()
        ],
        "review": review_data(page, request),
        "json_ld": page.json_ld(authors=authors, record=page_review(page)),
    }


def explainer_data(page, request, detail=False) -> dict:
    """PAGE as an Explainer (or ExplainerDetail) dict."""
    data = {
        "id": page.pk,
        "title": page.title,
        "meta": {
            "type": EXPLAINER_TYPE,
            "detail_url": detail_url(request, "explainers_detail", page.pk),
            "html_url": page.get_full_url(request),
            "slug": page.slug,
            "locale": page.locale.language_code if page.locale_id else None,
            "first_published_at": page.first_published_at,
            "last_published_at": page.last_published_at,
            "seo_title": page.seo_title,
            "search_description": page.search_description,
        },
        **explainer_fields(page, request),
    }
    if detail:
        data["previous_explainer"] = neighbour_data(page.previous_explainer, request)
        data["next_explainer"] = neighbour_data(page.next_explainer, request)
    return data


# In Wagtail's pages endpoint -------------------------------------------------------------


def _field_resolver(name):
    def resolve(obj, context):
        if not hasattr(obj, "_api_v3_fields"):
            obj._api_v3_fields = explainer_fields(obj, context["request"])
        return obj._api_v3_fields[name]

    return staticmethod(resolve)


class ExplainerPageMetaSchema(PageMetaSchema):
    type: Literal["insights.ExplainerPage"]
    last_published_at: dt.datetime | None = None


ExplainerPageSchema = type(PageSchema)(
    "ExplainerPageSchema",
    (PageSchema, ExplainerFields),
    {
        "__annotations__": {"meta": ExplainerPageMetaSchema},
        "__doc__": "A treatment explainer in the pages endpoint (live or, with a token, draft).",
        **{f"resolve_{name}": _field_resolver(name) for name in ExplainerFields.model_fields},
    },
)
