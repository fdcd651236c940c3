"""Factories for the API tests: people, images, documents and explainers with every block.

Modelled on the content engineer's factories (explainers are published through a
revision, as an editor would); trials come from tests/trials/factories.py.
"""

import json

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from insights.models import ExplainerPage, ExplainerPageAuthor, InsightsIndexPage
from insights.review.records import CompletedReview, StageSignOff
from people.models import Person, Role


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_image_model()

    title = factory.Sequence(lambda n: f"Image {n}")
    description = factory.Sequence(lambda n: f"Alt text of image {n}")
    file = factory.LazyFunction(lambda: get_test_image_file(size=(240, 160)))


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_document_model()

    title = factory.Sequence(lambda n: f"Document {n}")
    file = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4 test", name="leaflet.pdf"))


class PersonFactory(factory.django.DjangoModelFactory):
    """A published person (live)."""

    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person Number{n}")
    role = Role.RESEARCH
    job_title = "Clinical Research Analyst"
    credentials = factory.Sequence(lambda n: f"MD, Oncology ({n})")
    bio = "Writes about treatments in plain words."
    live = True


def rich(text: str) -> str:
    return f"<p>{text}</p>"


def page_link(page, text="a related page") -> str:
    return f'<a linktype="page" id="{page.pk}">{text}</a>'


def document_link(document, text="the leaflet") -> str:
    return f'<a linktype="document" id="{document.pk}">{text}</a>'


def paragraph(html="<p>Plain words about a treatment.</p>") -> dict:
    return {"type": "paragraph", "value": html}


def heading(text="How it works") -> dict:
    return {"type": "heading", "value": text}


def steps_block(count=3, text="<p>Step text.</p>") -> dict:
    return {
        "type": "steps",
        "value": {
            "heading": "How it is made",
            "steps": [
                {"short_label": f"Stage {n}", "title": f"Step title {n}", "text": text}
                for n in range(1, count + 1)
            ],
        },
    }


def risk(name="Cytokine release syndrome", shows="<p>Fever.</p>") -> dict:
    return {
        "name": name,
        "severity": "serious",
        "how_it_shows": shows,
        "management": "<p>Watched in hospital.</p>",
        "frequency": "Common",
    }


def risks_block(*risks) -> dict:
    return {
        "type": "risks",
        "value": {
            "heading": "Risks",
            "intro": "<p>Know them.</p>",
            "risks": list(risks) or [risk()],
        },
    }


def definition_block(term="Antigen", html="<p>A marker a cell carries.</p>") -> dict:
    return {"type": "definition", "value": {"term": term, "definition": html}}


def callout_block(kind="key_fact", html="<p>One dose is made per patient.</p>") -> dict:
    return {"type": "callout", "value": {"kind": kind, "title": "Key fact", "text": html}}


def trial_list_block(*nct_ids) -> dict:
    return {"type": "trial_list", "value": {"heading": "Trials", "nct_ids": list(nct_ids)}}


def references_block() -> dict:
    return {
        "type": "references",
        "value": {
            "heading": "References",
            "references": [
                {
                    "citation": "Author A. A trial. Journal. 2018.",
                    "url": "",
                    "doi": "10.1056/NEJMoa1707447",
                    "pmid": "29226797",
                }
            ],
        },
    }


def disclaimer_block(kind="medical", extra="") -> dict:
    return {"type": "disclaimer", "value": {"kind": kind, "extra": extra}}


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
    body = factory.LazyFunction(default_body)

    @classmethod
    def _create(
        cls, model_class, *args, parent=None, authors=None, topics=(), publish=True, **kwargs
    ):
        if isinstance(kwargs.get("body"), list):
            kwargs["body"] = json.dumps(kwargs["body"])
        citations = kwargs.pop("citations", [])
        page = model_class(*args, live=False, **kwargs)
        if authors is None:
            authors = [PersonFactory()]
        for position, person in enumerate(authors):
            page.authors.add(ExplainerPageAuthor(person=person, sort_order=position))
        for citation in citations:
            page.trial_citations.add(citation)
        if topics:
            page.topics.add(*topics)
        (parent or insights_index()).add_child(instance=page)
        revision = page.save_revision()
        if publish:
            revision.publish()
            page.refresh_from_db()
        return page


def complete_review(page, medical, registry, research=None, when=None) -> CompletedReview:
    """Record a completed three-stage review of PAGE's live revision (as the workflow does)."""
    when = when or timezone.now()
    review = CompletedReview.objects.create(
        page=page, revision=page.live_revision, completed_at=when, is_current=True
    )
    for stage, person in ((1, research), (2, medical), (3, registry)):
        if person is not None:
            StageSignOff.objects.create(
                review=review,
                stage=stage,
                person=person,
                person_name=person.name,
                person_credentials=person.credentials,
                approved_at=when,
                comment="Checked.",
            )
    return review
