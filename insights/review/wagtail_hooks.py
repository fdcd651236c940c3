"""Admin hooks of the editorial review: log actions, reports, a guard on the edit view."""

import json

from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from insights.review import reports, screen, stages
from insights.review.content_checks import use_explainer_checker
from insights.review.dashboard import add_waiting_for_you_panel
from insights.review.screen.cancel import confirm_cancelling
from insights.review.screen.editor import warn_reviewer_in_editor
from insights.review.screen.feedback import label_resubmission, show_changes_requested
from insights.review.screen.unsynced import warn_about_unsynced_trials
from insights.review.screen.views import decide, refresh_from_registry

hooks.register("before_edit_page", warn_reviewer_in_editor)
hooks.register("before_edit_page", show_changes_requested)
hooks.register("construct_page_action_menu", label_resubmission)
hooks.register("construct_page_action_menu", confirm_cancelling)
hooks.register("after_create_page", warn_about_unsynced_trials)
hooks.register("after_edit_page", warn_about_unsynced_trials)
hooks.register("construct_homepage_panels", add_waiting_for_you_panel)
hooks.register("construct_wagtail_userbar", use_explainer_checker)


@hooks.register("register_log_actions")
def register_review_log_actions(actions):
    @actions.register_action("insights.review.restart")
    class ReviewRestartFormatter(LogFormatter):
        label = "Review restarted"

        def format_message(self, log_entry):
            return (log_entry.data or {}).get("reason") or "Review restarted at stage 1"

    @actions.register_action("insights.review.deleted")
    class ReviewedPageDeletedFormatter(LogFormatter):
        label = "Reviewed page deleted"

        def format_message(self, log_entry):
            return (log_entry.data or {}).get("reason") or "A reviewed page was deleted"

    @actions.register_action("insights.review.refused")
    class ReviewRefusedFormatter(LogFormatter):
        label = "Review decision refused"

        def format_message(self, log_entry):
            data = log_entry.data or {}
            task = (data.get("task") or {}).get("title", "a stage")
            decision = data.get("decision", "decision")
            return f"Refused {decision} at “{task}”: {data.get('reason', '')}"


@hooks.register("register_admin_urls")
def register_review_report_urls():
    return [
        path(
            "reports/review-queue/", reports.ReviewQueueView.as_view(), name="insights_review_queue"
        ),
        path(
            "reports/overdue-reviews/",
            reports.OverdueReviewsView.as_view(),
            name="insights_overdue_reviews",
        ),
        path(
            "reports/registry-checks/",
            reports.RegistryChecksView.as_view(),
            name="insights_registry_checks",
        ),
        path("reports/re-reviews/", reports.ReReviewsView.as_view(), name="insights_re_reviews"),
        path(
            "reports/review-queue/stage-<int:number>/",
            reports.StageQueueView.as_view(),
            name="insights_stage_queue",
        ),
        path("review/<int:page_id>/", screen.ReviewScreenView.as_view(), name="insights_review"),
        path(
            "review/<int:page_id>/refresh/",
            refresh_from_registry,
            name="insights_review_refresh",
        ),
        path(
            "review/<int:page_id>/decide/<slug:action>/",
            decide,
            name="insights_review_decide",
        ),
    ]


@hooks.register("register_reports_menu_item")
def register_review_queue_menu_item():
    return reports.ReviewReportMenuItem(
        "Review queue",
        reverse("insights_review_queue"),
        name="review-queue",
        icon_name="tasks",
        order=50,
    )


@hooks.register("register_reports_menu_item")
def register_overdue_reviews_menu_item():
    return reports.ReviewReportMenuItem(
        "Overdue reviews",
        reverse("insights_overdue_reviews"),
        name="overdue-reviews",
        icon_name="time",
        order=51,
    )


@hooks.register("register_reports_menu_item")
def register_registry_checks_menu_item():
    return reports.ReviewReportMenuItem(
        "Registry check needed",
        reverse("insights_registry_checks"),
        name="registry-checks",
        icon_name="warning",
        order=52,
    )


class StageQueueMenuItem(reports.ReviewReportMenuItem):
    """ "Queue: <stage>" in the Reports menu, for the stage's group and the report viewers."""

    def __init__(self, stage, **kwargs):
        self.stage = stage
        super().__init__(
            f"Queue: {stage.task_name}",
            reverse("insights_stage_queue", args=[stage.number]),
            name=f"stage-queue-{stage.number}",
            icon_name="tasks",
            order=54 + stage.number,
            **kwargs,
        )

    def is_shown(self, request):
        from insights.review.queues import may_open_stage_queue

        return may_open_stage_queue(request.user, self.stage)


def _register_stage_queue_menu_item(stage):
    hooks.register("register_reports_menu_item", lambda: StageQueueMenuItem(stage))


for _stage in stages.STAGES:
    _register_stage_queue_menu_item(_stage)


# Names on_action takes positionally: passed again as keywords they raise a TypeError.
RESERVED_DECISION_KEYS = frozenset({"self", "task_state", "user", "action_name"})


def decision_data_error(raw: str) -> str | None:
    """Why the editor's posted decision data (JSON) is malformed, or None if it is usable."""
    try:
        data = json.loads(raw)
    except ValueError:
        return "The review decision could not be read; nothing was changed. Please try again."
    if not isinstance(data, dict):
        return "The review decision could not be read; nothing was changed. Please try again."
    reserved = sorted(RESERVED_DECISION_KEYS & data.keys())
    if reserved:
        return (
            "The review decision could not be read (it sets "
            + ", ".join(f"“{key}”" for key in reserved)
            + ", which a decision cannot set); nothing was changed."
        )
    if not isinstance(data.get("comment", ""), str):
        return (
            "The review decision could not be read (its comment is not text); nothing was changed."
        )
    revision = data.get("revision", "")
    if revision not in ("", None) and not str(revision).isdigit():
        return (
            "The review decision could not be read (it names no valid version of the page); "
            "nothing was changed."
        )
    return None


@hooks.register("register_reports_menu_item")
def register_re_reviews_menu_item():
    return reports.ReviewReportMenuItem(
        "Re-review needed",
        reverse("insights_re_reviews"),
        name="re-reviews",
        icon_name="warning",
        order=53,
    )


@hooks.register("before_edit_page")
def refuse_malformed_workflow_action(request, page):
    """Wagtail's edit view json-decodes this field unchecked and passes it to the task as
    keyword arguments (a 500 on bad input): refuse malformed data with a 400."""
    if request.method != "POST" or not request.POST.get("action-workflow-action"):
        return None
    message = decision_data_error(request.POST.get("workflow-action-extra-data", "{}"))
    if message is not None:
        return refusal_response(request, page, message, status=400)
    message = changed_since_opened(request, page) or edited_with_the_decision(request, page)
    if message is not None:
        return refusal_response(request, page, message, status=409)
    return None


def edited_with_the_decision(request, page) -> str | None:
    """Refuse a decision posted with content changes, before Wagtail saves them.

    A decision covers the version under review only; Wagtail would save the edit first
    (restarting the review and voiding earlier approvals) and then refuse the decision.
    Editor noise (block keys, ordering) is not a change (``same_content``).
    """
    from insights.review.editing import same_content
    from insights.review.tasks import ReviewStage

    task_state = page.current_workflow_task_state
    if task_state is None or not isinstance(task_state.task.specific, ReviewStage):
        return None
    draft = page.get_latest_revision_as_object()
    form_class = draft.get_edit_handler().get_form_class()
    form = form_class(
        request.POST,
        request.FILES,
        instance=draft,
        parent_page=page.get_parent(),
        for_user=request.user,
    )
    if not form.is_valid():
        return None  # Wagtail shows the form errors and saves nothing
    candidate = form.save(commit=False)
    candidate.refresh_derived_fields()
    if same_content(candidate.serializable_data(), task_state.revision.content):
        return None
    comment = json.loads(request.POST.get("workflow-action-extra-data", "{}")).get("comment", "")
    message = (
        "You changed the page in the editor, and a decision covers only the version under "
        f"review (version {task_state.revision_id}): nothing was saved and nothing was "
        "decided. Save your changes first with “Save draft” (if anything was approved, "
        "review restarts at stage 1), or reload the page to discard them, then decide."
    )
    if comment:
        message += f" Your comment was: “{comment}”"
    return message


def changed_since_opened(request, page) -> str | None:
    """Refuse a decision from an editor opened on another version than the one in review.

    The editor posts the revision it loaded (``loaded_revision_id``) and the decision
    modal the one it showed (``revision``); both must be the revision under review, or
    the reviewer would decide on content they never saw. Checked before Wagtail saves
    anything, so the refusal changes nothing.
    """
    from insights.review.tasks import ReviewStage, page_changed_message

    task_state = page.current_workflow_task_state
    if task_state is None or not isinstance(task_state.task.specific, ReviewStage):
        return None
    data = json.loads(request.POST.get("workflow-action-extra-data", "{}"))
    for shown in (request.POST.get("loaded_revision_id"), data.get("revision")):
        if str(shown or "").isdigit() and int(shown) != task_state.revision_id:
            return page_changed_message(task_state, int(shown))
    return None


def refusal_response(request, page, message, status):
    """A refused decision from the editor: JSON for scripts, an admin page for browsers."""
    if not request.accepts("text/html"):
        return JsonResponse(
            {
                "success": False,
                "error_code": "bad_request" if status == 400 else "page_changed",
                "error_message": message,
            },
            status=status,
        )
    return TemplateResponse(
        request,
        "insights/review/bad_decision.html",
        {
            "message": message,
            "page": page,
            "edit_url": reverse("wagtailadmin_pages:edit", args=[page.pk]),
        },
        status=status,
    )
