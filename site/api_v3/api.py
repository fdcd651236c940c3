"""The v3 NinjaAPI: Wagtail's, with our routers, the review guards and rate limits."""

from django.conf import settings
from wagtail.api.v3.api import api
from wagtail.api.v3.routers.pages import router as pages_router

from insights.api.v3.router import router as explainers_router
from people.api_v3 import router as people_router
from trials.api_v3 import router as trials_router

from .guards import review_guard
from .limits import anonymous_throttle, parse_rate

parse_rate(settings.API_RATE_LIMIT)  # a malformed API_RATE_LIMIT stops start-up, naming it

api.title = "ClinicalMetric API"
api.description = (
    "Treatment explainers, the people who write and review them, and registry trials. "
    "Anonymous reads see published content; an `Authorization: Bearer <API token>` of a "
    "user who may edit a page reads its draft (`?version=draft`)."
)
api.throttle = [anonymous_throttle()]
pages_router.add_decorator(review_guard)
api.add_router("/explainers/", explainers_router)
api.add_router("/people/", people_router)
api.add_router("/trials/", trials_router)

__all__ = ["api"]
