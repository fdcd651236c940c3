"""Pagination of API v3 lists: Wagtail's limit/offset, bounded, with bulk loading per page."""

from django.conf import settings
from ninja import Field
from wagtail.api.v3.pagination import WagtailLimitOffsetPagination


class BoundedPagination(WagtailLimitOffsetPagination):
    """``limit`` up to ``WAGTAILAPI_LIMIT_MAX`` (400 above), ``offset`` up to ``API_MAX_OFFSET``."""

    class Input(WagtailLimitOffsetPagination.Input):
        limit: int = Field(default=20, ge=1)
        offset: int = Field(default=0, ge=0, le=settings.API_MAX_OFFSET)


class Prepared:
    """A queryset the paginator slices; each slice is loaded and passed to PREPARE at once.

    PREPARE(list of objects) returns what the response lists (e.g. dicts), so related data
    is fetched for the whole page of results in a fixed number of queries.
    """

    def __init__(self, queryset, prepare):
        self.queryset, self.prepare = queryset, prepare

    def __len__(self):
        return self.queryset.count()

    def __getitem__(self, item):
        return self.prepare(list(self.queryset[item]))
