"""Close Wagtail's default grants; give Research analysts the media rights the docs promise.

- Wagtail's initial data gives the "Moderators" group add, change, publish and lock on the
  root page (every page, explainers included) and add/change/delete on the root image and
  document collections. Nobody is meant to use it: those grants are removed (the group
  stays, with admin access only, so existing memberships remain visible to an admin).
- Research analysts draft explainers: they upload and choose images and documents. Wagtail
  checks image and document rights per collection (``GroupCollectionPermission``); the
  model permissions granted by insights 0004 alone did not let them upload.

Reversing it removes the analysts' collection grants and gives nothing back to Moderators.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ANALYSTS = "Research analysts"
ANALYST_MEDIA = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
]


def _permissions(apps):
    for label in ("wagtailimages", "wagtaildocs"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Permission = apps.get_model("auth.Permission")
    return [
        Permission.objects.get(content_type__app_label=label, codename=codename)
        for label, codename in ANALYST_MEDIA
    ]


def restrict(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    Collection = apps.get_model("wagtailcore.Collection")

    GroupPagePermission.objects.filter(group__name="Moderators", page__depth=1).delete()
    GroupCollectionPermission.objects.filter(group__name="Moderators", collection__depth=1).delete()

    analysts = Group.objects.filter(name=ANALYSTS).first()
    root_collection = Collection.objects.filter(depth=1).first()
    if analysts is None or root_collection is None:
        return
    for permission in _permissions(apps):
        GroupCollectionPermission.objects.get_or_create(
            group=analysts, collection=root_collection, permission=permission
        )


def unrestrict(apps, schema_editor):
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")
    for label, codename in ANALYST_MEDIA:
        GroupCollectionPermission.objects.filter(
            group__name=ANALYSTS,
            collection__depth=1,
            permission__content_type__app_label=label,
            permission__codename=codename,
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0005_featured_explainers"),
        ("insights", "0005_registry_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]
    operations = [migrations.RunPython(restrict, unrestrict)]
