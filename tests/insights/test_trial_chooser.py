"""The trial list block cites trials with the trial chooser; its value stays NCT ID text."""

import json

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from insights.blocks import TrialListBlock
from insights.models import ExplainerPage
from tests.api.v3.openapi import check_response
from tests.insights.factories import ExplainerPageFactory, disclaimer_block, trial_list_block
from tests.people.factories import PersonFactory
from tests.trials.factories import TrialFactory
from trials.models import Trial

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return client


def chooser_url(name: str, *args) -> str:
    return reverse(Trial.snippet_viewset.chooser_viewset.get_url_name(name), args=args)


def trial_list_form(*nct_ids):
    items = {
        str(i): {"value": nct_id, "deleted": "", "order": str(i), "id": ""}
        for i, nct_id in enumerate(nct_ids)
    }
    return {"heading": "Trials", "nct_ids": {**items, "count": str(len(nct_ids))}}


def edit_data(page, person, *nct_ids, action="action-publish"):
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "subtitle": "A subtitle",
            "therapy_name": "",
            "topics": "",
            "body": streamfield(
                [
                    ("paragraph", rich_text("<p>Studied in trials.</p>")),
                    ("trial_list", trial_list_form(*nct_ids)),
                    ("disclaimer", {"kind": "medical", "extra": ""}),
                ]
            ),
            "summary": rich_text(""),
            "authors": inline_formset([{"person": str(person.pk), "id": ""}], min=1),
            "trial_citations": inline_formset([]),
            "comments": inline_formset([]),
            "seo_title": "",
            "search_description": "",
        }
    )
    data[action] = action
    return data


def test_the_nct_id_input_renders_a_choose_a_trial_button_opening_the_trial_chooser():
    widget = TrialListBlock().child_blocks["nct_ids"].child_block.field.widget
    html = widget.render("nct", "NCT01234567", attrs={"id": "nct"})
    assert 'data-controller="nct-id-chooser"' in html
    assert f'data-nct-id-chooser-url-value="{chooser_url("choose")}"' in html
    assert 'value="NCT01234567"' in html and 'type="text"' in html  # still typeable
    assert "Choose a trial" in html
    assert "trials/js/nct-id-chooser.js" in str(widget.media)


def test_the_edit_form_of_an_explainer_offers_the_trial_chooser(admin_client):
    page = ExplainerPageFactory(body=[trial_list_block("NCT01234567"), disclaimer_block()])
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    # The block's form is rendered client-side from telepath data (JSON in the page).
    assert "nct-id-chooser" in html and "Choose a trial" in html
    assert "trials/js/nct-id-chooser.js" in html


def test_choosing_a_trial_answers_its_nct_id(admin_client):
    trial = TrialFactory(nct_id="NCT04444444")
    response = admin_client.get(chooser_url("chosen", trial.pk))
    assert response.status_code == 200
    result = json.loads(response.content)["result"]
    assert result["nct_id"] == "NCT04444444"
    assert result["id"] == str(trial.pk)  # what Wagtail's own chooser widgets read


def test_the_chooser_lists_trials_searchable_by_nct_id(admin_client):
    TrialFactory(nct_id="NCT04444444", brief_title="A chosen study")
    TrialFactory(nct_id="NCT05555555", brief_title="Another study")
    response = admin_client.get(chooser_url("choose_results"), {"q": "NCT04444444"})
    assert response.status_code == 200
    assert "A chosen study" in response.content.decode()
    assert "Another study" not in response.content.decode()


def api_trial_list(client, page) -> tuple[dict, dict]:
    v2 = client.get(f"/api/v2/pages/{page.pk}/", {"fields": "body"}).json()
    v3 = check_response(client.get(f"/api/v3/explainers/{page.pk}/"), "GET").json()
    (v2_block,) = [b for b in v2["body"] if b["type"] == "trial_list"]
    (v3_block,) = [b for b in v3["body"] if b["type"] == "trial_list"]
    return v2_block["value"], v3_block["value"]


def test_saving_a_chosen_trial_stores_its_nct_id_and_the_apis_are_unchanged(admin_client, client):
    TrialFactory(nct_id="NCT04444444", brief_title="A chosen study")
    person = PersonFactory()
    page = ExplainerPageFactory(publish=False, authors=[person])
    # The chooser wrote the chosen trial's NCT ID; a not-yet-synced one is typed (lower case).
    response = admin_client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        edit_data(page, person, "NCT04444444", " nct09999999 "),
    )
    assert response.status_code == 302
    saved = ExplainerPage.objects.get(pk=page.pk)
    assert saved.live
    (stored,) = [b for b in saved.body.raw_data if b["type"] == "trial_list"]
    # ListBlock items as Wagtail stores them; each value is the NCT ID as text.
    assert [item["value"] for item in stored["value"]["nct_ids"]] == ["NCT04444444", "NCT09999999"]
    assert [list(b.value["nct_ids"]) for b in saved.body if b.block_type == "trial_list"] == [
        ["NCT04444444", "NCT09999999"]
    ]
    assert sorted(saved.trial_citations.values_list("nct_id", flat=True)) == [
        "NCT04444444",
        "NCT09999999",
    ]
    # The same list stored as text by other means reads the same through both APIs.
    reference = ExplainerPageFactory(
        body=[trial_list_block("NCT04444444", "NCT09999999"), disclaimer_block()]
    )
    assert api_trial_list(client, saved) == api_trial_list(client, reference)
    v2, _ = api_trial_list(client, saved)
    assert [t["nct_id"] for t in v2["trials"]] == ["NCT04444444", "NCT09999999"]


def test_a_malformed_nct_id_in_the_trial_list_is_a_form_error(admin_client):
    person = PersonFactory()
    page = ExplainerPageFactory(publish=False, authors=[person])
    response = admin_client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        edit_data(page, person, "NCT123", action="action-save"),
    )
    assert response.status_code == 200
    assert "NCT followed by 8 digits" in response.content.decode()
