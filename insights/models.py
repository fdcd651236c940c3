"""Treatment explainers: the index page, the explainer page and what hangs off it."""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from insights import review_record
from insights.blocks import NCT_ID_RE, ExplainerBodyBlock, validate_nct_id
from people.models import Person, Role
from trials.models import OverallStatus, Phase, Trial

WORDS_PER_MINUTE = 200
SUMMARY_FEATURES = ["bold", "italic", "link"]
DISCLAIMER_REQUIRED_MESSAGE = (
    "An explainer cannot be published without a disclaimer. Add a Disclaimer block to the "
    "body (drafts can be saved without one)."
)


class InsightsIndexPage(Page):
    """The list of treatment explainers: newest review first, filterable by topic."""

    intro = RichTextField(blank=True, features=SUMMARY_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["insights.ExplainerPage"]
    page_size = 12

    class Meta:
        verbose_name = "explainers index"

    def explainers(self):
        """Live, public explainers under this index, newest review first."""
        pages = ExplainerPage.objects.live().public().child_of(self)
        return review_record.newest_review_first(pages)

    def topics(self):
        """Topics used by at least one live explainer here, for the filter."""
        return (
            Tag.objects.filter(
                insights_explainerpagetopic_items__content_object__in=self.explainers().values("pk")
            )
            .distinct()
            .order_by("name")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        explainers = self.explainers()
        topics = list(self.topics())
        topic_slug = request.GET.get("topic", "").strip()
        active_topic = next((t for t in topics if t.slug == topic_slug), None)
        if topic_slug:
            # An unknown topic shows an empty list with a message, not an error.
            explainers = explainers.filter(topics__slug=topic_slug).distinct()
        explainers = explainers.select_related("hero_image").prefetch_related("tagged_topics__tag")
        page_obj = Paginator(explainers, self.page_size).get_page(request.GET.get("page"))
        entries = [(page, review_record.review_record_for(page)) for page in page_obj]
        context.update(
            topics=topics,
            topic_slug=topic_slug,
            active_topic=active_topic,
            page_obj=page_obj,
            entries=entries,
        )
        return context


class ExplainerPageTopic(TaggedItemBase):
    """A topic tag on an explainer (Oncology, Immunotherapy, ...)."""

    content_object = ParentalKey(
        "insights.ExplainerPage", on_delete=models.CASCADE, related_name="tagged_topics"
    )


class ExplainerPageForm(WagtailAdminPageForm):
    """Tells the page whether the editor is publishing, so validation can tell drafts apart."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Only the "Publish" action publishes from the edit view; drafts, submissions for
        # review and previews are saved without the publish-only checks.
        self.instance._publish_intent = bool(data) and "action-publish" in data


class ExplainerPage(Page):
    """A treatment explainer: body blocks, authors, topics, the short version, cited trials.

    On save (and on saving a revision) the reading time is computed from the body and
    every NCT ID mentioned in the body becomes a trial citation (never twice).
    """

    subtitle = models.CharField(max_length=300, blank=True, help_text="The standfirst.")
    therapy_name = models.CharField(
        max_length=120,
        blank=True,
        help_text='The treatment this page explains, e.g. "CAR-T cell therapy" (for search '
        "engines). Defaults to the title.",
    )
    topics = ClusterTaggableManager(through=ExplainerPageTopic, blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = StreamField(ExplainerBodyBlock())
    summary = RichTextField(
        "the short version", features=SUMMARY_FEATURES, blank=True, max_length=4000
    )
    reading_time_minutes = models.PositiveSmallIntegerField(default=1, editable=False)

    content_panels = Page.content_panels + [
        FieldPanel("subtitle"),
        InlinePanel("authors", label="Authors", min_num=1),
        MultiFieldPanel(
            [FieldPanel("topics"), FieldPanel("therapy_name"), FieldPanel("hero_image")],
            heading="About",
        ),
        FieldPanel("body"),
        FieldPanel("summary"),
        InlinePanel(
            "trial_citations",
            label="Cited trials",
            help_text="NCT IDs in the body are added automatically when you save.",
        ),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("subtitle"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("topics", [index.SearchField("name")]),
    ]

    base_form_class = ExplainerPageForm
    parent_page_types = ["insights.InsightsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "treatment explainer"

    # Derived fields -------------------------------------------------------------------

    def body_text(self) -> str:
        """Plain text of the body (what the search index sees)."""
        return " ".join(self.body.stream_block.get_searchable_content(self.body))

    def refresh_derived_fields(self) -> None:
        """Reading time from the body, and citations for NCT IDs the body mentions."""
        text = self.body_text()
        words = len(text.split())
        self.reading_time_minutes = max(1, math.ceil(words / WORDS_PER_MINUTE))
        self._sync_body_citations(NCT_ID_RE.findall(text))

    def _sync_body_citations(self, mentioned: list[str]) -> None:
        citations = list(self.trial_citations.all())
        kept, seen = [], set()
        for citation in citations:
            citation.nct_id = citation.nct_id.strip().upper()
            if citation.nct_id not in seen:
                seen.add(citation.nct_id)
                kept.append(citation)
        added = [
            ExplainerTrialCitation(nct_id=nct_id)
            for nct_id in dict.fromkeys(mentioned)
            if nct_id not in seen
        ]
        if added or len(kept) != len(citations):
            for position, citation in enumerate(kept + added):
                citation.sort_order = position
            self.trial_citations.set(kept + added)

    def save(self, *args, **kwargs):
        self.refresh_derived_fields()
        return super().save(*args, **kwargs)

    def save_revision(self, *args, **kwargs):
        self.refresh_derived_fields()
        return super().save_revision(*args, **kwargs)

    # Validation -------------------------------------------------------------------------

    def has_disclaimer(self) -> bool:
        return any(block.block_type == "disclaimer" for block in self.body)

    def clean(self):
        super().clean()
        # The edit view's form says whether the editor is publishing; anywhere else
        # (publishing a revision, a workflow's final approval) the page is live when saved.
        publishing = getattr(self, "_publish_intent", self.live)
        if publishing and not self.has_disclaimer():
            raise ValidationError(
                {"body": ValidationError(DISCLAIMER_REQUIRED_MESSAGE, code="no_disclaimer")}
            )

    # Reading ----------------------------------------------------------------------------

    def risks(self) -> list:
        """Every RiskBlock value in the body, in order."""
        return [
            risk
            for block in self.body
            if block.block_type == "risks"
            for risk in block.value["risks"]
        ]

    def ordered_authors(self) -> list[Person]:
        """The authors in editor order, with photos and their renditions prefetched."""
        return [
            link.person
            for link in self.authors.select_related("person", "person__photo")
            .prefetch_related("person__photo__renditions")
            .order_by("sort_order")
        ]

    def citations_with_trials(self) -> list["ExplainerTrialCitation"]:
        """Cited trials with their registry rows attached: two queries whatever the count."""
        citations = list(self.trial_citations.all())
        attach_trials(citations)
        return citations

    def sibling_explainers(self):
        return ExplainerPage.objects.live().public().sibling_of(self, inclusive=False)

    @cached_property
    def previous_explainer(self):
        """The live sibling before this one in the editors' order (the page tree)."""
        return self.sibling_explainers().filter(path__lt=self.path).order_by("-path").first()

    @cached_property
    def next_explainer(self):
        return self.sibling_explainers().filter(path__gt=self.path).order_by("path").first()

    def meta_description(self) -> str:
        """search_description if set, else the subtitle, else the start of the summary."""
        text = self.search_description or self.subtitle or strip_tags(self.summary)
        return Truncator(" ".join(text.split())).chars(300)

    def og_image_url(self, request=None) -> str:
        if not self.hero_image_id:
            return ""
        url = self.hero_image.get_rendition("fill-1200x630").url
        if url.startswith("/") and request is not None:
            url = request.build_absolute_uri(url)
        return url

    def json_ld(self, authors=None, record=None) -> dict:
        """schema.org ``MedicalWebPage`` data for this page (JSON-serialisable)."""
        from insights.structured_data import explainer_json_ld

        return explainer_json_ld(
            self,
            authors=self.ordered_authors() if authors is None else authors,
            record=review_record.review_record_for(self) if record is None else record,
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        authors = self.ordered_authors()
        record = review_record.review_record_for(self)
        citations = self.citations_with_trials()
        index_page = self.get_parent()
        context.update(
            index_page=index_page,
            index_url=index_page.get_url(request) if index_page else "",
            meta_description=self.meta_description(),
            og_image_url=self.og_image_url(request),
            review_interval_days=settings.REVIEW_INTERVAL_DAYS,
            authors=authors,
            review=record,
            citations=citations,
            trials_by_nct={c.nct_id: c.trial for c in citations if c.trial is not None},
            topics=list(self.topics.all()),
            people_boxes=people_boxes(authors, record),
            previous_explainer=self.previous_explainer,
            next_explainer=self.next_explainer,
            json_ld=self.json_ld(authors=authors, record=record),
        )
        return context


def people_boxes(authors, record) -> list[tuple[str, Person]]:
    """(box heading, person) for the authors, the reviewers, then the editorial leads.

    The founder and the technical lead appear on every explainer (as on the reference
    page): they answer for the platform and its registry data.
    """
    boxes, seen = [], set()

    def add(heading, person):
        if person is not None and person.pk not in seen:
            seen.add(person.pk)
            boxes.append((heading, person))

    leads = Person.objects.filter(
        live=True, role__in=[Role.FOUNDER, Role.TECHNICAL_REVIEW]
    ).select_related("photo")
    leads = sorted(leads, key=lambda p: (p.role != Role.FOUNDER, p.name))
    for person in leads:
        if person.role == Role.FOUNDER:
            add(person.role_label, person)
    for person in authors:
        add(person.role_label, person)
    for person in record.reviewers:
        add(person.role_label, person)
    for person in leads:
        add(person.role_label, person)
    return boxes


class ExplainerPageAuthor(Orderable):
    """An author of an explainer, in byline order. A cited person cannot be deleted."""

    page = ParentalKey(ExplainerPage, on_delete=models.CASCADE, related_name="authors")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="explainer_authorships"
    )

    panels = [FieldPanel("person")]

    class Meta(Orderable.Meta):
        verbose_name = "author"

    def __str__(self) -> str:
        return f"author of “{self.page.title}”"


class ExplainerTrialCitation(Orderable):
    """A trial an explainer cites, by NCT ID, with what the page says about it.

    ``stated_status`` / ``stated_phase`` are the page's claims, checked against the
    registry before publication. The trial row itself may be missing (not synced yet).
    """

    page = ParentalKey(ExplainerPage, on_delete=models.CASCADE, related_name="trial_citations")
    nct_id = models.CharField("NCT ID", max_length=11, validators=[validate_nct_id])
    stated_status = models.CharField(
        max_length=40, blank=True, choices=OverallStatus.choices, help_text="As the page states it."
    )
    stated_phase = models.CharField(
        max_length=20, blank=True, choices=Phase.choices, help_text="As the page states it."
    )

    panels = [FieldPanel("nct_id"), FieldPanel("stated_status"), FieldPanel("stated_phase")]

    class Meta(Orderable.Meta):
        verbose_name = "cited trial"

    def __str__(self) -> str:
        return self.nct_id

    def clean(self):
        super().clean()
        self.nct_id = (self.nct_id or "").strip().upper()

    @property
    def trial(self) -> Trial | None:
        """The registry row for this NCT ID, or None if it is not in the Trial table."""
        if not hasattr(self, "_trial"):
            self._trial = Trial.objects.filter(nct_id=self.nct_id).first()
        return self._trial

    @property
    def registry_url(self) -> str:
        return f"https://clinicaltrials.gov/study/{self.nct_id}"


def attach_trials(citations) -> None:
    """Fetch the Trial rows of CITATIONS in one query and attach them (None if missing)."""
    ids = {c.nct_id for c in citations}
    found = {t.nct_id: t for t in Trial.objects.filter(nct_id__in=ids)} if ids else {}
    for citation in citations:
        citation._trial = found.get(citation.nct_id)


# The editorial review's models live in insights.review; importing them here registers
# them with the insights app and keeps them importable from insights.models.
from insights.review.flags import RegistryCheckFlag  # noqa: E402
from insights.review.records import CompletedReview, StageSignOff  # noqa: E402
from insights.review.tasks import (  # noqa: E402
    MedicalAccuracyTask,
    PrimaryResearchTask,
    RegistryVerificationTask,
    ReviewTaskState,
)

__all__ = [
    "CompletedReview",
    "ExplainerPage",
    "ExplainerPageAuthor",
    "ExplainerPageTopic",
    "ExplainerTrialCitation",
    "InsightsIndexPage",
    "MedicalAccuracyTask",
    "PrimaryResearchTask",
    "RegistryCheckFlag",
    "RegistryVerificationTask",
    "ReviewTaskState",
    "StageSignOff",
]
