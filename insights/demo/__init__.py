"""Demo explainers, loaded by ``manage.py load_demo_content`` (``insights.demo.load``).

Idempotent: an explainer whose slug already exists under the index is left alone.
Published through revisions, as an editor would.
"""

import json

from insights.models import ExplainerPage, ExplainerPageAuthor, InsightsIndexPage
from people.models import Person

from .explainers import DEMO_EXPLAINERS


def load(log) -> None:
    index_page = InsightsIndexPage.objects.order_by("path").first()
    if index_page is None:
        log("Explainers: no insights index page (run migrate first); nothing loaded.")
        return
    people = {p.name: p for p in Person.objects.all()}
    created = 0
    for data in DEMO_EXPLAINERS:
        if ExplainerPage.objects.child_of(index_page).filter(slug=data["slug"]).exists():
            continue
        page = ExplainerPage(
            title=data["title"],
            slug=data["slug"],
            subtitle=data["subtitle"],
            therapy_name=data["therapy_name"],
            body=json.dumps(data["body"]),
            summary=data["summary"],
            live=False,
        )
        for position, name in enumerate(data["authors"]):
            if name in people:
                page.authors.add(ExplainerPageAuthor(person=people[name], sort_order=position))
        page.topics.add(*data["topics"])
        index_page.add_child(instance=page)
        page.save_revision(log_action=True).publish()
        created += 1
    log(f"Explainers: {created} published, {len(DEMO_EXPLAINERS) - created} already there.")
