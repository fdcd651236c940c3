"""Review reports in the admin (Reports menu; permission "view_review_reports").

- Review queue: explainers waiting at each stage, with how long they have waited.
- Overdue reviews: live explainers whose next review date has passed (or never reviewed).
- Registry check needed: live explainers citing a trial whose registry entry changed.
- Re-review needed: explainers whose images or documents changed after review.

They are Wagtail report views (``ReportView``): paginated, with CSV and XLSX downloads of
the same rows and column names as the table. Rows are plain objects holding display
values (labels, names, day counts), so the table and both exports say the same thing.
Each view costs a fixed number of queries whatever the number of pages listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import WorkflowState

from insights.review import stages

REPORT_PERMISSION = "insights.view_review_reports"
CHANGES_REQUESTED = "Changes requested (back with the writer)"


def can_view_review_reports(user) -> bool:
    return user.is_active and user.has_perm(REPORT_PERMISSION)


class ReviewReportMenuItem(MenuItem):
    """A Reports menu entry shown to users who may see the review reports."""

    def is_shown(self, request):
        return can_view_review_reports(request.user)


def _days(delta: dt.timedelta) -> int:
    return max(0, delta.days)


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name().strip() or user.get_username()


def _csv_datetime(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _review_url(row) -> str:
    return reverse("insights_review", args=[row.page.pk])


def _edit_url(row) -> str:
    return reverse("wagtailadmin_pages:edit", args=[row.page.pk])


@dataclass
class ReportRow:
    """One line of a review report: the page and the values its columns show."""

    page: Any
    values: dict

    def __getattr__(self, name):
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def pk(self):
        return self.page.pk

    @property
    def title(self) -> str:
        return self.page.get_admin_display_title()


class ReviewReportView(ReportView):
    """Base of the review reports: permission check, help text, export formats."""

    header_icon = "tasks"
    results_template_name = "insights/review/reports/results.html"
    paginate_by = 50
    help_text = ""
    export_filename = "review-report"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The export has the table's columns, under the table's headings.
        self.list_export = [column.name for column in self.columns]
        self.export_headings = {column.name: column.label for column in self.columns}
        self.custom_value_preprocess = {
            **self.custom_value_preprocess,
            dt.datetime: {
                **self.custom_value_preprocess[dt.datetime],
                self.FORMAT_CSV: _csv_datetime,
            },
        }

    def dispatch(self, request, *args, **kwargs):
        if not can_view_review_reports(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filename(self):
        return f"{self.export_filename}-{timezone.localdate():%Y-%m-%d}"

    def get_queryset(self):
        return self.get_rows()

    def get_rows(self) -> list[ReportRow]:
        raise NotImplementedError


class ReviewQueueView(ReviewReportView):
    """Explainers in review, by the stage they wait at (stage order), oldest first."""

    page_title = "Review queue"
    index_url_name = "insights_review_queue"
    export_filename = "review-queue"
    help_text = (
        "Explainers in the editorial review, by the stage they are waiting for. "
        "“Days waiting” counts days since the page reached its current stage."
    )
    columns = [
        Column("stage", label="Stage"),
        TitleColumn("title", label="Page", get_url=_review_url),
        Column("submitted_by", label="Submitted by"),
        DateColumn("waiting_since", label="Waiting since"),
        Column("days_waiting", label="Days waiting"),
        Column("days_in_review", label="Days in review"),
    ]

    def get_rows(self):
        from insights.models import ExplainerPage

        now = timezone.now()
        states = list(
            WorkflowState.objects.filter(
                workflow__name=stages.WORKFLOW_NAME,
                status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES],
                current_task_state__isnull=False,
            )
            .select_related("current_task_state__task", "requested_by")
            .order_by("current_task_state__started_at", "pk")
        )
        pages = ExplainerPage.objects.in_bulk([int(s.object_id) for s in states])
        order = {stage.task_name: index for index, stage in enumerate(stages.STAGES)}
        rows = []
        for state in states:
            page = pages.get(int(state.object_id))
            if page is None:
                continue
            task_state = state.current_task_state
            needs_changes = state.status == WorkflowState.STATUS_NEEDS_CHANGES
            since = task_state.finished_at or task_state.started_at
            rows.append(
                ReportRow(
                    page,
                    {
                        "stage": CHANGES_REQUESTED if needs_changes else task_state.task.name,
                        "submitted_by": _person(state.requested_by),
                        "waiting_since": since,
                        "days_waiting": _days(now - since),
                        "days_in_review": _days(now - state.created_at),
                    },
                )
            )
        # Stage order, the writer's pile last; the sort is stable so oldest stays first.
        rows.sort(key=lambda row: order.get(row.stage, len(order)))
        return rows


class OverdueReviewsView(ReviewReportView):
    """Live explainers whose next review is due (last review + REVIEW_INTERVAL_DAYS)."""

    page_title = "Overdue reviews"
    index_url_name = "insights_overdue_reviews"
    header_icon = "time"
    export_filename = "overdue-reviews"
    columns = [
        TitleColumn("title", label="Page", get_url=_edit_url),
        Column("last_reviewed", label="Last reviewed"),
        Column("next_review_due", label="Next review due"),
        Column("days_overdue", label="Days overdue"),
    ]

    @property
    def help_text(self):
        return (
            "Live explainers whose next review is due: "
            f"{settings.REVIEW_INTERVAL_DAYS} days after their last completed review, "
            "or never reviewed through the workflow."
        )

    def get_rows(self):
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
            reviewed = page.last_reviewed_at
            due = reviewed + interval if reviewed else None
            rows.append(
                ReportRow(
                    page,
                    {
                        "last_reviewed": f"{timezone.localtime(reviewed):%-d %b %Y}"
                        if reviewed
                        else "Never",
                        "next_review_due": f"{timezone.localtime(due):%-d %b %Y}" if due else "Now",
                        "days_overdue": _days(now - due) if due else "",
                    },
                )
            )
        return rows


class RegistryChecksView(ReviewReportView):
    """Explainers flagged "registry check needed", newest flag first."""

    page_title = "Registry check needed"
    index_url_name = "insights_registry_checks"
    header_icon = "warning"
    export_filename = "registry-checks"
    help_text = (
        "Live explainers citing a trial whose registry entry changed since they were "
        "verified. Submitting the page for review again clears the flag when its registry "
        "verification is approved."
    )
    columns = [
        TitleColumn("title", label="Page", get_url=_edit_url),
        Column("trial", label="Trial"),
        Column("why", label="Why"),
        DateColumn("flagged", label="Flagged"),
    ]

    def get_rows(self):
        from insights.review.flags import RegistryCheckFlag

        flags = RegistryCheckFlag.objects.filter(resolved_at__isnull=True).select_related("page")
        return [
            ReportRow(
                flag.page, {"trial": flag.nct_id, "why": flag.reason, "flagged": flag.flagged_at}
            )
            for flag in flags
        ]


class ReReviewsView(ReviewReportView):
    """Explainers flagged "re-review needed" (their media changed), newest flag first."""

    page_title = "Re-review needed"
    index_url_name = "insights_re_reviews"
    header_icon = "warning"
    export_filename = "re-reviews"
    help_text = (
        "Published or in-review explainers showing an image or document whose file, title "
        "or alt text a superuser changed after review. The page's next completed review "
        "clears the flag."
    )
    columns = [
        TitleColumn("title", label="Page", get_url=_edit_url),
        Column("what_changed", label="What changed"),
        Column("why", label="Why"),
        DateColumn("flagged", label="Flagged"),
    ]

    def get_rows(self):
        from insights.review.flags import ReReviewFlag

        flags = ReReviewFlag.objects.filter(resolved_at__isnull=True).select_related("page")
        return [
            ReportRow(
                flag.page,
                {
                    "what_changed": _source_label(flag.source),
                    "why": flag.reason,
                    "flagged": flag.flagged_at,
                },
            )
            for flag in flags
        ]


def _source_label(source: str) -> str:
    """``image:12`` -> "Image 12" (the flag's source in words)."""
    kind, _, number = source.partition(":")
    return f"{kind.capitalize()} {number}".strip()


class StageQueueView(ReviewReportView):
    """One stage's queue, for its group: pages waiting there, flagged if no one may approve."""

    index_url_name = "insights_stage_queue"
    header_icon = "tasks"
    columns = [
        TitleColumn("title", label="Page", get_url=_review_url),
        Column("submitted_by", label="Submitted by"),
        DateColumn("waiting_since", label="Waiting since"),
        Column("days_waiting", label="Days waiting"),
        Column("eligible_reviewers", label="Who may approve"),
        Column("flag", label="Flag"),
    ]

    def dispatch(self, request, *args, **kwargs):
        from django.http import Http404

        from insights.review.queues import may_open_stage_queue, stage_for_number

        self.stage = stage_for_number(kwargs["number"])
        if self.stage is None:
            raise Http404("No such review stage.")
        if not may_open_stage_queue(request.user, self.stage):
            raise PermissionDenied
        # ReviewReportView's check is for the all-stages reports: skip it.
        return super(ReviewReportView, self).dispatch(request, *args, **kwargs)

    @property
    def page_title(self):
        return f"Queue: {self.stage.task_name}"

    @property
    def help_text(self):
        return (
            f"Explainers waiting for “{self.stage.task_name}” (decided by "
            f"{self.stage.group_name}), oldest first. A page is flagged when no member of the "
            "group may approve it (separation of duties, or no linked Person): an editor "
            "must add a reviewer to the group or link one to a Person."
        )

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.stage.number])

    def get_filename(self):
        return f"queue-stage-{self.stage.number}-{timezone.localdate():%Y-%m-%d}"

    def get_rows(self):
        from insights.review.queues import stage_queue

        return [
            ReportRow(
                entry.page,
                {
                    "submitted_by": entry.submitted_by,
                    "waiting_since": entry.waiting_since,
                    "days_waiting": entry.days_waiting,
                    "eligible_reviewers": ", ".join(entry.eligible) or "No one",
                    "flag": entry.flag_reason,
                },
            )
            for entry in stage_queue(self.stage)
        ]
