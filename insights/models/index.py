"""The explainers index: lists explainers, newest review first, filterable by topic."""

from django.core.paginator import Paginator
from taggit.models import Tag
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from insights import review_record

from .explainer import SUMMARY_FEATURES, ExplainerPage


class InsightsIndexPage(Page):
    """The list of treatment explainers: newest review first, filterable by topic."""

    intro = RichTextField(blank=True, features=SUMMARY_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["insights.ExplainerPage"]
    page_size = 12
    # Anonymous readers get this page from the page cache (insights/serving/page_cache.py).
    cache_for_anonymous_readers = True

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

    def route(self, request, path_components):
        # One query for the explainer itself (the default route costs two: the child page,
        # then its specific model).
        if path_components:
            child = (
                ExplainerPage.objects.child_of(self)
                .filter(slug=path_components[0])
                .select_related("hero_image")
                .first()
            )
            if child is not None:
                child._cached_parent_obj = self
                return child.route(request, path_components[1:])
        return super().route(request, path_components)

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
