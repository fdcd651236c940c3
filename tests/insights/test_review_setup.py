"""What a fresh ``migrate`` sets up for the editorial review (contract names included)."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupApprovalTask, GroupPagePermission, Workflow, WorkflowPage

from insights.models import (
    InsightsIndexPage,
    MedicalAccuracyTask,
    PrimaryResearchTask,
    RegistryVerificationTask,
)
from tests.insights.review_support import make_explainer, make_user

pytestmark = pytest.mark.django_db


def test_groups_and_their_permissions():
    index = InsightsIndexPage.objects.get(slug="insights")
    for name in ("Research analysts", "Medical reviewers", "Registry verifiers", "Editors"):
        group = Group.objects.get(name=name)
        assert group.permissions.filter(codename="access_admin").exists()
        grants = set(
            GroupPagePermission.objects.filter(group=group).values_list(
                "page_id", "permission__codename"
            )
        )
        assert grants == {(index.pk, "add_page"), (index.pk, "change_page")}, name
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert {"add_person", "change_person", "delete_person", "publish_person"} <= editors
    assert "view_review_reports" in editors
    for name in ("Research analysts", "Medical reviewers", "Registry verifiers"):
        perms = Group.objects.get(name=name).permissions
        assert not perms.filter(codename__in=["change_person", "view_review_reports"]).exists()


def test_editorial_review_workflow_is_assigned_to_the_insights_subtree():
    workflow = Workflow.objects.get(name="Editorial review")
    assert workflow.active
    tasks = [t.specific for t in workflow.tasks]
    assert [(type(t), t.name) for t in tasks] == [
        (PrimaryResearchTask, "Primary research"),
        (MedicalAccuracyTask, "Medical accuracy review"),
        (RegistryVerificationTask, "Registry verification"),
    ]
    assert all(isinstance(t, GroupApprovalTask) for t in tasks)
    assert [[g.name for g in t.groups.all()] for t in tasks] == [
        ["Research analysts"],
        ["Medical reviewers"],
        ["Registry verifiers"],
    ]
    index = InsightsIndexPage.objects.get(slug="insights")
    assert WorkflowPage.objects.get(page=index).workflow == workflow
    page = make_explainer(make_user("someone", "Editors"))
    assert page.get_workflow() == workflow
    default = Workflow.objects.get(name="Moderators approval")
    assert not default.active and not default.workflow_pages.exists()
