"""How an explainer reads in the API: its fields, and loading them for many pages at once.

``prepare_explainers(pages)`` fetches everything the fields below read for a whole list
of explainers in a fixed number of queries (authors with photos and renditions, topics,
hero images, cited trials and their registry rows, review records); the fields then
read only what is in memory. Called on a single page it costs the same few queries.
"""

from django.db.models import Prefetch, prefetch_related_objects
from rest_framework.fields import Field
from wagtail.api import APIField
from wagtail.api.v2.utils import get_object_detail_url

from insights import review_record as review_records
from insights.models import ExplainerPageAuthor, attach_trials
from insights.review.records import CompletedReview, StageSignOff
from people.api import (
    PHOTO_RENDITIONS,
    image_representation,
    person_representation,
    rendition_prefetch,
)
from trials.models import Trial, registry_url, trials_by_nct_id

# Rendition name -> Wagtail filter spec, for an explainer's hero image.
HERO_RENDITIONS = {
    "hero": "fill-1200x630",
    "medium": "width-800",
    "thumbnail": "fill-400x225",
}


# Fields that read the body StreamField; without them a listing need not load it.
BODY_READERS = frozenset({"body", "json_ld"})


def prepare_explainers(pages, fields=BODY_READERS) -> None:
    """Load, in bulk, what the explainer FIELDS read for PAGES (saved pages)."""
    pages = list(pages)
    if not pages:
        return
    prefetch_related_objects(
        pages,
        Prefetch(
            "authors",
            # A person's profile links (a StreamField) are not part of their nested face.
            queryset=ExplainerPageAuthor.objects.select_related("person__photo")
            .defer("person__links")
            .order_by("sort_order"),
        ),
        rendition_prefetch("authors__person__photo__renditions", PHOTO_RENDITIONS),
        rendition_prefetch("hero_image__renditions", HERO_RENDITIONS),
        "topics",  # also what json_ld() reads
        "trial_citations",
        # What review_record_for() reads when prefetched (see newest_review_first), with
        # the reviewers' photos for their public face.
        Prefetch(
            "completed_reviews",
            queryset=CompletedReview.objects.filter(is_current=True).prefetch_related(
                Prefetch(
                    "sign_offs",
                    queryset=StageSignOff.objects.select_related("person__photo").defer(
                        "person__links"
                    ),
                ),
                rendition_prefetch("sign_offs__person__photo__renditions", PHOTO_RENDITIONS),
            ),
        ),
    )
    citations = [c for page in pages for c in page.trial_citations.all()]
    reads_body = bool(BODY_READERS & set(fields))
    listed = {nct_id for page in pages if reads_body for nct_id in trial_list_ids(page)}
    wanted = {c.nct_id for c in citations} | listed
    trials = trials_by_nct_id(wanted)  # an alias resolves to its current trial
    for citation in citations:
        citation._trial = trials.get(citation.nct_id)
    for page in pages:
        page._api_trials = trials
        page._api_review = review_records.review_record_for(page)


def trial_list_ids(page) -> list[str]:
    """NCT IDs listed in the page's trial list blocks (read from the raw data: cheap)."""
    ids = []
    for block in page.body.raw_data:
        if block.get("type") == "trial_list":
            for item in (block.get("value") or {}).get("nct_ids") or []:
                # ListBlock items are {"type": "item", "value": ...} (or bare, old format).
                ids.append(item.get("value") if isinstance(item, dict) else item)
    return [i for i in ids if isinstance(i, str)]


def page_trials(page) -> dict[str, Trial]:
    """Trial rows by NCT ID for PAGE (prepared, or fetched now for a single page)."""
    if not hasattr(page, "_api_trials"):
        citations = list(page.trial_citations.all())
        attach_trials(citations)
        page._api_trials = {c.nct_id: c.trial for c in citations if c.trial is not None}
        missing = set(trial_list_ids(page)) - page._api_trials.keys()
        if missing:
            page._api_trials.update(trials_by_nct_id(missing))
    return page._api_trials


def page_review(page):
    if not hasattr(page, "_api_review"):
        page._api_review = review_records.review_record_for(page)
    return page._api_review


def public_person(person, context):
    """PERSON's public face, or None if the person is not published."""
    if person is None or not person.live:
        return None
    return person_representation(person, context)


def signed_off_reviewer(reviewer, context):
    """A reviewer as their sign-off froze them; ``profile`` only while they are published."""
    if reviewer is None:
        return None
    return {
        "name": reviewer.name,
        "credentials": reviewer.credentials,
        "profile": public_person(reviewer.profile, context),
    }


def live_authors(page) -> list:
    return [link.person for link in page.authors.all() if link.person.live]


def trial_facts(nct_id: str, trial, detail_url_of) -> dict:
    """What a front-end shows for a cited trial (API v2 and v3); registry fields are null
    if not synced. DETAIL_URL_OF(pk) gives the trial's detail URL in the calling API."""
    data = {
        "nct_id": nct_id,
        "registry_url": registry_url(nct_id),
        "in_registry": trial is not None,
        "title": None,
        "status": None,
        "status_label": None,
        "phases": [],
        "phase_labels": [],
        "last_update_posted": None,
        "detail_url": None,
    }
    if trial is not None:
        data.update(
            title=trial.brief_title,
            status=trial.overall_status,
            status_label=trial.status_label,
            phases=list(trial.phases or []),
            phase_labels=trial.phase_labels,
            last_update_posted=(
                trial.last_update_posted.isoformat() if trial.last_update_posted else None
            ),
            detail_url=detail_url_of(trial.pk),
        )
    return data


def trial_summary(nct_id: str, trial, context) -> dict:
    """A cited trial in API v2."""
    return trial_facts(
        nct_id,
        trial,
        lambda pk: get_object_detail_url(context["router"], context["request"], Trial, pk),
    )


class PageField(Field):
    """A read-only field computed from the whole page."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="*", **kwargs)


class AuthorsField(PageField):
    """The page's published authors in byline order."""

    def to_representation(self, page):
        return [person_representation(person, self.context) for person in live_authors(page)]


class TopicsField(PageField):
    def to_representation(self, page):
        topics = [{"name": tag.name, "slug": tag.slug} for tag in page.topics.all()]
        return sorted(topics, key=lambda topic: topic["name"].lower())


class HeroImageField(PageField):
    def to_representation(self, page):
        return image_representation(page.hero_image, HERO_RENDITIONS)


class BodyField(PageField):
    """Body blocks as ``{"type", "value", "id"}``; trial lists carry the registry data."""

    def to_representation(self, page):
        blocks = page.body.stream_block.get_api_representation(page.body, self.context)
        trials = None
        for block in blocks:
            if block["type"] == "trial_list":
                trials = page_trials(page) if trials is None else trials
                block["value"]["trials"] = [
                    {
                        **item,
                        **trial_summary(item["nct_id"], trials.get(item["nct_id"]), self.context),
                    }
                    for item in block["value"]["trials"]
                ]
        return blocks


class CitedTrialsField(PageField):
    """Every trial the page cites, what the page states about it, and the registry's data."""

    def to_representation(self, page):
        trials = page_trials(page)
        return [
            {
                **trial_summary(c.nct_id, trials.get(c.nct_id), self.context),
                "stated_status": c.stated_status or None,
                "stated_phase": c.stated_phase or None,
            }
            for c in page.trial_citations.all()
        ]


class ReviewField(PageField):
    """The review record: who approved each stage and when, last and next review.

    Names and credentials are the sign-offs' own (frozen at approval). ``status`` says
    what the record covers: ``reviewed`` (the published version), ``updated_since_review``
    (a later version was published without review) or ``not_reviewed``.
    """

    def to_representation(self, page):
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
                    "reviewer": signed_off_reviewer(stage.reviewer, self.context),
                    "approved_at": stage.approved_at.isoformat() if stage.approved_at else None,
                }
                for stage in record.stages
            ],
            "medically_reviewed_by": signed_off_reviewer(
                record.medically_reviewed_by, self.context
            ),
            "medically_reviewed_at": (
                record.medically_reviewed_at.isoformat() if record.medically_reviewed_at else None
            ),
            "registry_verified_at": (
                record.registry_verified_at.isoformat() if record.registry_verified_at else None
            ),
            "last_reviewed": record.last_reviewed.isoformat() if record.last_reviewed else None,
            "next_review_due": (
                record.next_review_due.isoformat() if record.next_review_due else None
            ),
        }


class ChangeLogField(PageField):
    """What changed in each reviewed version, newest first (``insights.change_log``)."""

    def to_representation(self, page):
        from insights.change_log import change_log_for

        return [entry.as_dict() for entry in change_log_for(page)]


class JsonLdField(PageField):
    """The schema.org ``MedicalWebPage`` object the HTML page embeds."""

    def to_representation(self, page):
        return page.json_ld(authors=live_authors(page), record=page_review(page))


class RecruitingNowField(PageField):
    """The "trials being tested now" block as data: count and finder URL (#13)."""

    def to_representation(self, page):
        from trials.recruiting import explainer_recruiting_now

        return explainer_recruiting_now(page)


class NeighbourField(PageField):
    """The previous or next published explainer in the editors' order (detail only)."""

    def __init__(self, attribute, **kwargs):
        self.attribute = attribute
        super().__init__(**kwargs)

    def to_representation(self, page):
        neighbour = getattr(page, self.attribute)
        if neighbour is None:
            return None
        return {
            "id": neighbour.pk,
            "title": neighbour.title,
            "html_url": neighbour.full_url,
            "detail_url": get_object_detail_url(
                self.context["router"], self.context["request"], type(neighbour), neighbour.pk
            ),
        }


EXPLAINER_BODY_FIELDS = [
    "subtitle",
    "therapy_name",
    APIField("topics", serializer=TopicsField()),
    APIField("hero_image", serializer=HeroImageField()),
    APIField("authors", serializer=AuthorsField()),
    "summary",
    "reading_time_minutes",
    APIField("body", serializer=BodyField()),
    APIField("cited_trials", serializer=CitedTrialsField()),
    APIField("review", serializer=ReviewField()),
    APIField("change_log", serializer=ChangeLogField()),
    APIField("json_ld", serializer=JsonLdField()),
    APIField("previous_explainer", serializer=NeighbourField("previous_explainer")),
    APIField("next_explainer", serializer=NeighbourField("next_explainer")),
    APIField("recruiting_trials", serializer=RecruitingNowField()),
]
EXPLAINER_META_FIELDS = ["last_published_at"]
# Detail only: recruiting_trials is one COUNT a page, the change log reads the page's
# reviewed revisions (three queries a page).
EXPLAINER_DETAIL_ONLY_FIELDS = [
    "previous_explainer",
    "next_explainer",
    "recruiting_trials",
    "change_log",
]
