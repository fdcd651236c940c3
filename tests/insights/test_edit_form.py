"""The explainer edit form does not mistake the rich text editor's blank output for an edit.

The real round trip (an approval from the page editor in Chromium) is covered by
tests/insights/test_workflow_browser.py; these pin down what counts as blank.
"""

import pytest

from insights.models.explainer import is_blank_rich_text


@pytest.mark.parametrize(
    "value", [None, "", '<p data-block-key="q7o6g"></p>', "<p> </p><p><br/></p>"]
)
def test_blank_rich_text(value):
    assert is_blank_rich_text(value)


@pytest.mark.parametrize(
    "value",
    [
        "<p>CAR-T in one sentence.</p>",
        '<p><embed embedtype="image" id="1" format="left" alt="x"/></p>',
        '<p><img src="/x.png" alt=""></p>',
    ],
)
def test_rich_text_with_words_or_media_is_not_blank(value):
    assert not is_blank_rich_text(value)
