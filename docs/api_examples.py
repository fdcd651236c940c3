"""Print the example requests of docs/api.md with trimmed real responses.

Run against a database holding the demo content:

    .venv/bin/python manage.py load_demo_content
    .venv/bin/python docs/api_examples.py > /tmp/examples.md

Lists are cut to their first items and long strings shortened ("…"), so the examples
stay readable; everything shown is what the API really answers.
"""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import site_package  # noqa: F401

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site.settings.dev")

import django

django.setup()

from django.test import Client  # noqa: E402
from wagtail.models import Page  # noqa: E402

from insights.api.preview import preview_token  # noqa: E402
from insights.models import ExplainerPage  # noqa: E402
from people.models import Person  # noqa: E402
from trials.models import Trial  # noqa: E402

MAX_ITEMS = 2
MAX_STRING = 160


def trim(value, depth=0):
    if isinstance(value, dict):
        return {key: trim(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        kept = [trim(item, depth + 1) for item in value[:MAX_ITEMS]]
        if len(value) > MAX_ITEMS:
            kept.append(f"… {len(value) - MAX_ITEMS} more")
        return kept
    if isinstance(value, str) and len(value) > MAX_STRING:
        return value[: MAX_STRING - 1] + "…"
    return value


def show(client, url, headers=None):
    response = client.get(url, HTTP_ACCEPT="application/json", **(headers or {}))
    print(f"### `GET {url}` → {response.status_code}\n")
    print("```json")
    body = response.json() if response.content else None
    print(json.dumps(trim(body), indent=2, ensure_ascii=False))
    print("```\n")


def show_blocks(client, page):
    """One real block of each type found in the demo explainers' bodies."""
    seen = {}
    for explainer in ExplainerPage.objects.live().order_by("path"):
        body = client.get(f"/api/v2/pages/{explainer.pk}/?fields=_,body").json()["body"]
        for block in body:
            seen.setdefault(block["type"], (explainer.title, block))
    for block_type, (title, block) in seen.items():
        print(f"#### `{block_type}` (from “{title}”)\n")
        print("```json")
        print(json.dumps(trim(block), indent=2, ensure_ascii=False))
        print("```\n")


def main():
    client = Client()
    explainer = ExplainerPage.objects.live().filter(slug="car-t-cell-therapy").first()
    explainer = explainer or ExplainerPage.objects.live().first()
    person = Person.objects.filter(live=True).order_by("name").first()
    trial = Trial.objects.order_by("-last_update_posted").first()
    draft = ExplainerPage.objects.filter(live=False).first() or explainer
    show(client, "/api/v2/pages/?type=insights.ExplainerPage&fields=subtitle,topics&limit=2")
    show(client, f"/api/v2/pages/{explainer.pk}/")
    show_blocks(client, explainer)
    show(client, "/api/v2/pages/?type=insights.ExplainerPage&topic=oncology&search=cells")
    show(client, f"/api/v2/pages/?type=insights.ExplainerPage&cites={trial.nct_id}")
    show(client, "/api/v2/people/")
    show(client, f"/api/v2/people/{person.pk}/")
    show(client, "/api/v2/trials/?status=RECRUITING&phase=PHASE2&limit=2")
    show(client, f"/api/v2/trials/{trial.nct_id}/")
    show(client, "/api/v2/images/?limit=2")
    show(client, "/api/v2/documents/?limit=2")
    revision = Page.objects.get(pk=draft.pk).get_latest_revision()
    token = preview_token(revision)
    show(client, f"/api/v2/pages/preview/?token={token}&fields=_,title,subtitle")
    show(client, "/api/v2/trials/?updated_since=yesterday")
    show(client, "/api/v2/trials/?limit=500")
    show(client, "/api/v2/pages/?colour=red")


if __name__ == "__main__":
    main()
