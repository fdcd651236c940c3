"""The cited trials follow the body: an NCT ID no longer in the body is no longer cited.

Every path a body changes by: a model save, a draft (save_revision), the editor, publish,
and the revisions in review that the registry sync reads (``registry_links.cited_nct_ids``).
API v3 updates: tests/api/v3/test_citations.py.
"""

import pytest
from wagtail.models import Page
from wagtail.rich_text import RichText

from insights.models import ExplainerPage, ExplainerTrialCitation
from insights.registry_links import cited_nct_ids
from tests.insights import review_support
from tests.insights.factories import ExplainerPageFactory, disclaimer_block, paragraph
from tests.insights.review_support import (
    edit_form_data,
    make_explainer,
    post_edit,
    reload,
    submit,
)
from trials.models import Trial, TrialAlias

team = review_support.team
fresh_trial = review_support.fresh_trial

pytestmark = pytest.mark.django_db


def cited(page) -> list[tuple[str, str, str]]:
    return [(c.nct_id, c.stated_status, c.stated_phase) for c in page.trial_citations.all()]


def set_body_text(page, text: str) -> None:
    page.body = [
        ("paragraph", RichText(f"<p>{text}</p>")),
        ("disclaimer", disclaimer_block()["value"]),
    ]


def page_citing(*nct_ids, body_text=None):
    text = body_text if body_text is not None else "Studied in " + " and ".join(nct_ids) + "."
    page = ExplainerPageFactory(body=[paragraph(text), disclaimer_block()])
    page.trial_citations = [
        ExplainerTrialCitation(nct_id=n, stated_status="RECRUITING", stated_phase="PHASE2")
        for n in nct_ids
    ]
    page.save()
    return ExplainerPage.objects.get(pk=page.pk)


def test_saving_drops_a_citation_the_body_no_longer_mentions_and_keeps_the_others():
    page = page_citing("NCT01111111", "NCT02222222")
    set_body_text(page, "Only NCT02222222 now.")
    page.save()
    page = ExplainerPage.objects.get(pk=page.pk)
    assert cited(page) == [("NCT02222222", "RECRUITING", "PHASE2")]
    assert list(
        ExplainerTrialCitation.objects.filter(page=page).values_list("nct_id", flat=True)
    ) == ["NCT02222222"]


def test_a_citation_added_by_hand_but_not_in_the_body_is_dropped():
    page = page_citing("NCT01111111")
    page.trial_citations.add(ExplainerTrialCitation(nct_id="NCT03333333"))
    page.save()
    assert [c[0] for c in cited(ExplainerPage.objects.get(pk=page.pk))] == ["NCT01111111"]


def test_the_body_may_say_an_nct_id_in_any_case():
    page = page_citing("NCT01111111", body_text="Studied in nct01111111 and Nct04444444.")
    assert cited(page) == [
        ("NCT01111111", "RECRUITING", "PHASE2"),
        ("NCT04444444", "", ""),
    ]


def test_an_alias_is_cited_only_as_the_body_says_it():
    Trial.objects.create(nct_id="NCT05555555", nct_id_aliases=["NCT06666666"])
    TrialAlias.objects.create(alias="NCT06666666", nct_id="NCT05555555")
    # The body names the old ID: that is the citation, not the trial's current ID.
    page = page_citing("NCT06666666")
    assert [c[0] for c in cited(page)] == ["NCT06666666"]
    # The body now names the current ID: the old citation goes, the current one comes.
    set_body_text(page, "Now cited as NCT05555555.")
    page.save()
    assert cited(ExplainerPage.objects.get(pk=page.pk)) == [("NCT05555555", "", "")]


def test_a_draft_drops_it_from_the_revision_and_publishing_drops_the_row():
    page = page_citing("NCT01111111", "NCT02222222")
    draft = page.get_latest_revision_as_object()
    set_body_text(draft, "Only NCT01111111.")
    revision = draft.save_revision()
    assert [c[0] for c in cited(revision.as_object())] == ["NCT01111111"]
    # The live page keeps both until the draft is published.
    assert [c[0] for c in cited(reload(page))] == ["NCT01111111", "NCT02222222"]
    revision.publish()
    assert cited(reload(page)) == [("NCT01111111", "RECRUITING", "PHASE2")]


def test_the_editor_drops_it_even_though_the_form_still_lists_it(client, team, fresh_trial):
    page = make_explainer(team["writer"])  # cites NCT04000001 in the body and as a row
    client.force_login(team["writer"])
    data = edit_form_data(page)
    assert data["trial_citations-0-nct_id"] == "NCT04000001"  # the inline panel still has it
    response = post_edit(client, page, paragraph="<p>How it works, no trial named.</p>")
    assert response.status_code == 302
    assert cited(reload(page).get_latest_revision_as_object()) == []


def test_revisions_in_review_no_longer_ask_the_sync_for_a_removed_id(team, fresh_trial):
    page = make_explainer(team["writer"])
    draft = reload(page).get_latest_revision_as_object()
    set_body_text(draft, "See NCT04000001 and NCT07777777.")
    draft.save_revision(user=team["writer"])
    draft = reload(page).get_latest_revision_as_object()
    set_body_text(draft, "See NCT04000001.")
    draft.save_revision(user=team["writer"])
    submit(page, team["writer"])
    ids = cited_nct_ids()
    assert "NCT04000001" in ids
    assert "NCT07777777" not in ids


def test_the_help_text_says_removed_ids_are_removed():
    panel = next(
        p
        for p in ExplainerPage.content_panels
        if getattr(p, "relation_name", None) == "trial_citations"
    )
    assert "no longer in the body is removed" in panel.help_text


def test_a_revision_in_review_saved_before_citations_followed_the_body(team, fresh_trial):
    page = make_explainer(team["writer"])
    draft = reload(page).get_latest_revision_as_object()
    draft.trial_citations.add(ExplainerTrialCitation(nct_id="NCT07777777"))
    Page.save_revision(draft, user=team["writer"])  # Wagtail's own: no citation sync
    assert "NCT07777777" in [
        c.nct_id for c in reload(page).get_latest_revision_as_object().trial_citations.all()
    ]
    submit(page, team["writer"])
    assert "NCT07777777" not in cited_nct_ids()
    assert "NCT04000001" in cited_nct_ids()
