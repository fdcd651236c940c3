"""Review queues and reports in the admin (Reports menu; permission "view_review_reports").

- Review queue: explainers waiting at each stage, with how long they have waited.
- Overdue reviews: live explainers whose next review date has passed (or never reviewed).
- Registry check needed: live explainers citing a trial whose registry entry changed.
- Re-review needed: explainers whose images or documents changed after review.

Each view costs a fixed number of queries whatever the number of pages listed.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.models import WorkflowState

from insights.review import stages

REPORT_PERMISSION = "insights.view_review_reports"


def can_view_review_reports(user) -> bool:
    return user.is_active and user.has_perm(REPORT_PERMISSION)


class ReviewReportMenuItem(MenuItem):
    """A Reports menu entry shown to users who may see the review reports."""

    def is_shown(self, request):
        return can_view_review_reports(request.user)


class ReviewReportView(WagtailAdminTemplateMixin, TemplateView):
    """Base of the review reports: permission check and admin furniture."""

    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not can_view_review_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]


def _days(delta: dt.timedelta) -> int:
    return max(0, delta.days)


class ReviewQueueView(ReviewReportView):
    """Explainers in review, grouped by the stage they wait at, oldest first."""

    page_title = "Review queue"
    template_name = "insights/review/reports/queue.html"

    def get_context_data(self, **kwargs):
        from insights.models import ExplainerPage

        now = timezone.now()
        states = list(
            WorkflowState.objects.filter(
                workflow__name=stages.WORKFLOW_NAME,
                status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES],
                current_task_state__isnull=False,
            )
            .select_related("current_task_state__task", "requested_by")
            .order_by("current_task_state__started_at")
        )
        pages = ExplainerPage.objects.in_bulk([int(s.object_id) for s in states])
        groups = {stage.task_name: [] for stage in stages.STAGES}
        with_writer = []
        for state in states:
            page = pages.get(int(state.object_id))
            if page is None:
                continue
            task_state = state.current_task_state
            row = {
                "page": page,
                "stage": task_state.task.name,
                "submitted_by": state.requested_by,
                "waiting_since": task_state.finished_at or task_state.started_at,
                "age_days": _days(now - (task_state.finished_at or task_state.started_at)),
                "in_review_days": _days(now - state.created_at),
            }
            if state.status == WorkflowState.STATUS_NEEDS_CHANGES:
                with_writer.append(row)
            else:
                groups.setdefault(task_state.task.name, []).append(row)
        context = super().get_context_data(**kwargs)
        context.update(stage_queues=list(groups.items()), with_writer=with_writer)
        return context


class OverdueReviewsView(ReviewReportView):
    """Live explainers whose next review is due (last review + REVIEW_INTERVAL_DAYS)."""

    page_title = "Overdue reviews"
    template_name = "insights/review/reports/overdue.html"
    header_icon = "time"

    def get_context_data(self, **kwargs):
        from insights.models import ExplainerPage
        from insights.review.records import CompletedReview

        now = timezone.now()
        interval = dt.timedelta(days=settings.REVIEW_INTERVAL_DAYS)
        latest = CompletedReview.objects.filter(page=OuterRef("pk")).order_by("-completed_at")
        pages = (
            ExplainerPage.objects.live()
            .annotate(last_reviewed_at=Subquery(latest.values("completed_at")[:1]))
            .filter(Q(last_reviewed_at__lt=now - interval) | Q(last_reviewed_at__isnull=True))
            .order_by("last_reviewed_at", "title")
        )
        rows = []
        for page in pages:
            due = page.last_reviewed_at + interval if page.last_reviewed_at else None
            rows.append(
                {
                    "page": page,
                    "last_reviewed": page.last_reviewed_at,
                    "due": due,
                    "days_overdue": _days(now - due) if due else None,
                }
            )
        context = super().get_context_data(**kwargs)
        context.update(rows=rows, interval_days=settings.REVIEW_INTERVAL_DAYS)
        return context


class RegistryChecksView(ReviewReportView):
    """Explainers flagged "registry check needed", newest flag first."""

    page_title = "Registry check needed"
    template_name = "insights/review/reports/registry_checks.html"
    header_icon = "warning"

    def get_context_data(self, **kwargs):
        from insights.review.flags import RegistryCheckFlag

        flags = RegistryCheckFlag.objects.filter(resolved_at__isnull=True).select_related("page")
        context = super().get_context_data(**kwargs)
        context.update(flags=list(flags))
        return context


class ReReviewsView(ReviewReportView):
    """Explainers flagged "re-review needed" (their media changed), newest flag first."""

    page_title = "Re-review needed"
    template_name = "insights/review/reports/re_reviews.html"
    header_icon = "warning"

    def get_context_data(self, **kwargs):
        from insights.review.flags import ReReviewFlag

        flags = ReReviewFlag.objects.filter(resolved_at__isnull=True).select_related("page")
        context = super().get_context_data(**kwargs)
        context.update(flags=list(flags))
        return context
