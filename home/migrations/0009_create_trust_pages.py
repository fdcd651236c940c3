"""Create the trust pages (About, Methodology, Disclaimer, Corrections, Contact, Privacy)
under the home page, with our own starting text (home/trust_content.py).

Written against the historical models: tree paths are computed by hand (4-character
base-36 steps, as treebeard uses). A slug already taken by a page is left alone.
"""

import json
import re
import uuid

from django.db import migrations

from home.trust_content import CORRECTIONS_PAGE, TRUST_PAGES

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def _step(number: int) -> str:
    digits = ""
    while number:
        number, rem = divmod(number, len(ALPHABET))
        digits = ALPHABET[rem] + digits
    return digits.rjust(STEPLEN, "0")


def _stream(sections) -> str:
    blocks = []
    for heading, body in sections:
        if heading == "registry_freshness":
            blocks.append({"type": "registry_freshness", "value": None, "id": str(uuid.uuid4())})
        else:
            blocks.append(
                {
                    "type": "section",
                    "value": {"heading": heading, "body": body},
                    "id": str(uuid.uuid4()),
                }
            )
    return json.dumps(blocks)


def _clean_name(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")


def create_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    HomePage = apps.get_model("home.HomePage")
    TrustPage = apps.get_model("home.TrustPage")
    CorrectionsPage = apps.get_model("home.CorrectionsPage")
    CorrectionFormField = apps.get_model("home.CorrectionFormField")
    # The historical class keeps Wagtail's FormMixin, whose __init__ reads `template`.
    CorrectionsPage.template = "home/corrections_page.html"

    home = HomePage.objects.order_by("path").first()
    if home is None:
        return
    children = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
    taken = set(children.values_list("slug", flat=True))
    last = children.order_by("-path").values_list("path", flat=True).first()
    next_number = int(last[-STEPLEN:], 36) + 1 if last else 1
    trust_type, _ = ContentType.objects.get_or_create(app_label="home", model="trustpage")
    corrections_type, _ = ContentType.objects.get_or_create(
        app_label="home", model="correctionspage"
    )

    def common(spec, content_type):
        nonlocal next_number
        fields = {
            "title": spec["title"],
            "draft_title": spec["title"],
            "slug": spec["slug"],
            "content_type": content_type,
            "locale_id": home.locale_id,
            "path": home.path + _step(next_number),
            "depth": home.depth + 1,
            "numchild": 0,
            "url_path": home.url_path + spec["slug"] + "/",
            "live": True,
            "has_unpublished_changes": False,
            "intro": spec["intro"],
            "sections": _stream(spec["sections"]),
        }
        next_number += 1
        return fields

    order = ["about", "methodology", "disclaimer", "corrections", "contact", "privacy"]
    specs = {spec["slug"]: spec for spec in TRUST_PAGES}
    for slug in order:
        if slug in taken:
            continue
        if slug == "corrections":
            spec = CORRECTIONS_PAGE
            page = CorrectionsPage.objects.create(
                **common(spec, corrections_type), thank_you_text=spec["thank_you_text"]
            )
            for sort_order, (label, field_type, required, help_text) in enumerate(spec["fields"]):
                CorrectionFormField.objects.create(
                    page=page,
                    sort_order=sort_order,
                    label=label,
                    clean_name=_clean_name(label),
                    field_type=field_type,
                    required=required,
                    help_text=help_text,
                )
        else:
            TrustPage.objects.create(**common(specs[slug], trust_type))
    Page.objects.filter(pk=home.pk).update(numchild=children.count())


def remove_pages(apps, schema_editor):
    Page = apps.get_model("wagtailcore.Page")
    for model in ("TrustPage", "CorrectionsPage"):
        for page in apps.get_model("home", model).objects.all():
            parent_path = page.path[:-STEPLEN]
            page.delete()
            Page.objects.filter(path=parent_path).update(
                numchild=Page.objects.filter(
                    path__startswith=parent_path, depth=len(parent_path) // STEPLEN + 1
                ).count()
            )


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0008_trust_pages"),
        ("insights", "0002_create_insights_index"),
    ]
    operations = [migrations.RunPython(create_pages, remove_pages)]
