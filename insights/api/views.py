"""The ``pages`` endpoint: Wagtail's, plus everything a front-end needs for explainers.

On top of ``wagtail.api.v2.views.PagesAPIViewSet``:

- explainers (``type=insights.ExplainerPage``) gain the fields in ``fields.py``, loaded
  for the whole page of results at once (the query count does not grow with the number
  of items, authors, blocks or cited trials);
- ``topic=<slug>[,<slug>...]`` and ``cites=<NCT ID>`` filters for explainers;
- only live pages outside private sections appear, whoever asks (the API is anonymous);
- filtering and ordering on plain columns only, and every bad parameter is a 400;
- ``preview/?token=...`` serves a draft revision to a front-end holding a signed,
  expiring token (see ``preview.py``).
"""

import re

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import path
from rest_framework.response import Response
from taggit.managers import TaggableManager
from wagtail.api.v2 import views as wagtail_views
from wagtail.api.v2.filters import (
    AncestorOfFilter,
    ChildOfFilter,
    DescendantOfFilter,
    FieldsFilter,
    LocaleFilter,
    OrderingFilter,
    SearchFilter,
    TranslationOfFilter,
)
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.validators import SiteFilterValidator
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from insights.models import ExplainerPage, ExplainerPageTopic, ExplainerTrialCitation

from .fields import (
    BODY_READERS,
    EXPLAINER_BODY_FIELDS,
    EXPLAINER_DETAIL_ONLY_FIELDS,
    EXPLAINER_META_FIELDS,
    prepare_explainers,
)
from .links import link_targets, preloaded_links, rich_text_references
from .preview import PreviewTokenError, page_for_preview_token

SLUG_RE = re.compile(r"^[-\w]{1,100}$")
NCT_ID_RE = re.compile(r"^NCT\d{8}$")
# Columns a client may filter by (exact value) or order by: plain values, never JSON, rich
# text or relations. Dates can order results but not filter them (exact timestamps).
FILTERABLE_FIELD_TYPES = (
    models.CharField,
    models.IntegerField,
    models.AutoField,
    models.BooleanField,
)
ORDER_ONLY_FIELD_TYPES = (models.DateTimeField, models.DateField)


class ExplainerFilter:
    """``topic`` (any of the given topic slugs) and ``cites`` (an NCT ID) for explainers."""

    def filter_queryset(self, request, queryset, view):
        topic = request.GET.get("topic")
        cites = request.GET.get("cites")
        if (topic is not None or cites is not None) and not issubclass(
            queryset.model, ExplainerPage
        ):
            raise BadRequestError("topic and cites filters need type=insights.ExplainerPage")
        if topic is not None:
            slugs = [s.strip() for s in topic.split(",") if s.strip()]
            if not slugs or not all(SLUG_RE.match(s) for s in slugs):
                raise BadRequestError("topic: expected topic slugs separated by commas")
            # A subquery on ids keeps the queryset searchable (id is a search filter field).
            queryset = queryset.filter(
                id__in=ExplainerPageTopic.objects.filter(tag__slug__in=slugs).values(
                    "content_object_id"
                )
            )
        if cites is not None:
            nct_id = cites.strip().upper()
            if not NCT_ID_RE.match(nct_id):
                raise BadRequestError("cites: expected an NCT ID (NCT followed by 8 digits)")
            queryset = queryset.filter(
                id__in=ExplainerTrialCitation.objects.filter(nct_id=nct_id).values("page_id")
            )
        return queryset


class PagesAPIViewSet(wagtail_views.PagesAPIViewSet):
    """Live, public pages; explainers with authors, body blocks, trials, review and JSON-LD."""

    filter_backends = [
        ExplainerFilter,
        FieldsFilter,
        ChildOfFilter,
        AncestorOfFilter,
        DescendantOfFilter,
        OrderingFilter,
        TranslationOfFilter,
        LocaleFilter,
        SearchFilter,  # last: search results cannot be filtered further
    ]
    known_query_parameters = wagtail_views.PagesAPIViewSet.known_query_parameters.union(
        ["topic", "cites"]
    )
    detail_only_fields = ["parent", *EXPLAINER_DETAIL_ONLY_FIELDS]

    # Fields ----------------------------------------------------------------------------

    @classmethod
    def get_body_fields(cls, model):
        fields = super().get_body_fields(model)
        if issubclass(model, ExplainerPage):
            fields += cls._convert_api_fields(EXPLAINER_BODY_FIELDS)
        return fields

    @classmethod
    def get_meta_fields(cls, model):
        fields = super().get_meta_fields(model)
        if issubclass(model, ExplainerPage):
            fields += cls._convert_api_fields(EXPLAINER_META_FIELDS)
        return fields

    @classmethod
    def get_available_fields(cls, model, db_fields_only=False):
        fields = super().get_available_fields(model, db_fields_only=db_fields_only)
        if db_fields_only:
            fields = [name for name in fields if column_type(model, name) is not None]
        return fields

    # Querysets -------------------------------------------------------------------------

    def get_base_queryset(self):
        """Live pages of the requested site outside any private section, for anyone.

        Built once per request: ``public()`` reads the view restrictions when called.
        """
        if not hasattr(self, "_base_queryset"):
            self._base_queryset = self._public_pages()
        return self._base_queryset

    def public_pages(self):
        """Live pages outside private sections, any site (reads the restrictions once)."""
        if not hasattr(self, "_public"):
            self._public = Page.objects.live().exclude(Page.objects.all().private_q())
        return self._public

    def _public_pages(self):
        queryset = self.public_pages()
        try:
            site = SiteFilterValidator(
                site=self.request.GET.get("site"), request=self.request
            ).site_obj
        except ValueError as exc:
            raise BadRequestError(str(exc)) from exc
        if site is None:
            return queryset.none()
        return queryset.descendant_of(site.root_page, inclusive=True)

    def get_queryset(self):
        queryset = super().get_queryset()
        if issubclass(queryset.model, ExplainerPage):
            return queryset.select_related("locale", "hero_image")
        return queryset.select_related("locale")

    def check_query_parameters(self, queryset):
        super().check_query_parameters(queryset)
        for name, value in self.request.GET.items():
            if "\x00" in value:
                raise BadRequestError(f"{name}: null characters are not allowed")
            if column_type(queryset.model, name) == "order":
                raise BadRequestError(f"{name}: dates cannot be filtered, only ordered (order=)")

    def get_object(self):
        if self.action == "preview_view":
            return self._cached_object
        return super().get_object()

    # Views -----------------------------------------------------------------------------

    def listing_view(self, request):
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        fields = set(self.get_serializer_class().Meta.fields)
        if issubclass(queryset.model, ExplainerPage) and not BODY_READERS & fields:
            # A list of cards needs no body: do not load or parse it.
            queryset = queryset.defer_streamfields()
        queryset = self.filter_queryset(queryset)
        pages = list(self.paginate_queryset(queryset))
        with self.prepared(pages, fields):
            data = self.get_serializer(pages, many=True).data
        return self.get_paginated_response(data)

    def detail_view(self, request, pk):
        self.check_query_parameters(self.get_queryset())
        page = self.get_object()
        with self.prepared([page]):
            data = self.get_serializer(page).data
        return Response(data)

    def preview_view(self, request):
        """A draft revision, for a front-end holding a signed preview token."""
        unknown = set(request.GET) - {"token", "fields", "format", "rich_text_format"}
        if unknown:
            raise BadRequestError(
                "query parameter is not recognised here: " + ", ".join(sorted(unknown))
            )
        try:
            self._cached_object = page_for_preview_token(request.GET.get("token", ""))
        except PreviewTokenError as exc:
            return Response({"message": str(exc)}, status=403, headers=PRIVATE_HEADERS)
        # Links resolve as on the editors' preview (to drafts too): the token holder may see them.
        data = self.get_serializer(self._cached_object).data
        return Response(data, headers=PRIVATE_HEADERS)

    def prepared(self, pages, fields=BODY_READERS):
        """Load explainer data in bulk; resolve rich text links from memory meanwhile."""
        explainers = [page for page in pages if isinstance(page, ExplainerPage)]
        prepare_explainers(explainers, fields)
        targets = self.link_targets(explainers, with_body=bool(BODY_READERS & set(fields)))
        return preloaded_links(*targets, public_pages=self.public_pages())

    @staticmethod
    def link_targets(pages, with_body=True) -> tuple[set[str], set[str]]:
        references = []
        for page in pages:
            if isinstance(page, ExplainerPage):
                if with_body:
                    references += page.body.stream_block.extract_references(page.body)
                references += rich_text_references(page.summary)
        return link_targets(references)

    @classmethod
    def get_urlpatterns(cls):
        return [
            path("preview/", cls.as_view({"get": "preview_view"}), name="preview"),
            *super().get_urlpatterns(),
        ]


# A preview is a draft: never stored by a shared cache, never indexed.
PRIVATE_HEADERS = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"}


def column_type(model, name: str) -> str | None:
    """ "filter" if clients may filter and order by NAME, "order" if only order, else None."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a computed API field
        return None
    if isinstance(field, (StreamField, RichTextField, TaggableManager)) or field.is_relation:
        return None
    if isinstance(field, FILTERABLE_FIELD_TYPES):
        return "filter"
    if isinstance(field, ORDER_ONLY_FIELD_TYPES):
        return "order"
    return None
