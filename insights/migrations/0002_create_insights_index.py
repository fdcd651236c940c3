"""Create the one "Treatment explainers" index (slug "insights") under the home page.

Written against the historical models, so treebeard's helpers are not available:
the path is computed by hand (4-character base-36 steps, as treebeard uses).
"""

from django.db import migrations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def _step(number: int) -> str:
    digits = ""
    while number:
        number, rem = divmod(number, len(ALPHABET))
        digits = ALPHABET[rem] + digits
    return digits.rjust(STEPLEN, "0")


def create_index(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    HomePage = apps.get_model("home.HomePage")
    InsightsIndexPage = apps.get_model("insights.InsightsIndexPage")

    home = HomePage.objects.order_by("path").first()
    if home is None or InsightsIndexPage.objects.exists():
        return
    children = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
    last = children.order_by("-path").values_list("path", flat=True).first()
    next_number = int(last[-STEPLEN:], 36) + 1 if last else 1
    if children.filter(slug="insights").exists():
        return
    content_type, _ = ContentType.objects.get_or_create(
        app_label="insights", model="insightsindexpage"
    )
    InsightsIndexPage.objects.create(
        title="Treatment explainers",
        draft_title="Treatment explainers",
        slug="insights",
        content_type=content_type,
        locale_id=home.locale_id,
        path=home.path + _step(next_number),
        depth=home.depth + 1,
        numchild=0,
        url_path=home.url_path + "insights/",
        live=True,
        has_unpublished_changes=False,
        intro="<p>How treatments work, what they treat and what they risk, in plain words. "
        "Every explainer is researched, medically reviewed and checked against the trial "
        "registry before it is published.</p>",
    )
    Page.objects.filter(pk=home.pk).update(numchild=children.count())


def remove_index(apps, schema_editor):
    InsightsIndexPage = apps.get_model("insights.InsightsIndexPage")
    Page = apps.get_model("wagtailcore.Page")
    for index_page in InsightsIndexPage.objects.filter(slug="insights"):
        parent_path = index_page.path[:-STEPLEN]
        index_page.delete()
        Page.objects.filter(path=parent_path).update(
            numchild=Page.objects.filter(
                path__startswith=parent_path, depth=len(parent_path) // STEPLEN + 1
            ).count()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0001_initial"),
        ("home", "0002_create_homepage"),
    ]
    operations = [migrations.RunPython(create_index, remove_index)]
