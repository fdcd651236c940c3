"""The ``people`` endpoint of API v3, and the typed public face of a person.

The same rule as v2 (``people/api.py``): only published people, public fields only
(never the linked admin user, e-mail, revisions or drafts).
"""

from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from wagtail.search.backends import get_search_backend

from api_support.pagination import BoundedPagination, Prepared
from api_support.urls import detail_url

from .api import PHOTO_RENDITIONS, image_representation, person_representation, rendition_prefetch
from .models import Person, Role

RoleLiteral = Literal[tuple(Role.values)]  # ty: ignore[invalid-type-form]


class Rendition(Schema):
    url: str
    full_url: str
    width: int
    height: int
    alt: str


class RenditionError(Schema):
    error: Literal["SourceImageIOError"]


class Image(Schema):
    """An image with alt text, size and its renditions by name."""

    id: int
    title: str
    alt: str
    width: int
    height: int
    renditions: dict[str, Rendition | RenditionError]


class PersonFace(Schema):
    """A published person as nested in explainers (authors, reviewers)."""

    id: int | None = Field(description="Null for a reviewer no longer on record.")
    name: str
    initials: str
    role: str
    role_label: str
    job_title: str
    credentials: str
    photo: Image | None
    detail_url: str | None


class ProfileLinkValue(Schema):
    label: str
    url: str


class ProfileLink(Schema):
    type: Literal["link"]
    value: ProfileLinkValue
    id: str


class PersonDetail(PersonFace):
    """A published person with their bio and profile links."""

    bio: str
    links: list[ProfileLink]


def person_face(person: Person, request) -> dict:
    """PERSON's public face (call for published people only), v3 URLs."""
    data = person_representation(person)
    data["detail_url"] = detail_url(request, "people_detail", person.pk)
    return data


def person_detail(person: Person, request) -> dict:
    data = person_face(person, request)
    data["bio"] = person.bio
    data["links"] = person.links.stream_block.get_api_representation(person.links)
    return data


def published_people():
    return (
        Person.objects.filter(live=True)
        .select_related("photo")
        .prefetch_related(rendition_prefetch("photo__renditions", PHOTO_RENDITIONS))
        .order_by("name", "pk")
    )


class PeopleFilters(Schema):
    role: list[RoleLiteral] = Field([], description="Any of these roles.")
    search: str | None = Field(None, max_length=200, description="Words of the name.")


router = Router(tags=["people"])


@router.get(
    "/",
    response=list[PersonFace],
    url_name="people_list",
    summary="List published people",
    operation_id="people_list",
)
@paginate(BoundedPagination)
def list_people(request: HttpRequest, filters: PeopleFilters = Query(...)):  # ty: ignore
    queryset = published_people()
    if filters.role:
        queryset = queryset.filter(role__in=filters.role)
    if filters.search:
        if "\x00" in filters.search:
            raise HttpError(400, "search: null characters are not allowed")
        queryset = get_search_backend().search(filters.search, queryset, order_by_relevance=False)
    return Prepared(queryset, lambda people: [person_face(p, request) for p in people])


@router.get(
    "/{person_id}/",
    response=PersonDetail,
    url_name="people_detail",
    summary="A published person",
    operation_id="people_detail",
)
def get_person(request: HttpRequest, person_id: int):
    return person_detail(get_object_or_404(published_people(), pk=person_id), request)


__all__ = ["Image", "PersonDetail", "PersonFace", "image_representation", "person_face"]
