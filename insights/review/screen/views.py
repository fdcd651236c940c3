"""Views of the review screen and its "Refresh from registry" action."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.widgets import HeaderButton
from wagtail.models import Task, TaskState

from insights.review.checks import registry_checks
from insights.review.readability import body_readability
from insights.review.rules import approval_blockers, separation_barrier
from insights.review.screen import changes, registry
from insights.review.tasks import DecisionForm, ReviewRefused, ReviewStage

SESSION_REFRESHES = "insights_review_refreshes"


def review_url(page_id) -> str:
    return reverse("insights_review", args=[page_id])


def explainer_for(request, page_id):
    """The explainer PAGE_ID if REQUEST's user may see its review (404 / 403 otherwise)."""
    from insights.models import ExplainerPage

    page = get_object_or_404(ExplainerPage, pk=page_id)
    if not page.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return page


def review_task_state(page):
    """The open review stage of PAGE (specific task state and task), or (None, None)."""
    task_state = page.current_workflow_task_state
    if task_state is None:
        return None, None
    task = task_state.task.specific
    if not isinstance(task, ReviewStage):
        return None, None
    return task_state, task


class ReviewScreenView(WagtailAdminTemplateMixin, TemplateView):
    """A read-only review of the revision under review, with the decision bound to it."""

    template_name = "insights/admin/review/screen.html"
    header_icon = "clipboard-list"

    def setup(self, request, page_id, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.page_id = page_id

    def dispatch(self, request, *args, **kwargs):
        self.page = explainer_for(request, self.page_id)
        self.task_state, self.task = review_task_state(self.page)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return "Review"

    def get_page_subtitle(self):
        return self.page.get_admin_display_title()

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailadmin_home"), "label": "Dashboard"},
            {"url": "", "label": "Review", "sublabel": self.get_page_subtitle()},
        ]

    @property
    def header_buttons(self):
        return [
            HeaderButton(
                "Open in the editor",
                url=reverse("wagtailadmin_pages:edit", args=[self.page.pk]),
                icon_name="edit",
            )
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = self.page
        context["refresh"] = self.latest_refresh()
        context["refresh_url"] = reverse("insights_review_refresh", args=[self.page.pk])
        if self.task_state is None:
            # Not in review: the registry panel still serves the writer (latest version).
            latest = self.page.get_latest_revision()
            context["in_review"] = False
            context["cited_trials"] = registry.cited_trials(
                latest.as_object() if latest else self.page
            )
            return context
        revision = self.task_state.revision
        reviewed = revision.as_object()
        checks = (
            self.task.automatic_checks(self.task_state, reviewed)
            if self.task.is_final_stage
            else registry_checks(reviewed)
        )
        base = changes.comparison_base(self.page, revision)
        context.update(
            in_review=True,
            task_state=self.task_state,
            task=self.task,
            revision=revision,
            submitted_by=self.task_state.workflow_state.requested_by,
            stages=self.stage_progress(),
            preview_url=reverse(
                "wagtailadmin_pages:revisions_view", args=[self.page.pk, revision.pk]
            ),
            base=base,
            changes=changes.changes_between(self.page, base.revision, revision, self.request)
            if base
            else None,
            compare_url=reverse(
                "wagtailadmin_pages:revisions_compare",
                args=[self.page.pk, base.revision.pk, revision.pk],
            )
            if base
            else "",
            checks=checks,
            readability=body_readability(reviewed),
            checks_decide=self.task.is_final_stage,
            cited_trials=registry.cited_trials(reviewed),
            decisions=self.decisions(checks),
        )
        return context

    def stage_progress(self) -> list[dict]:
        """Each stage of the workflow and where it stands on the revision under review."""
        workflow_state = self.task_state.workflow_state
        decided = {
            state.task_id: state
            for state in TaskState.objects.filter(
                workflow_state=workflow_state,
                revision_id=self.task_state.revision_id,
                status=TaskState.STATUS_APPROVED,
            ).select_related("finished_by")
        }
        tasks = Task.objects.filter(
            workflow_tasks__workflow=workflow_state.workflow, active=True
        ).order_by("workflow_tasks__sort_order")
        progress = []
        for number, task in enumerate(tasks, start=1):
            approval = decided.get(task.pk)
            if task.pk == self.task_state.task_id:
                status = "in review"
            elif approval:
                status = "approved"
            else:
                status = "to come"
            progress.append(
                {"number": number, "name": task.name, "status": status, "approval": approval}
            )
        return progress

    def decisions(self, checks) -> dict:
        """The decision forms the user is offered, and why an approval is not."""
        user = self.request.user
        offered = {name: label for name, label, _modal in self.task.get_actions(self.page, user)}
        forms = []
        for action in ("approve", "reject"):
            if action not in offered:
                continue
            blockers = (
                approval_blockers(self.task, self.task_state, user, checks)
                if action == "approve"
                else []
            )
            forms.append(
                {
                    "action": action,
                    "label": offered[action],
                    "blockers": blockers,
                    "form": DecisionForm(
                        initial={"revision": self.task_state.revision_id},
                        # Wagtail's view reads the fields unprefixed: only the ids differ.
                        auto_id=f"id_{action}_%s",
                    ),
                    "submit_url": reverse("insights_review_decide", args=[self.page.pk, action]),
                }
            )
        in_group = self.task.user_in_stage_group(user)
        return {
            "forms": forms,
            "in_group": in_group,
            "group_name": self.task.stage.group_name,
            "barrier": separation_barrier(self.task_state, user)
            if in_group and "approve" not in offered
            else None,
        }

    def latest_refresh(self):
        queued = self.request.session.get(SESSION_REFRESHES, {}).get(str(self.page.pk))
        return registry.refresh_result(queued) if queued else None


@require_POST
def refresh_from_registry(request, page_id):
    """Queue ``sync_trials --ids`` for the trials the revision under review cites."""
    page = explainer_for(request, page_id)
    task_state, _task = review_task_state(page)
    revision = task_state.revision if task_state else page.get_latest_revision()
    reviewed = revision.as_object() if revision else page
    nct_ids = sorted({c.nct_id for c in reviewed.trial_citations.all()})
    if not nct_ids:
        messages.error(request, "This version cites no trials: there is nothing to refresh.")
        return redirect(review_url(page.pk))
    task_id = registry.queue_refresh(nct_ids)
    refreshes = request.session.get(SESSION_REFRESHES, {})
    refreshes[str(page.pk)] = task_id
    request.session[SESSION_REFRESHES] = refreshes
    messages.success(
        request,
        f"Refresh from registry queued for {', '.join(nct_ids)}: the result appears in the "
        "registry panel when the worker has run it.",
    )
    return redirect(review_url(page.pk) + "#registry")


@require_POST
def decide(request, page_id, action):
    """Take the decision posted from the review screen, through the task's own rules.

    Wagtail's workflow-action view would turn a refusal into a bare "no permission"
    redirect; here the reviewer comes back to the review screen with the reason.
    """
    page = explainer_for(request, page_id)
    back = redirect(review_url(page.pk) + "#decision")
    task_state, task = review_task_state(page)
    if task_state is None:
        messages.error(request, "This page is no longer in review: nothing was decided.")
        return back
    offered = {name for name, _label, _modal in task.get_actions(page, request.user)}
    if action not in offered:
        messages.error(
            request,
            f"“{action}” is not a decision you can take at “{task.name}”: nothing was decided.",
        )
        return back
    form = DecisionForm(request.POST)
    if not form.is_valid():
        errors = [e for name in ("comment", "revision") for e in form.errors.get(name, [])]
        messages.error(request, " ".join(errors) + " Nothing was decided.")
        return back
    try:
        task.on_action(task_state, request.user, action, **form.cleaned_data)
    except ReviewRefused as refusal:
        messages.error(request, str(refusal))
        return back
    page.refresh_from_db()
    if action == "reject":
        outcome = "Changes requested: the writer is told, with your comment."
    elif page.live and not page.has_unpublished_changes:
        outcome = "Approved: the review is complete and the page is published."
    else:
        now = page.current_workflow_task_state
        outcome = f"Approved: the page moves to “{now.task.name}”." if now else "Approved."
    messages.success(request, f"{task.name}, version {task_state.revision_id}. {outcome}")
    return redirect(review_url(page.pk))
