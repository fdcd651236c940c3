"""Factories and raw block builders for explainers.

Block builders return the raw JSON a StreamField stores, so tests read like content.
``ExplainerPageFactory`` adds the page under the insights index (created by migration)
and publishes it through a revision unless ``publish=False``.
"""

import json

import factory
from django.utils.text import slugify

from insights.models import ExplainerPage, ExplainerPageAuthor, InsightsIndexPage
from tests.people.factories import PersonFactory


def paragraph(text="Plain words about a treatment.") -> dict:
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def heading(text) -> dict:
    return {"type": "heading", "value": text}


def step(n: int) -> dict:
    return {"short_label": f"Stage {n}", "title": f"Step title {n}", "text": f"<p>Step {n}.</p>"}


def steps_block(count=3, heading_text="How it is made") -> dict:
    return {
        "type": "steps",
        "value": {"heading": heading_text, "steps": [step(n) for n in range(1, count + 1)]},
    }


def risk(name="Cytokine release syndrome", management="<p>Watched in hospital.</p>") -> dict:
    return {
        "name": name,
        "severity": "serious",
        "how_it_shows": "<p>Fever and low blood pressure.</p>",
        "management": management,
        "frequency": "Common",
    }


def risks_block(*risks) -> dict:
    return {
        "type": "risks",
        "value": {"heading": "Risks", "intro": "", "risks": list(risks) or [risk()]},
    }


def disclaimer_block(kind="medical", extra="") -> dict:
    return {"type": "disclaimer", "value": {"kind": kind, "extra": extra}}


def trial_list_block(*nct_ids) -> dict:
    return {"type": "trial_list", "value": {"heading": "Trials", "nct_ids": list(nct_ids)}}


def default_body() -> list[dict]:
    return [paragraph(), steps_block(2), risks_block(), disclaimer_block()]


def insights_index() -> InsightsIndexPage:
    return InsightsIndexPage.objects.order_by("path").first()


class ExplainerPageFactory(factory.Factory):
    """An explainer under the insights index; published via a revision by default."""

    class Meta:
        model = ExplainerPage

    title = factory.Sequence(lambda n: f"Treatment explainer {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    subtitle = "How the treatment works, in plain words."
    summary = "<p>The short version of it.</p>"
    body = factory.LazyFunction(lambda: json.dumps(default_body()))

    @classmethod
    def _create(
        cls, model_class, *args, parent=None, authors=None, topics=(), publish=True, **kwargs
    ):
        if isinstance(kwargs.get("body"), list):
            kwargs["body"] = json.dumps(kwargs["body"])
        page = model_class(*args, live=False, **kwargs)
        if authors is None:
            authors = [PersonFactory()]
        for position, person in enumerate(authors):
            page.authors.add(ExplainerPageAuthor(person=person, sort_order=position))
        if topics:
            page.topics.add(*topics)
        (parent or insights_index()).add_child(instance=page)
        revision = page.save_revision()
        if publish:
            revision.publish()
            page.refresh_from_db()
        return page

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        for key in ("parent", "authors", "topics", "publish"):
            kwargs.pop(key, None)
        return model_class(*args, **kwargs)
