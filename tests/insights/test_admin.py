"""The explainer edit view: publishing rules and bad input as form errors, never a 500."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from insights.models import ExplainerPage
from tests.insights.factories import ExplainerPageFactory
from tests.people.factories import PersonFactory

# These tests read response.context (tests/conftest.py: template_context).
pytestmark = [pytest.mark.django_db, pytest.mark.template_context]


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return client


def list_block(items):
    """Form data of a ListBlock (Wagtail's list-block prefix format)."""
    data = {
        str(i): {"value": value, "deleted": "", "order": str(i), "id": ""}
        for i, value in enumerate(items)
    }
    data["count"] = str(len(items))
    return data


def step_form(n):
    return {"title": f"Step {n}", "short_label": f"S{n}", "text": rich_text(f"<p>Step {n}.</p>")}


def body_form(
    *,
    disclaimer=True,
    steps=2,
    risk_management="<p>Treated early.</p>",
    paragraph="<p>Plain words, citing NCT01234567.</p>",
):
    blocks = [
        ("paragraph", rich_text(paragraph)),
        ("steps", {"heading": "How", "steps": list_block([step_form(n) for n in range(steps)])}),
        (
            "risks",
            {
                "heading": "Risks",
                "intro": rich_text(""),
                "risks": list_block(
                    [
                        {
                            "name": "Fever",
                            "severity": "mild",
                            "how_it_shows": rich_text("<p>Hot.</p>"),
                            "management": rich_text(risk_management),
                            "frequency": "Common",
                        }
                    ]
                ),
            },
        ),
    ]
    if disclaimer:
        blocks.append(("disclaimer", {"kind": "medical", "extra": ""}))
    return streamfield(blocks)


def edit_data(page, person, *, action=None, title=None, citations=(), **body_kwargs):
    data = nested_form_data(
        {
            "title": title or page.title,
            "slug": page.slug,
            "subtitle": "A subtitle",
            "therapy_name": "",
            "topics": "Oncology",
            "body": body_form(**body_kwargs),
            "summary": rich_text("<p>The short version.</p>"),
            "authors": inline_formset([{"person": str(person.pk), "id": ""}], min=1),
            "trial_citations": inline_formset(
                [
                    {"nct_id": c, "stated_status": "", "stated_phase": "", "id": ""}
                    for c in citations
                ]
            ),
            "comments": inline_formset([]),
            "seo_title": "",
            "search_description": "",
        }
    )
    if action:
        data[action] = action
    return data


def post_edit(client, page, data):
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def form_errors(response) -> str:
    form = response.context["form"]
    parts = [str(form.errors)]
    for formset in form.formsets.values():
        parts.append(str(formset.errors))
    return " ".join(parts)


@pytest.fixture
def draft(db):
    person = PersonFactory()
    page = ExplainerPageFactory(publish=False, authors=[person])
    return page, person


def test_publishing_without_a_disclaimer_is_a_form_error(admin_client, draft):
    page, person = draft
    response = post_edit(
        admin_client, page, edit_data(page, person, action="action-publish", disclaimer=False)
    )
    assert response.status_code == 200
    assert "cannot be published without a disclaimer" in form_errors(response)
    page.refresh_from_db()
    assert not page.live


def test_saving_a_draft_without_a_disclaimer_works(admin_client, draft):
    page, person = draft
    revisions_before = page.revisions.count()
    response = post_edit(admin_client, page, edit_data(page, person, disclaimer=False))
    assert response.status_code == 302, form_errors(response)
    page.refresh_from_db()
    assert not page.live
    assert page.revisions.count() == revisions_before + 1
    latest = page.get_latest_revision_as_object()
    assert not latest.has_disclaimer()
    # The NCT ID in the body became a citation in the saved revision.
    assert [c.nct_id for c in latest.trial_citations.all()] == ["NCT01234567"]


def test_publishing_with_a_disclaimer_goes_live(admin_client, draft):
    page, person = draft
    response = post_edit(admin_client, page, edit_data(page, person, action="action-publish"))
    assert response.status_code == 302, form_errors(response)
    page = ExplainerPage.objects.get(pk=page.pk)
    assert page.live
    assert page.has_disclaimer()
    assert list(page.trial_citations.values_list("nct_id", flat=True)) == ["NCT01234567"]


def test_saving_a_draft_of_a_live_page_without_a_disclaimer_keeps_the_live_version(admin_client):
    person = PersonFactory()
    page = ExplainerPageFactory(authors=[person])
    response = post_edit(admin_client, page, edit_data(page, person, disclaimer=False))
    assert response.status_code == 302, form_errors(response)
    page = ExplainerPage.objects.get(pk=page.pk)
    assert page.live and page.has_disclaimer()
    assert page.has_unpublished_changes


def test_one_step_is_a_form_error(admin_client, draft):
    page, person = draft
    response = post_edit(admin_client, page, edit_data(page, person, steps=1))
    assert response.status_code == 200
    assert "body" in response.context["form"].errors
    page.refresh_from_db()
    assert page.revisions.count() == 1  # nothing saved


def test_risk_without_management_is_a_form_error(admin_client, draft):
    page, person = draft
    response = post_edit(admin_client, page, edit_data(page, person, risk_management=""))
    assert response.status_code == 200
    assert "body" in response.context["form"].errors
    assert "Say how this risk is managed" in str(response.content.decode())


def test_over_long_title_is_a_form_error(admin_client, draft):
    page, person = draft
    response = post_edit(admin_client, page, edit_data(page, person, title="T" * 300))
    assert response.status_code == 200
    assert "title" in response.context["form"].errors


def test_malformed_nct_id_in_citations_is_a_form_error(admin_client, draft):
    page, person = draft
    response = post_edit(admin_client, page, edit_data(page, person, citations=["NCT12"]))
    assert response.status_code == 200
    assert "NCT followed by 8 digits" in form_errors(response)


def test_unknown_but_well_formed_nct_id_is_accepted(admin_client, draft):
    # Not yet in the Trial table: allowed here; registry verification checks it later.
    page, person = draft
    data = edit_data(
        page, person, citations=["NCT09999999"], paragraph="<p>Studied in NCT09999999.</p>"
    )
    response = post_edit(admin_client, page, data)
    assert response.status_code == 302, form_errors(response)
    page.refresh_from_db()
    latest = page.get_latest_revision_as_object()
    assert "NCT09999999" in [c.nct_id for c in latest.trial_citations.all()]


def test_malformed_stream_data_is_a_form_error_not_a_500(admin_client, draft):
    page, person = draft
    data = edit_data(page, person)
    data["body-1-value-steps-count"] = "not-a-number"
    response = post_edit(admin_client, page, data)
    assert response.status_code == 200
    assert "malformed" in form_errors(response)
    assert page.revisions.count() == 1  # nothing saved


def test_edit_view_renders(admin_client, draft):
    page, _person = draft
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    assert b"Cited trials" in response.content
