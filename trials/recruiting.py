"""From an explainer to the finder: how many trials of its treatment recruit now, and the
finder URL with those filters set (the "trials being tested now" block and the API)."""

from urllib.parse import urlencode

from django.urls import reverse

# Words that name the kind of treatment, not the treatment: "CAR-T cell therapy" is
# looked up as the intervention "CAR-T cell".
GENERIC_WORDS = frozenset({"therapy", "therapies", "treatment", "treatments"})


def explainer_finder_params(page) -> dict[str, str]:
    """The finder's filters for an explainer: its treatment (therapy name, else title) as
    the intervention, recruiting trials only."""
    words = (getattr(page, "therapy_name", "") or page.title).split()
    while len(words) > 1 and words[-1].lower() in GENERIC_WORDS:
        words.pop()
    return {"intervention": " ".join(words), "status": "RECRUITING"}


def recruiting_now(params: dict[str, str]) -> dict:
    """``{"count", "url", "filters"}`` for explainer_finder_params' PARAMS: the true number
    of trials the finder lists for them (one COUNT query, through the same queryset
    methods as its filters) and the finder URL that lists them."""
    from trials.models import Trial

    trials = Trial.objects.filter(overall_status=params["status"])
    count = trials.with_intervention(params["intervention"]).count()
    return {
        "count": count,
        "url": f"{reverse('trials:list')}?{urlencode(params)}",
        "filters": params,
    }


def explainer_recruiting_now(page) -> dict:
    return recruiting_now(explainer_finder_params(page))
