"""Admin hooks of the editorial review: log actions, reports, a guard on the edit view."""

import json

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from insights.review import reports


@hooks.register("register_log_actions")
def register_review_log_actions(actions):
    @actions.register_action("insights.review.restart")
    class ReviewRestartFormatter(LogFormatter):
        label = "Review restarted"

        def format_message(self, log_entry):
            return (log_entry.data or {}).get("reason") or "Review restarted at stage 1"

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


@hooks.register("before_edit_page")
def refuse_malformed_workflow_action(request, page):
    """Wagtail's edit view json-decodes this field unchecked (a 500 on bad input): refuse it."""
    if request.method != "POST" or not request.POST.get("action-workflow-action"):
        return None
    raw = request.POST.get("workflow-action-extra-data", "{}")
    try:
        valid = isinstance(json.loads(raw), dict)
    except ValueError:
        valid = False
    if valid:
        return None
    message = "The review decision could not be read; nothing was changed. Please try again."
    if not request.accepts("text/html"):
        return JsonResponse(
            {"success": False, "error_code": "bad_request", "error_message": message}, status=400
        )
    messages.error(request, message)
    return redirect("wagtailadmin_pages:edit", page.pk)
