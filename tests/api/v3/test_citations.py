"""An API v3 update of an explainer leaves it citing what its body says.

API v3 writes no body (an explainer's writable fields are title, slug and the SEO fields),
but every update saves a revision, and the revision's cited trials follow the body.
"""

import pytest
from wagtail.models import Page

from insights.models import ExplainerTrialCitation
from tests.insights import review_support
from tests.insights.review_support import make_explainer, reload

from .conftest import token_for

pytestmark = pytest.mark.django_db
team, fresh_trial = review_support.team, review_support.fresh_trial


def cited(page):
    draft = reload(page).get_latest_revision_as_object()
    return [(c.nct_id, c.stated_status) for c in draft.trial_citations.all()]


def test_an_update_drops_a_citation_the_body_does_not_name_and_keeps_the_others(
    v3, team, fresh_trial
):
    page = make_explainer(team["writer"])  # the body names NCT04000001 (stated: recruiting)
    # A revision citing a trial its body never named (saved before citations followed
    # the body): Wagtail's own save_revision, without the explainer's.
    draft = reload(page).get_latest_revision_as_object()
    draft.trial_citations.add(ExplainerTrialCitation(nct_id="NCT08888888"))
    Page.save_revision(draft, user=team["writer"])
    assert ("NCT08888888", "") in cited(page)
    response = v3.send(
        "PATCH",
        f"pages/{page.pk}/",
        bearer=token_for(team["writer"]),
        data={"meta": {"type": "insights.ExplainerPage"}, "title": "Retitled"},
    )
    assert response.status_code == 200, response.content
    assert reload(page).get_latest_revision_as_object().title == "Retitled"
    assert cited(page) == [("NCT04000001", "RECRUITING")]
    assert list(reload(page).trial_citations.values_list("nct_id", flat=True)) == ["NCT04000001"]
