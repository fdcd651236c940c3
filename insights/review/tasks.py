"""The three review stages as Wagtail task types, each a subclass of GroupApprovalTask.

Every rule lives here, in the task, because Wagtail asks the task wherever a decision
can be made: the page editor's action menu and its POST, the dashboard's "Awaiting your
review" panel and its workflow-action view, the preview-for-task view. ``get_actions``
decides what a user is offered; ``on_action`` re-checks everything under a row lock
before it changes anything, so a forged or stale POST is refused with no change of state.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import GroupApprovalTask, Page, Task, TaskState, WorkflowState

from insights.review import stages
from insights.review.checks import CheckResult, publishability_checks, registry_checks
from insights.review.rules import approval_blockers, separation_barrier

DECISION_TEMPLATE = "insights/review/decision_modal.html"


class ReviewRefused(PermissionDenied):
    """A review decision the rules refuse. The message says why, in the reviewer's words."""


class ReviewTaskState(TaskState):
    """The state of one review stage on one revision.

    Keeps the automatic checks as they stood when the reviewer decided (an audit trail
    for "what did the registry say when this was verified"). Being its own class also
    means Wagtail's generic group-approval e-mails (connected for ``TaskState`` only)
    leave these stages alone: ``insights.review.notifications`` sends exactly one
    e-mail per reviewer instead.
    """

    checks = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "review stage state"
        verbose_name_plural = "review stage states"


PAGE_CHANGED_MESSAGE = "This page changed since you opened it"


class DecisionForm(forms.Form):
    """What every review decision carries: a comment, and the version the reviewer saw.

    ``revision`` is the id of the revision the decision screen showed (a hidden field the
    template fills in); a decision on a page that changed since is refused.
    """

    revision = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": "This decision does not say which version of the page you reviewed. "
            "Reload the page and decide again.",
            "invalid": "This decision does not say which version of the page you reviewed. "
            "Reload the page and decide again.",
        },
    )
    comment = forms.CharField(
        label="Comment",
        widget=forms.Textarea({"rows": 4}),
        max_length=5000,
        error_messages={
            "required": "Every decision needs a comment: say what you checked, or what must change."
        },
    )


class ReviewStage:
    """Rules shared by the three stages; mixed into each GroupApprovalTask subclass.

    - Only members of the stage's group decide it (superusers too only as members:
      their override is publishing directly, which the review record does not hide).
    - Separation of duties: the submitter, the last editor of the revision and anyone
      who approved another stage of it are not offered "approve" and are refused on POST.
    - An approval needs a linked Person and passing automatic checks.
    - A stage only starts once every earlier stage approved the revision under review;
      otherwise review restarts at the earliest unapproved stage (stage 1 after an edit).
    """

    stage: stages.Stage
    task_state_class = ReviewTaskState

    # Who ------------------------------------------------------------------------------

    def user_in_stage_group(self, user) -> bool:
        return bool(user and user.is_authenticated and user.is_active) and self._user_in_groups(
            user
        )

    def user_can_access_editor(self, obj, user):
        return self.user_in_stage_group(user)

    def locked_for_user(self, obj, user):
        return not (user.is_superuser or self.user_in_stage_group(user))

    def get_task_states_user_can_moderate(self, user, **kwargs):
        if self.user_in_stage_group(user):
            return self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)
        return TaskState.objects.none()

    @property
    def is_final_stage(self) -> bool:
        return self.stage.number == len(stages.STAGES)

    @property
    def approve_label(self) -> str:
        return "Approve and publish" if self.is_final_stage else "Approve"

    def open_task_state(self, obj):
        """This stage's in-progress state on OBJ's in-progress review, or None."""
        return (
            ReviewTaskState.objects.filter(
                task_id=self.pk,
                status=TaskState.STATUS_IN_PROGRESS,
                workflow_state__status=WorkflowState.STATUS_IN_PROGRESS,
                workflow_state__base_content_type=obj.get_base_content_type(),
                workflow_state__object_id=str(obj.pk),
            )
            .select_related("workflow_state", "revision")
            .defer("revision__content")
            .first()
        )

    def get_actions(self, obj, user):
        if not self.user_in_stage_group(user):
            return []
        task_state = self.open_task_state(obj)
        if task_state is None:
            return []
        actions = [("reject", _("Request changes"), True)]
        if separation_barrier(task_state, user) is None:
            actions.append(("approve", self.approve_label, True))
        return actions

    def get_form_for_action(self, action):
        if action in ("approve", "reject"):
            return DecisionForm
        return super().get_form_for_action(action)

    def get_template_for_action(self, action):
        return DECISION_TEMPLATE

    # Checks -----------------------------------------------------------------------------

    def automatic_checks(self, task_state, page=None) -> list[CheckResult]:
        """Checks run on the revision under review; the final stage checks publishing too.

        PAGE: the revision's object if the caller built it already (building one costs a
        query per child object).
        """
        if not self.is_final_stage:
            return []
        page = page or task_state.revision.as_object()
        return [*self.stage_checks(page), *publishability_checks(page)]

    def stage_checks(self, page) -> list[CheckResult]:
        return []

    # Starting ---------------------------------------------------------------------------

    def start(self, workflow_state, user=None):
        earliest = self.earliest_unapproved_stage(workflow_state)
        if earliest is not None and earliest.pk != self.pk:
            log(
                instance=workflow_state.content_object.specific,
                action="insights.review.restart",
                user=user,
                revision=workflow_state.content_object.get_latest_revision(),
                data={
                    "reason": (
                        f"“{earliest.name}” has not approved this revision, so review "
                        f"restarts there instead of at “{self.name}”."
                    ),
                    "restarted_at": earliest.name,
                },
            )
            return earliest.start(workflow_state, user=user)
        return super().start(workflow_state, user=user)

    def earliest_unapproved_stage(self, workflow_state):
        """The first stage up to this one without an approval of the latest revision."""
        revision_id = workflow_state.content_object.latest_revision_id
        approved = set(
            TaskState.objects.filter(
                workflow_state=workflow_state,
                revision_id=revision_id,
                status=TaskState.STATUS_APPROVED,
            ).values_list("task_id", flat=True)
        )
        tasks = (
            Task.objects.filter(workflow_tasks__workflow=workflow_state.workflow, active=True)
            .order_by("workflow_tasks__sort_order")
            .specific()
        )
        for task in tasks:
            if task.pk == self.pk:
                return None
            if task.pk not in approved:
                return task
        return None

    # Deciding ---------------------------------------------------------------------------

    def on_action(self, task_state, user, action_name, **kwargs):
        # ``revision``: the version the decision screen showed. Admin paths always send it
        # (the form requires it); a caller in the shell deciding on the current version
        # may leave it out.
        shown = kwargs.get("revision")
        try:
            with transaction.atomic():
                locked = self._lock(task_state)
                form = DecisionForm(
                    data={
                        "comment": kwargs.get("comment", ""),
                        "revision": locked.revision_id if shown in (None, "") else shown,
                    }
                )
                self._refuse_if_not_open(locked, user, action_name, form)
                self._refuse_if_changed_since_shown(locked, form.cleaned_data["revision"])
                comment = form.cleaned_data["comment"]
                if action_name == "reject":
                    locked.reject(user=user, comment=comment)
                    return None
                checks = self.automatic_checks(locked)
                blockers = approval_blockers(self, locked, user, checks)
                if blockers:
                    raise ReviewRefused(" ".join(blockers))
                locked.checks = [check.as_dict() for check in checks]
                locked.save(update_fields=["checks"])
                locked.approve(user=user, comment=comment)
                return None
        except ReviewRefused as refusal:
            self._log_refusal(task_state, user, action_name, str(refusal))
            raise

    def _lock(self, task_state):
        try:
            return ReviewTaskState.objects.select_for_update().get(pk=task_state.pk)
        except ReviewTaskState.DoesNotExist:
            raise ReviewRefused("This is not a step of the editorial review.") from None

    def _refuse_if_not_open(self, task_state, user, action_name, form):
        if action_name not in ("approve", "reject"):
            raise ReviewRefused(f"“{action_name}” is not a review decision.")
        if task_state.task_id != self.pk:
            raise ReviewRefused("This review step belongs to another stage.")
        if not self.user_in_stage_group(user):
            raise ReviewRefused(f"Only members of “{self.stage.group_name}” can decide this stage.")
        if task_state.status != TaskState.STATUS_IN_PROGRESS:
            status = task_state.get_status_display().lower()
            raise ReviewRefused(f"This review step is no longer open (it was {status}).")
        workflow_state = task_state.workflow_state
        if (
            workflow_state.status != WorkflowState.STATUS_IN_PROGRESS
            or workflow_state.current_task_state_id != task_state.pk
        ):
            raise ReviewRefused("This review step is no longer the page's current step.")
        latest_revision_id = (
            Page.objects.filter(pk=workflow_state.object_id)
            .values_list("latest_revision_id", flat=True)
            .first()
        )
        if task_state.revision_id != latest_revision_id:
            raise ReviewRefused(
                "The page was edited after this step started; decide on the latest version."
            )
        if not form.is_valid():
            errors = [e for field in ("comment", "revision") for e in form.errors.get(field, [])]
            raise ReviewRefused(" ".join(errors or ["Invalid decision."]))

    def _refuse_if_changed_since_shown(self, task_state, shown_revision_id):
        if shown_revision_id == task_state.revision_id:
            return
        raise ReviewRefused(page_changed_message(task_state, shown_revision_id))

    def _log_refusal(self, task_state, user, action_name, reason):
        page = Page.objects.filter(pk=task_state.workflow_state.object_id).first()
        if page is None:
            return
        log(
            instance=page.specific,
            action="insights.review.refused",
            user=user,
            data={
                "task": {"id": self.pk, "title": self.name},
                "task_state_id": task_state.pk,
                "decision": action_name,
                "reason": reason,
            },
        )


def page_changed_message(task_state, shown_revision_id) -> str:
    """The refusal of a decision taken on SHOWN_REVISION_ID, with a link to the changes."""
    from django.urls import reverse
    from wagtail.models import Revision

    page_id = task_state.workflow_state.object_id
    message = (
        f"{PAGE_CHANGED_MESSAGE}: you were shown version {shown_revision_id}, and the "
        f"review is now on version {task_state.revision_id}. Nothing was decided."
    )
    if Revision.objects.filter(pk=shown_revision_id, object_id=str(page_id)).exists():
        compare = reverse(
            "wagtailadmin_pages:revisions_compare",
            args=[page_id, shown_revision_id, task_state.revision_id],
        )
        message += f" See what changed: {compare} — then reload the page and decide again."
    else:
        message += " Reload the page and decide again."
    return message


class PrimaryResearchTask(ReviewStage, GroupApprovalTask):
    """Stage 1: a research analyst checks the sources and the research."""

    stage = stages.PRIMARY_RESEARCH

    @classmethod
    def get_description(cls):
        return "Stage 1 of the editorial review: research analysts check the primary research."

    class Meta:
        verbose_name = "primary research task"


class MedicalAccuracyTask(ReviewStage, GroupApprovalTask):
    """Stage 2: a medical reviewer checks clinical accuracy."""

    stage = stages.MEDICAL_ACCURACY

    @classmethod
    def get_description(cls):
        return "Stage 2 of the editorial review: medical reviewers check clinical accuracy."

    class Meta:
        verbose_name = "medical accuracy task"


class RegistryVerificationTask(ReviewStage, GroupApprovalTask):
    """Stage 3: a registry verifier checks every cited trial; approval publishes the page."""

    stage = stages.REGISTRY_VERIFICATION

    def stage_checks(self, page) -> list[CheckResult]:
        return registry_checks(page)

    @classmethod
    def get_description(cls):
        return (
            "Stage 3 of the editorial review: registry verifiers check every cited trial "
            "against the registry; their approval publishes the page."
        )

    class Meta:
        verbose_name = "registry verification task"
