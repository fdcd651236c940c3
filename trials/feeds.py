"""Saved searches as feeds (#13): every finder URL has an Atom feed of its new and changed
trials at /trials/feed/?<the same parameters>, through the finder's own TrialFilter."""

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from trials.filters import TrialFilter
from trials.models import Trial

FEED_SIZE = 50
# What an entry shows; raw and search_text are large and never needed here.
FEED_FIELDS = [
    "id",
    "nct_id",
    "brief_title",
    "overall_status",
    "last_known_status",
    "phases",
    "conditions",
    "lead_sponsor",
    "first_seen",
    "last_changed",
]


class MalformedFilter(Exception):
    """A finder parameter did not validate; the message names the field."""


def finder_query(request) -> str:
    """The finder's parameters of REQUEST as a query string, without the page number."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class TrialFeed(Feed):
    """The Atom feed of one finder search, newest change first."""

    feed_type = Atom1Feed
    description_template = None

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except MalformedFilter as exc:
            return HttpResponseBadRequest(
                f"Malformed filter: {exc}", content_type="text/plain; charset=utf-8"
            )

    def get_object(self, request, *args, **kwargs):
        finder = TrialFilter(request.GET, queryset=Trial.objects.only(*FEED_FIELDS))
        if not finder.is_valid():
            raise MalformedFilter(finder.errors_text())
        finder.query = finder_query(request)
        return finder

    def title(self, finder):
        return "ClinicalMetric: clinical trials" + (" (your search)" if finder.is_filtered else "")

    def subtitle(self, finder):
        return "New and changed trials matching this search in the trial finder."

    def link(self, finder):
        return reverse("trials:list") + (f"?{finder.query}" if finder.query else "")

    def feed_url(self, finder):
        return reverse("trials:feed") + (f"?{finder.query}" if finder.query else "")

    def items(self, finder):
        # Last change first: a feed reader shows what is new since it last looked.
        return finder.qs.order_by("-last_changed", "nct_id")[:FEED_SIZE]

    def item_title(self, trial):
        return f"{trial.brief_title or trial.nct_id} ({trial.nct_id})"

    def item_description(self, trial):
        parts = [trial.status_display]
        if trial.phases:
            parts.append(trial.phase_display)
        if trial.conditions:
            parts.append("; ".join(trial.conditions))
        if trial.lead_sponsor:
            parts.append(f"Sponsor: {trial.lead_sponsor}")
        return " · ".join(parts)

    def item_link(self, trial):
        return trial.get_absolute_url()

    def item_guid(self, trial):
        return trial.get_absolute_url()

    def item_pubdate(self, trial):
        return trial.first_seen

    def item_updateddate(self, trial):
        return trial.last_changed
