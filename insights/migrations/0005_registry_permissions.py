"""Give the editorial groups what they need of the registry data.

Every editorial group may view trials and sync runs (the registry verifier checks citations
against them; everyone sees whether the data is fresh). Editors also maintain the saved
registry queries that decide what the daily sync fetches. Trials stay read-only for all.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEWERS = ["Research analysts", "Medical reviewers", "Registry verifiers", "Editors"]
VIEW = ["view_trial", "view_trialsyncrun", "view_trialquery"]
EDITORS_ALSO = ["add_trialquery", "change_trialquery", "delete_trialquery"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("trials")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    trials_perms = Permission.objects.filter(content_type__app_label="trials")
    for group in Group.objects.filter(name__in=VIEWERS):
        group.permissions.add(*trials_perms.filter(codename__in=VIEW))
    for group in Group.objects.filter(name="Editors"):
        group.permissions.add(*trials_perms.filter(codename__in=EDITORS_ALSO))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    perms = Permission.objects.filter(
        content_type__app_label="trials", codename__in=VIEW + EDITORS_ALSO
    )
    for group in Group.objects.filter(name__in=VIEWERS):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0004_editorial_review_setup"),
        ("trials", "0005_listing_indexes"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
