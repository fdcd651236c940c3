"""The explainers index's intro claimed every explainer is reviewed; say what is true.

Only the intro this project's migration 0002 wrote is changed; an intro an editor
rewrote is left as it is.
"""

from django.db import migrations

OLD_INTRO = (
    "<p>How treatments work, what they treat and what they risk, in plain words. "
    "Every explainer is researched, medically reviewed and checked against the trial "
    "registry before it is published.</p>"
)
NEW_INTRO = (
    "<p>How treatments work, what they treat and what they risk, in plain words. "
    "Our review has three stages: research, medical accuracy and a check against the "
    "trial registry. Each explainer says whether, when and by whom it was reviewed.</p>"
)


def forwards(apps, schema_editor):
    InsightsIndexPage = apps.get_model("insights", "InsightsIndexPage")
    InsightsIndexPage.objects.filter(intro=OLD_INTRO).update(intro=NEW_INTRO)


def backwards(apps, schema_editor):
    InsightsIndexPage = apps.get_model("insights", "InsightsIndexPage")
    InsightsIndexPage.objects.filter(intro=NEW_INTRO).update(intro=OLD_INTRO)


class Migration(migrations.Migration):
    dependencies = [("insights", "0007_re_review_flag")]

    operations = [migrations.RunPython(forwards, backwards)]
