"""The subscription form: an address and the finder search it follows."""

from django import forms
from django.core.cache import cache
from django.http import QueryDict

from trials.filters import TrialFilter

# parameters that change the page shown, not the trials matched
NOT_SEARCH = ("page", "sort")
MAX_QUERY_LENGTH = 2000
# the cache keys of the rate limits start with this (tests give each test its own)
RATE_KEY_PREFIX = "trials.alerts"


def normalised_query(query: str) -> str:
    """QUERY (a finder query string) without empty or non-search parameters, sorted: the
    same search is stored once however its URL was written."""
    data = QueryDict(query)
    pairs = sorted(
        (key, value)
        for key in data
        if key not in NOT_SEARCH
        for value in data.getlist(key)
        if value.strip()
    )
    clean = QueryDict(mutable=True)
    for key, value in pairs:
        clean.appendlist(key, value)
    return clean.urlencode()


class AlertForm(forms.Form):
    """Subscribe ADDRESS to the search QUERY; the search must be a valid finder search."""

    email = forms.EmailField(label="Your e-mail address", max_length=254)
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=MAX_QUERY_LENGTH)

    def clean_query(self) -> str:
        query = normalised_query(self.cleaned_data.get("query") or "")
        finder = TrialFilter(QueryDict(query))
        if not finder.is_valid():
            raise forms.ValidationError(f"This search is not valid: {finder.errors_text()}")
        return query

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


def over_limit(key: str, limit: int, seconds: int = 3600) -> bool:
    """Count one attempt against KEY (Django cache); True once LIMIT is used up."""
    key = f"{RATE_KEY_PREFIX}.{key}"
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=seconds)
        count = 1
    return count > limit
