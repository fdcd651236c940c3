"""The ``explainers`` endpoint of API v3: published explainers with every field, drafts
for token holders who may edit them, and v2's signed preview tokens.

- ``GET /api/v3/explainers/``: live explainers outside private sections, every field,
  filtered by ``topic`` and ``cites``; related data loaded for the whole page of results
  (the query count does not grow with the number of items).
- ``GET /api/v3/explainers/{id}/``: one, with its neighbours. ``?version=draft`` with an
  ``Authorization: Bearer <APIToken>`` of a user who may edit the page returns its latest
  revision (never cached by shared caches).
- ``GET /api/v3/explainers/preview/?token=...``: the revision a signed preview token names
  (the token of ``/api/v2/pages/preview/``, from the admin's "Headless preview").
"""

import re
from typing import Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from wagtail.api.v3.auth import AllowAnonymous, BearerTokenAuth
from wagtail.api.v3.errors import ProblemDetail
from wagtail.api.validators import SiteFilterValidator
from wagtail.models import Page

from api_support.pagination import BoundedPagination, Prepared
from insights.api.fields import prepare_explainers
from insights.api.links import preloaded_links
from insights.api.preview import PreviewTokenError, page_for_preview_token
from insights.api.views import PRIVATE_HEADERS, PagesAPIViewSet
from insights.models import ExplainerPage, ExplainerPageTopic, ExplainerTrialCitation

from .schemas import Explainer, ExplainerDetail, explainer_data

SLUG_RE = re.compile(r"^[-\w]{1,100}$")
NCT_ID_RE = re.compile(r"^NCT\d{8}$")


class ExplainerFilters(Schema):
    topic: str | None = Field(None, description="Topic slugs, comma-separated (any of them).")
    cites: str | None = Field(None, description="An NCT ID the explainer cites.")
    site: str | None = Field(None, description="hostname[:port] of a site (default: this one).")


def public_pages():
    return Page.objects.live().exclude(Page.objects.all().private_q())


def public_explainers(request, site=None):
    """Live explainers outside private sections, on the requested site, editors' order."""
    try:
        site_obj = SiteFilterValidator(site=site, request=request).site_obj
    except ValueError as exc:
        raise HttpError(400, str(exc)) from None
    queryset = ExplainerPage.objects.live().exclude(ExplainerPage.objects.all().private_q())
    if site_obj is None:
        return queryset.none()
    return (
        queryset.descendant_of(site_obj.root_page, inclusive=True)
        .select_related("locale", "hero_image")
        .order_by("path")
    )


def filtered(queryset, filters: ExplainerFilters):
    if filters.topic is not None:
        slugs = [s.strip() for s in filters.topic.split(",") if s.strip()]
        if not slugs or not all(SLUG_RE.match(s) for s in slugs):
            raise HttpError(400, "topic: expected topic slugs separated by commas")
        queryset = queryset.filter(
            id__in=ExplainerPageTopic.objects.filter(tag__slug__in=slugs).values(
                "content_object_id"
            )
        )
    if filters.cites is not None:
        nct_id = filters.cites.strip().upper()
        if not NCT_ID_RE.match(nct_id):
            raise HttpError(400, "cites: expected an NCT ID (NCT followed by 8 digits)")
        queryset = queryset.filter(
            id__in=ExplainerTrialCitation.objects.filter(nct_id=nct_id).values("page_id")
        )
    return queryset


def represent(pages, request, detail=False, draft=False) -> list[dict]:
    """PAGES as Explainer dicts: related data and rich text links loaded in bulk.

    A DRAFT (built from a revision) keeps its own authors and citations (nothing is
    prefetched from the live rows) and its links resolve as on the editors' preview.
    """
    if draft:
        return [explainer_data(page, request, detail) for page in pages]
    prepare_explainers(pages)
    targets = PagesAPIViewSet.link_targets(pages)
    with preloaded_links(*targets, public_pages=public_pages()):
        return [explainer_data(page, request, detail) for page in pages]


def private(response: HttpResponse) -> None:
    for name, value in PRIVATE_HEADERS.items():
        response[name] = value


router = Router(tags=["explainers"])


@router.get(
    "/",
    response=list[Explainer],
    url_name="explainers_list",
    summary="List published explainers, every field",
    operation_id="explainers_list",
    auth=AllowAnonymous(),
)
@paginate(BoundedPagination)
def list_explainers(request: HttpRequest, filters: ExplainerFilters = Query(...)):  # ty: ignore
    queryset = filtered(public_explainers(request, filters.site), filters)
    return Prepared(queryset, lambda pages: represent(pages, request))


@router.get(
    "/preview/",
    response={200: ExplainerDetail, 403: ProblemDetail},
    url_name="explainers_preview",
    summary="The revision a signed preview token names",
    operation_id="explainers_preview",
    auth=AllowAnonymous(),
)
def preview_explainer(request: HttpRequest, response: HttpResponse, token: str = ""):
    private(response)
    try:
        page = page_for_preview_token(token)
    except PreviewTokenError as exc:
        raise HttpError(403, str(exc)) from None
    if not isinstance(page, ExplainerPage):
        raise HttpError(403, "the preview token is not for an explainer")
    return represent([page], request, detail=True, draft=True)[0]


@router.get(
    "/{explainer_id}/",
    response={200: ExplainerDetail, 401: ProblemDetail, 403: ProblemDetail},
    url_name="explainers_detail",
    summary="A published explainer, or its draft for a token holder who may edit it",
    operation_id="explainers_detail",
    auth=[BearerTokenAuth(), AllowAnonymous()],
)
def get_explainer(
    request: HttpRequest,
    response: HttpResponse,
    explainer_id: int,
    version: Literal["live", "draft"] = "live",
    site: str | None = None,
):
    if version == "live":
        if request.user.is_authenticated:
            private(response)
        page = get_object_or_404(public_explainers(request, site), pk=explainer_id)
        return represent([page], request, detail=True)[0]
    private(response)
    if not request.user.is_authenticated:
        raise HttpError(401, "a draft needs an Authorization: Bearer <API token> header")
    page = ExplainerPage.objects.filter(pk=explainer_id).first()
    if page is None:
        raise Http404("No explainer matches the given query.")
    permissions = page.permissions_for_user(request.user)
    if not (permissions.can_edit() or permissions.can_publish()):
        if not page.live:
            raise Http404("No explainer matches the given query.")
        raise HttpError(403, "the token's user may not see drafts of this explainer")
    draft = page.get_latest_revision_as_object()
    return represent([draft], request, detail=True, draft=True)[0]
