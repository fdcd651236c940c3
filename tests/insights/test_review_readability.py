"""Readability on the review screen: reading grade and Flesch reading ease of the body."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.rich_text import RichText

from insights.review.readability import readability_of
from tests.insights import review_support
from tests.insights.review_support import make_explainer, reload, submit

team, fresh_trial = review_support.team, review_support.fresh_trial

PLAIN = (
    "CAR-T cell therapy uses your own blood cells. A lab changes them so they can find "
    "cancer. Then a nurse puts them back in your arm. Most people stay in the hospital "
    "for two weeks. You may feel sick for a few days. Your team will watch you closely."
)
HARD = (
    "Chimeric antigen receptor T-cell immunotherapy constitutes a personalised therapeutic "
    "modality whereby autologous lymphocytes, genetically reprogrammed ex vivo utilising "
    "lentiviral vectorisation, subsequently demonstrate antigen-specific cytotoxicity "
    "against malignant haematological populations, notwithstanding considerable "
    "immunological toxicities necessitating intensive multidisciplinary surveillance."
)


def test_plain_text_meets_the_default_target_and_hard_text_does_not():
    plain, hard = readability_of(PLAIN), readability_of(HARD)
    assert plain.target == 9
    assert plain.grade < 9 and not plain.over_target
    assert plain.flesch > 60
    assert hard.grade > 9 and hard.over_target
    assert hard.flesch < plain.flesch
    assert "Harder than the target" in hard.message
    assert "Harder than the target" not in plain.message


def test_the_target_comes_from_the_setting(settings):
    settings.EXPLAINER_READING_GRADE_MAX = 3
    plain = readability_of(PLAIN)
    assert plain.target == 3
    assert plain.over_target == (plain.grade > 3)
    assert "target: 3 or below" in plain.message


def test_too_short_a_text_is_not_measured():
    short = readability_of("Short text.")
    assert not short.measured and not short.over_target
    assert "Too short to measure (2 words" in short.message


@pytest.mark.django_db
@pytest.mark.parametrize("text, over", [(PLAIN, "false"), (HARD, "true")], ids=["plain", "hard"])
def test_the_review_screen_shows_the_figures_as_a_warning(client, team, fresh_trial, text, over):
    page = make_explainer(team["writer"])
    draft = reload(page).get_latest_revision_as_object()
    draft.body[0].value = RichText(f'<p data-block-key="k1">{text} See NCT04000001.</p>')
    draft.save_revision(user=team["writer"])
    submit(page, team["writer"])
    client.force_login(team["analyst"])
    soup = BeautifulSoup(
        client.get(reverse("insights_review", args=[page.pk])).content.decode(), "html.parser"
    )
    item = soup.select_one("[data-check-readability]")
    assert item["data-readability-over"] == over
    assert "Reading grade" in item.get_text() and "Flesch reading ease" in item.get_text()
    # A warning only: approving stays possible.
    assert soup.select_one('[data-review-decision="approve"] form')
