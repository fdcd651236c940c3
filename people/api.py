"""The ``people`` endpoint of the headless API, and the public face of a person.

Only published (live) people appear, with their public fields only: never the linked
admin ``user``, e-mail, revisions or draft changes. ``person_representation`` is the
same public face nested elsewhere (an explainer's authors and reviewers).
"""

from django.db.models import Prefetch
from rest_framework.fields import Field
from wagtail.api import APIField
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.utils import BadRequestError, get_object_detail_url
from wagtail.api.v2.views import BaseAPIViewSet
from wagtail.images import get_image_model
from wagtail.images.api.fields import ImageRenditionField

from .models import Person, Role

ROLE_LABELS = dict(Role.choices)
# Rendition name -> Wagtail filter spec, for a person's photo.
PHOTO_RENDITIONS = {"avatar": "fill-160x160", "portrait": "fill-480x600"}


def image_representation(image, renditions: dict[str, str]) -> dict | None:
    """An image as a front-end needs it: alt text, size, and rendition URLs by name.

    Renditions are read from ``image.renditions`` when prefetched (no query).
    """
    if image is None:
        return None
    return {
        "id": image.pk,
        "title": image.title,
        "alt": image.default_alt_text,
        "width": image.width,
        "height": image.height,
        "renditions": {
            name: ImageRenditionField(spec).to_representation(image)
            for name, spec in renditions.items()
        },
    }


def rendition_prefetch(lookup: str, renditions: dict[str, str]) -> Prefetch:
    """Prefetch only the renditions the API serves, for the images at LOOKUP."""
    rendition_model = get_image_model().get_rendition_model()
    return Prefetch(
        lookup,
        queryset=rendition_model.objects.filter(filter_spec__in=list(renditions.values())),
    )


def person_representation(person: Person, context: dict | None = None) -> dict:
    """The public fields of PERSON (call only for live people).

    A person no longer in the database (a review record keeps the name of a deleted
    reviewer) has no id, photo or detail URL.
    """
    data = {
        "id": person.pk,
        "name": person.name,
        "initials": person.display_initials,
        "role": person.role,
        "role_label": ROLE_LABELS.get(person.role, person.role),
        "job_title": person.job_title,
        "credentials": person.credentials,
        "photo": image_representation(person.photo, PHOTO_RENDITIONS),
    }
    if context and "router" in context and person.pk is not None:
        data["detail_url"] = get_object_detail_url(
            context["router"], context["request"], Person, person.pk
        )
    return data


class PhotoField(Field):
    """A person's photo with its renditions."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, image):
        return image_representation(image, PHOTO_RENDITIONS)


class RoleLabelField(Field):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, person):
        return person.role_label


class InitialsField(Field):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, person):
        return person.display_initials


class PeopleAPIViewSet(BaseAPIViewSet):
    """Published authors and reviewers: public fields only, filter by role, search by name."""

    model = Person
    name = "people"
    filter_backends = [SearchFilter]
    known_query_parameters = frozenset(
        ["limit", "offset", "fields", "format", "_", "role", "search", "search_operator"]
    )
    body_fields = [
        "id",
        "name",
        APIField("initials", serializer=InitialsField()),
        "role",
        APIField("role_label", serializer=RoleLabelField()),
        "job_title",
        "credentials",
        "bio",
        APIField("photo", serializer=PhotoField()),
        "links",
    ]
    meta_fields = ["type", "detail_url"]
    listing_default_fields = [
        "id",
        "type",
        "detail_url",
        "name",
        "initials",
        "role",
        "role_label",
        "credentials",
    ]
    nested_default_fields = ["id", "type", "detail_url", "name"]

    def get_queryset(self):
        return (
            Person.objects.filter(live=True)
            .select_related("photo")
            .prefetch_related(rendition_prefetch("photo__renditions", PHOTO_RENDITIONS))
            .order_by("name", "pk")
        )

    def check_query_parameters(self, queryset):
        unknown = set(self.request.GET.keys()) - self.known_query_parameters
        if unknown:
            raise BadRequestError(
                "query parameter is not an operation or a recognised filter: "
                + ", ".join(sorted(unknown))
            )

    def filter_queryset(self, queryset):
        roles = [r.strip() for r in self.request.GET.get("role", "").split(",") if r.strip()]
        unknown = [r for r in roles if r not in Role.values]
        if unknown:
            raise BadRequestError(
                f"role: unknown value {', '.join(unknown)}; expected one of "
                + ", ".join(Role.values)
            )
        if roles:
            queryset = queryset.filter(role__in=roles)
        return super().filter_queryset(queryset)

    def detail_view(self, request, pk):
        self.check_query_parameters(self.get_queryset())
        return super().detail_view(request, pk)
