"""The home page: root of the public site."""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from insights.models import ExplainerPage, InsightsIndexPage
from insights.review_record import newest_review_first
from trials.models import Trial, TrialSyncRun

FEATURED_COUNT = 3


@dataclass(frozen=True)
class TrialCounter:
    """ "N studies tracked, refreshed <date>": true figures from the registry sync."""

    tracked: int
    refreshed_at: datetime | None


def trial_counter() -> TrialCounter:
    """Count of tracked studies and the finish time of the last successful sync.

    Counting a large table is not free, so the count is cached per successful run
    (a new run gives a new key) and for ten minutes at most, which also covers trials
    loaded outside a run (demo content).
    """
    last_run = (
        TrialSyncRun.objects.filter(status=TrialSyncRun.Status.SUCCEEDED, finished__isnull=False)
        .order_by("-finished")
        .only("pk", "finished")
        .first()
    )
    key = f"home:trials-tracked:{last_run.pk if last_run else 0}"
    tracked = cache.get_or_set(
        key, lambda: Trial.objects.filter(missing_from_registry=False).count(), 600
    )
    return TrialCounter(tracked=tracked, refreshed_at=last_run.finished if last_run else None)


class HomePage(Page):
    """The single root page of the site: hero and introduction."""

    hero_title = models.CharField(max_length=200, blank=True)
    hero_text = models.TextField(blank=True, max_length=600)
    introduction = RichTextField(blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [
        FieldPanel("hero_title"),
        FieldPanel("hero_text"),
        FieldPanel("introduction"),
        InlinePanel(
            "featured_explainers",
            label="Featured explainers",
            max_num=FEATURED_COUNT,
            help_text="Leave empty to feature the newest explainers.",
        ),
    ]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    def featured(self) -> list[ExplainerPage]:
        """The chosen explainers that are live, else the newest live ones."""
        base = ExplainerPage.objects.live().public().prefetch_related("tagged_topics__tag")
        chosen_ids = list(
            self.featured_explainers.order_by("sort_order").values_list("explainer_id", flat=True)
        )
        if chosen_ids:
            by_id = base.in_bulk(chosen_ids)
            return [by_id[pk] for pk in chosen_ids if pk in by_id]
        return list(newest_review_first(base)[:FEATURED_COUNT])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["featured"] = self.featured()
        context["trial_counter"] = trial_counter()
        context["explainers_index"] = InsightsIndexPage.objects.live().first()
        return context


class HomeFeaturedExplainer(Orderable):
    """An explainer the editors put on the home page, in their order."""

    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_explainers")
    explainer = models.ForeignKey(ExplainerPage, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("explainer")]


class StandardPage(Page):
    """A plain content page (About, Editorial policy): an intro and a rich-text body."""

    intro = models.TextField(blank=True, max_length=600)
    body = RichTextField(
        blank=True,
        features=["h2", "h3", "bold", "italic", "link", "document-link", "ol", "ul"],
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.StandardPage"]

    class Meta:
        verbose_name = "standard page"


# Trust pages live in their own module; imported here so Django registers the models.
from home.trust_pages import (  # noqa: E402
    CorrectionFormField,
    CorrectionsPage,
    TrustPage,
)

__all__ = [
    "CorrectionFormField",
    "CorrectionsPage",
    "HomeFeaturedExplainer",
    "HomePage",
    "StandardPage",
    "TrustPage",
]
