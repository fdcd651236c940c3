"""Set up the editorial review: groups, their permissions, the three tasks and the workflow.

A fresh ``migrate`` gives a working review with no admin clicking:
- groups "Research analysts", "Medical reviewers", "Registry verifiers", "Editors" (Wagtail
  creates "Editors"; it is re-used) may use the admin and add/change pages under the
  insights index; Editors also manage people and see the review reports;
- nobody but superusers may publish explainers: every publish grant on the index or its
  ancestors is removed (in a fresh install, Wagtail's "Moderators" publish on the root),
  and Wagtail's default "Moderators approval" workflow is deactivated (its approvers could
  no longer publish); Editors' site-wide page grants move to the insights index;
- workflow "Editorial review" with tasks "Primary research", "Medical accuracy review",
  "Registry verification", assigned to the insights index (its whole subtree).

Idempotent; reversing it removes nothing (the groups and history may be in use).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WORKFLOW_NAME = "Editorial review"
EDITORS = "Editors"
STAGES = [
    ("primaryresearchtask", "Primary research", "Research analysts"),
    ("medicalaccuracytask", "Medical accuracy review", "Medical reviewers"),
    ("registryverificationtask", "Registry verification", "Registry verifiers"),
]
GROUPS = [group for _model, _task, group in STAGES] + [EDITORS]
STEPLEN = 4


def _ensure_permissions(apps, *app_labels):
    """Permissions are normally created after all migrations; this migration needs them now."""
    for label in app_labels:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None


def _perm(apps, app_label, codename):
    Permission = apps.get_model("auth.Permission")
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()


def set_up_review(apps, schema_editor):
    _ensure_permissions(apps, "wagtailcore", "people", "insights", "wagtailimages")
    ContentType = apps.get_model("contenttypes.ContentType")
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    WorkflowContentType = apps.get_model("wagtailcore.WorkflowContentType")
    Task = apps.get_model("wagtailcore.Task")
    InsightsIndexPage = apps.get_model("insights.InsightsIndexPage")

    groups = {name: Group.objects.get_or_create(name=name)[0] for name in GROUPS}
    access_admin = _perm(apps, "wagtailadmin", "access_admin")
    for group in groups.values():
        group.permissions.add(access_admin)

    # Editors manage people and see the review reports. Wagtail declares the draft and
    # lock permissions of snippets on the live model only, so they are created here.
    Permission = apps.get_model("auth.Permission")
    person_type, _ = ContentType.objects.get_or_create(app_label="people", model="person")
    editor_perms = [
        Permission.objects.get_or_create(
            content_type=person_type,
            codename=f"{action}_person",
            defaults={"name": f"Can {action} person"},
        )[0]
        for action in ("add", "change", "delete", "publish", "lock", "unlock", "view")
    ] + [_perm(apps, "insights", "view_review_reports")]
    groups[EDITORS].permissions.add(*[p for p in editor_perms if p is not None])
    # Analysts draft explainers too: they choose and upload hero images.
    analyst_perms = [_perm(apps, "wagtailimages", c) for c in ("add_image", "choose_image")]
    groups["Research analysts"].permissions.add(*[p for p in analyst_perms if p is not None])

    index = InsightsIndexPage.objects.filter(slug="insights").order_by("path").first()
    if index is None:
        return
    ancestor_paths = [index.path[:end] for end in range(STEPLEN, len(index.path) + 1, STEPLEN)]
    subtree_and_ancestors = Page.objects.filter(path__in=ancestor_paths) | Page.objects.filter(
        path__startswith=index.path
    )

    # Nobody but superusers publishes explainers: no publish grant may reach the subtree.
    GroupPagePermission.objects.filter(
        page__in=subtree_and_ancestors, permission__codename="publish_page"
    ).delete()
    # Editors' site-wide grants (Wagtail's initial data) narrow to the insights index.
    GroupPagePermission.objects.filter(group=groups[EDITORS], page__depth=1).delete()
    for codename in ("add_page", "change_page"):
        permission = _perm(apps, "wagtailcore", codename)
        for group in groups.values():
            GroupPagePermission.objects.get_or_create(
                group=group, page_id=index.pk, permission=permission
            )

    # The three stages and the workflow.
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    for order, (model_name, task_name, group_name) in enumerate(STAGES):
        TaskModel = apps.get_model("insights", model_name)
        content_type, _ = ContentType.objects.get_or_create(app_label="insights", model=model_name)
        task = TaskModel.objects.filter(name=task_name).first()
        if task is None:
            task = TaskModel.objects.create(name=task_name, content_type=content_type, active=True)
        task.groups.set([groups[group_name]])
        WorkflowTask.objects.update_or_create(
            workflow=workflow, task_id=task.pk, defaults={"sort_order": order}
        )
    WorkflowPage.objects.update_or_create(page_id=index.pk, defaults={"workflow": workflow})

    # Wagtail's default workflow: its approvers would need publish permission.
    for default in Workflow.objects.filter(name="Moderators approval", active=True):
        WorkflowPage.objects.filter(workflow=default).delete()
        WorkflowContentType.objects.filter(workflow=default).delete()
        Task.objects.filter(workflow_tasks__workflow=default, name="Moderators approval").update(
            active=False
        )
        default.active = False
        default.save(update_fields=["active"])


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0003_review_models"),
        ("people", "0001_initial"),
        ("home", "0002_create_homepage"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(set_up_review, migrations.RunPython.noop)]
