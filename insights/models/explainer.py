"""The treatment explainer page, its edit form and its topics."""

import math
import re
from http import HTTPMethod

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from insights import review_record
from insights.blocks import NCT_ID_RE, ExplainerBodyBlock
from people.models import Person

from .boxes import people_boxes
from .relations import ExplainerTrialCitation, attach_trials

WORDS_PER_MINUTE = 200
# NCT IDs as a writer may type them in the body ("nct01234567" cites NCT01234567).
BODY_NCT_ID_RE = re.compile(NCT_ID_RE.pattern, re.IGNORECASE)
SUMMARY_FEATURES = ["bold", "italic", "link"]
DISCLAIMER_REQUIRED_MESSAGE = (
    "An explainer cannot be published without a disclaimer. Add a Disclaimer block to the "
    "body (drafts can be saved without one)."
)


class ExplainerPageTopic(TaggedItemBase):
    """A topic tag on an explainer (Oncology, Immunotherapy, ...)."""

    content_object = ParentalKey(
        "insights.ExplainerPage", on_delete=models.CASCADE, related_name="tagged_topics"
    )


MALFORMED_STREAM_MESSAGE = (
    "The submitted content of this field was malformed and could not be read; nothing was "
    "saved. Reload the page and try again."
)


def is_blank_rich_text(value) -> bool:
    """True for rich text with no words and no embedded media (e.g. ``<p></p>``)."""
    html = str(value or "")
    return "<embed" not in html and "<img" not in html and not strip_tags(html).strip()


def body_nct_ids(text: str) -> list[str]:
    """The NCT IDs TEXT mentions, upper-cased, once each, in order (any case counts)."""
    return list(dict.fromkeys(match.upper() for match in BODY_NCT_ID_RE.findall(text)))


class ExplainerPageForm(WagtailAdminPageForm):
    """The explainer edit form.

    Tells the page whether the editor is publishing, so validation can tell drafts apart,
    and turns malformed StreamField form data (which Wagtail would answer with a 500)
    into a form error.
    """

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Only the "Publish" action publishes from the edit view; drafts, submissions for
        # review and previews are saved without the publish-only checks.
        self.instance._publish_intent = bool(data) and "action-publish" in data
        self.malformed_fields: set[str] = set()
        for name, field in self.fields.items():
            if hasattr(field, "block"):
                field.widget.value_from_datadict = self._guarded_reader(name, field)

    def _guarded_reader(self, name, field):
        read = field.widget.value_from_datadict

        def value_from_datadict(data, files, prefix):
            try:
                return read(data, files, prefix)
            except (KeyError, ValueError, TypeError, AttributeError, IndexError):
                self.malformed_fields.add(name)
                return field.block.to_python([])

        return value_from_datadict

    def clean(self):
        cleaned_data = super().clean()
        for name in self.malformed_fields:
            self.add_error(name, MALFORMED_STREAM_MESSAGE)
        return cleaned_data

    @cached_property
    def changed_data(self):
        # The rich text editor saves an empty field as "" or as an empty paragraph with a
        # fresh block key, depending on how it was loaded. Counting that as an edit would
        # save a revision when a reviewer merely approves from the editor, and an edit
        # after an approval restarts the review.
        return [
            name
            for name in super().changed_data
            if not (self._is_rich_text(name) and self._blank_on_both_sides(name))
        ]

    def _is_rich_text(self, name) -> bool:
        try:
            return isinstance(self._meta.model._meta.get_field(name), RichTextField)
        except Exception:  # a form-only field
            return False

    def _blank_on_both_sides(self, name) -> bool:
        bound = self[name]
        return is_blank_rich_text(bound.initial) and is_blank_rich_text(bound.data)


class ExplainerPage(Page):
    """A treatment explainer: body blocks, authors, topics, the short version, cited trials.

    On save (and on saving a revision) the reading time is computed from the body, and
    the cited trials follow the body: every NCT ID it mentions becomes a citation (never
    twice) and a citation whose NCT ID it no longer mentions is dropped.
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
            help_text="The trials the body cites, by NCT ID: when you save, an NCT ID in the "
            "body is added here and one no longer in the body is removed (with what you "
            "stated about it). Add the status and phase the page states.",
        ),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("subtitle"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("topics", [index.SearchField("name")]),
    ]

    base_form_class = ExplainerPageForm
    # Anonymous readers get this page from the page cache (insights/serving/page_cache.py).
    cache_for_anonymous_readers = True
    # Readers only read: no forms on an explainer.
    allowed_http_methods = [HTTPMethod.GET, HTTPMethod.HEAD, HTTPMethod.OPTIONS]
    parent_page_types = ["insights.InsightsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "treatment explainer"

    # Derived fields -------------------------------------------------------------------

    def body_text(self) -> str:
        """Plain text of the body (what the search index sees)."""
        return " ".join(self.body.stream_block.get_searchable_content(self.body))

    def refresh_derived_fields(self) -> None:
        """Reading time from the body, and the cited trials the body mentions."""
        text = self.body_text()
        words = len(text.split())
        self.reading_time_minutes = max(1, math.ceil(words / WORDS_PER_MINUTE))
        self._sync_body_citations(body_nct_ids(text))

    def _sync_body_citations(self, mentioned: list[str]) -> None:
        # The citations are what the body says, literally: an old NCT ID (an alias) is
        # cited as written, and the trial's current ID stays only if the body says it.
        wanted = set(mentioned)
        citations = list(self.trial_citations.all())
        kept, seen = [], set()
        for citation in citations:
            citation.nct_id = citation.nct_id.strip().upper()
            if citation.nct_id in wanted and citation.nct_id not in seen:
                seen.add(citation.nct_id)
                kept.append(citation)
        added = [
            ExplainerTrialCitation(nct_id=nct_id) for nct_id in mentioned if nct_id not in seen
        ]
        if added or len(kept) != len(citations):
            for position, citation in enumerate(kept + added):
                citation.sort_order = position
            self.trial_citations.set(kept + added)

    def save(self, *args, **kwargs):
        self.refresh_derived_fields()
        return super().save(*args, **kwargs)

    def save_revision(self, user=None, *args, **kwargs):
        from insights.review.editing import reuse_reviewed_revision, revision_under_review

        self.refresh_derived_fields()
        # Saving a revision publishes nothing: the publish-only checks wait for publish().
        self._saving_revision = True
        try:
            if kwargs.get("clean", True):
                self.full_clean()
            kwargs["clean"] = False
            overwrite = kwargs.get("overwrite_revision")
            # In review, a version that says what the reviewed one says is no edit.
            reviewed = reuse_reviewed_revision(self, user, overwrite)
            if reviewed is not None:
                return reviewed
            if overwrite is not None and overwrite.user_id != (user and user.pk):
                under_review = revision_under_review(self)
                if under_review is not None and under_review.pk == overwrite.pk:
                    # A reviewer's autosave after a content-equal save (which kept the
                    # reviewed revision): their change is a new revision, never an
                    # overwrite of someone else's reviewed one.
                    kwargs["overwrite_revision"] = None
            return super().save_revision(user, *args, **kwargs)
        finally:
            del self._saving_revision

    def permissions_for_user(self, user):
        from insights.review.permissions import ExplainerPermissionTester

        return ExplainerPermissionTester(user, self)

    # Validation -------------------------------------------------------------------------

    def has_disclaimer(self) -> bool:
        return any(block.block_type == "disclaimer" for block in self.body)

    def clean(self):
        super().clean()
        # The edit view's form says whether the editor is publishing; anywhere else
        # (publishing a revision, a workflow's final approval) the page is live when saved.
        publishing = getattr(self, "_publish_intent", None)
        if publishing is None:
            publishing = self.live and not getattr(self, "_saving_revision", False)
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
        """The published authors in editor order, with photos and renditions prefetched.

        An unpublished person is in no byline, box or JSON-LD (the API's rule too).
        """
        return [
            link.person
            for link in self.authors.select_related("person", "person__photo")
            .prefetch_related("person__photo__renditions")
            .order_by("sort_order")
            if link.person.live
        ]

    def citations_with_trials(self) -> list["ExplainerTrialCitation"]:
        """Cited trials with their registry rows attached: two queries whatever the count."""
        citations = list(self.trial_citations.all())
        attach_trials(citations)
        return citations

    @cached_property
    def neighbours(self) -> tuple["ExplainerPage | None", "ExplainerPage | None"]:
        """(previous, next) live public siblings in the editors' order (the page tree).

        One query for both.
        """
        # Siblings with a view restriction of their own are left out. Restrictions on
        # ancestors apply to this page too, so a reader who sees it may see its neighbours.
        siblings = (
            ExplainerPage.objects.live()
            .sibling_of(self, inclusive=False)
            .filter(view_restrictions__isnull=True)
        )
        before = siblings.filter(path__lt=self.path).order_by("-path").values("pk")[:1]
        after = siblings.filter(path__gt=self.path).order_by("path").values("pk")[:1]
        found = list(
            ExplainerPage.objects.filter(
                models.Q(pk__in=models.Subquery(before)) | models.Q(pk__in=models.Subquery(after))
            ).only("pk", "title", "path", "url_path", "depth", "locale_id")
        )
        previous = next((p for p in found if p.path < self.path), None)
        following = next((p for p in found if p.path > self.path), None)
        return previous, following

    @property
    def previous_explainer(self):
        return self.neighbours[0]

    @property
    def next_explainer(self):
        return self.neighbours[1]

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

    def json_ld(self, authors=None, record=None, topics=None) -> dict:
        """schema.org ``MedicalWebPage`` data for this page (JSON-serialisable).

        Pass what the caller already fetched (authors, review record, topics) to save queries.
        """
        from insights.structured_data import explainer_json_ld

        return explainer_json_ld(
            self,
            authors=self.ordered_authors() if authors is None else authors,
            record=review_record.review_record_for(self) if record is None else record,
            topics=list(self.topics.all()) if topics is None else topics,
        )

    def get_context(self, request, *args, **kwargs):
        """Page context: everything the explainer templates show (``explainer_context``)."""
        context = super().get_context(request, *args, **kwargs)
        context.update(self.explainer_context(request))
        return context

    def explainer_context(self, request) -> dict:
        """Everything the explainer templates show (several queries; constant in number)."""
        from insights.change_log import change_log_for

        context = {"page": self, "self": self, "request": request}
        authors = self.ordered_authors()
        record = review_record.review_record_for(self)
        citations = self.citations_with_trials()
        topics = list(self.topics.all())
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
            topics=topics,
            people_boxes=people_boxes(authors, record),
            reviewed_on=record.last_reviewed if record.covers_live_version else None,
            previous_explainer=self.previous_explainer,
            next_explainer=self.next_explainer,
            json_ld=self.json_ld(authors=authors, record=record, topics=topics),
            change_log=change_log_for(self),
        )
        return context
