"""Issue 10: the review record readers see can be trusted on every path.

One test (or a small group) per hole, through the admin views with the test client and the
HTTP API, asserting the exact refusal and that nothing changed. The matrix rows
(credited author, shared e-mail, delete/move/unpublish, media) are in
test_review_permissions.py.
"""

import pytest

from insights.models import CompletedReview, StageSignOff
from people.models import Person
from tests.insights import review_support
from tests.insights.review_support import (
    advance_to_stage,
    make_explainer,
    post_person,
    reload,
    review_as_read,
)

pytestmark = pytest.mark.django_db
team, fresh_trial = review_support.team, review_support.fresh_trial


def reviewed_page(team, title="CAR-T cell therapy"):
    page = make_explainer(team["writer"], title=title)
    advance_to_stage(page, 4, team)
    page = reload(page)
    assert page.live and CompletedReview.objects.filter(page=page, is_current=True).exists()
    return page


# 1. Sign-offs are frozen ---------------------------------------------------------------


def test_hole1_editing_a_reviewers_credentials_rewrites_no_past_review(client, team, fresh_trial):
    page = reviewed_page(team)
    before = review_as_read(client, page)
    assert "Medical2 Tester (MD, Haematology)" in before["html_byline"]
    assert "Medical2 Tester, MD, Haematology on" in before["html_dates"]
    medical = Person.objects.get(user=team["medical2"])

    client.force_login(team["writer"])  # an Editor: may change and publish people
    response = post_person(client, medical, credentials="MD, FRCP")
    assert response.status_code == 302
    medical.refresh_from_db()
    assert medical.credentials == "MD, FRCP"  # the profile changed...
    client.logout()

    after = review_as_read(client, page)
    assert after == before  # ...the record readers see did not, in HTML, JSON-LD or API
    assert "FRCP" not in str(after)
    sign_off = StageSignOff.objects.get(review__page=page, stage=2)
    assert sign_off.person_credentials == "MD, Haematology"
    assert after["api_review"]["medically_reviewed_by"] == {
        "name": "Medical2 Tester",
        "credentials": "MD, Haematology",
    }


@pytest.mark.parametrize("role", ["writer", "analyst", "medical", "verifier"])
def test_hole1_only_superusers_relink_a_person_to_another_account(client, team, role):
    medical = Person.objects.get(user=team["medical2"])
    client.force_login(team["writer"] if role == "writer" else team[role])
    # A forged POST: the field is not even in the form for them, so it is ignored.
    post_person(client, medical, user=team[role].pk)
    medical.refresh_from_db()
    assert medical.user_id == team["medical2"].pk

    client.force_login(team["boss"])
    form = client.get(f"/admin/snippets/people/person/edit/{medical.pk}/").content.decode()
    assert 'name="user"' in form
    spare = review_support.make_user("spare", "Medical reviewers")
    assert post_person(client, medical, user=spare.pk).status_code == 302
    medical.refresh_from_db()
    assert medical.user_id == spare.pk


def test_hole1_the_person_form_hides_the_user_link_from_editors(client, team):
    medical = Person.objects.get(user=team["medical2"])
    client.force_login(team["writer"])
    form = client.get(f"/admin/snippets/people/person/edit/{medical.pk}/")
    assert form.status_code == 200
    assert 'name="user"' not in form.content.decode()
