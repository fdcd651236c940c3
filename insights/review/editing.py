"""Approvals belong to a revision: editing a page in review restarts the review.

Only an edit of *content* counts. While a review is in progress, saving a version whose
content equals the revision under review (a reviewer's autosave, a field comment, an
editor form that round-trips content created elsewhere, "Save draft" with nothing
changed) saves no new revision at all: comments are stored, nothing restarts, and
whoever saved it did not "edit" the page (``reuse_reviewed_revision``). Content is
compared by ``review_content``: the revision's data without metadata (latest revision,
timestamps, publication state, comments) and without editor noise (block ids, rich text
block keys, child ordering numbers).

A new revision of an explainer whose review is in progress:
- with no approval yet (stage 1 open), the open stage simply reviews the new revision;
- after any approval, the approvals no longer describe what would be published, so the
  open stage is cancelled and review restarts at stage 1 on the new revision, with the
  reason written to the page history (``insights.review.restart``).

Overwriting an approved revision in place (the editor's autosave re-uses the author's
latest revision) is refused, so an approval can never silently cover changed content.
"""

from __future__ import annotations

import json
import re

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from wagtail.log_actions import log
from wagtail.models import Page, TaskState, WorkflowState

# Page fields that describe a revision or the page's place and state, not what it says.
CONTENT_PAGE_FIELDS = {
    "title",
    "slug",
    "seo_title",
    "search_description",
    "go_live_at",
    "expire_at",
}
NOT_CONTENT = {f.name for f in Page._meta.get_fields() if getattr(f, "concrete", False)} - (
    CONTENT_PAGE_FIELDS
) | {
    "pk",
    "page_ptr",
    "comments",
    "wagtail_admin_comments",
    "reading_time_minutes",  # derived from the body
}
BLOCK_KEY_RE = re.compile(r'\s+data-block-key="[^"]*"')
# An empty rich text field: the editor posts "" where a stored value says "<p></p>" (or the
# other way round); both say nothing.
EMPTY_RICH_TEXT_RE = re.compile(r"^(\s*<p>\s*(<br\s*/?>)?\s*</p>)*\s*$")


def _normalised(value):
    if isinstance(value, str):
        stripped = value.lstrip()
        if stripped[:1] == "[" and stripped[1:3] in ('{"', "{ ", "]"):
            try:
                return _normalised(json.loads(value))
            except ValueError:
                pass
        value = BLOCK_KEY_RE.sub("", value)
        return "" if EMPTY_RICH_TEXT_RE.match(value) else value
    if isinstance(value, list):
        return [_normalised(item) for item in value]
    if isinstance(value, dict):
        stream_child = "type" in value and "value" in value
        return {
            key: _normalised(item)
            for key, item in value.items()
            if not (stream_child and key == "id")
        }
    return value


def _child_rows(rows):
    """Child relation rows (authors, citations, topics) compared by content and position."""
    return [
        {
            key: _normalised(value)
            for key, value in row.items()
            if key not in ("pk", "id", "page", "content_object", "sort_order")
        }
        for row in rows
    ]


def review_content(content: dict) -> dict:
    """What a revision says, for comparing versions under review (see the module doc)."""
    result = {}
    for key, value in (content or {}).items():
        if key in NOT_CONTENT:
            continue
        if isinstance(value, list) and all(isinstance(row, dict) for row in value):
            result[key] = _child_rows(value)
        else:
            result[key] = _normalised(value)
    return result


def same_content(first, second) -> bool:
    """True when two revisions (or their content dicts) say the same thing."""
    first = getattr(first, "content", first)
    second = getattr(second, "content", second)
    return review_content(first) == review_content(second)


def revision_under_review(page):
    """The revision PAGE's in-progress editorial review is deciding on, or None."""
    from insights.review.tasks import ReviewStage

    if page.pk is None:
        return None
    workflow_state = (
        WorkflowState.objects.for_instance(page)
        .filter(status=WorkflowState.STATUS_IN_PROGRESS)
        .select_related("current_task_state__revision", "current_task_state__task")
        .first()
    )
    current = workflow_state.current_task_state if workflow_state else None
    if current is None or not isinstance(current.task.specific, ReviewStage):
        return None
    return current.revision


def reuse_reviewed_revision(page, user, overwrite_revision=None):
    """If PAGE's new content equals the revision under review, keep that revision.

    Returns the revision under review (after storing new comments) when nothing but
    metadata or comments changed, else None (the caller saves a new revision). An
    overwrite of the revision under review by someone else becomes a new revision: the
    reviewed version is never changed in place.
    """
    from wagtail.models.pages import COMMENTS_RELATION_NAME

    reviewed = revision_under_review(page)
    if reviewed is None or reviewed.pk != page.latest_revision_id:
        return None
    if overwrite_revision is not None and overwrite_revision.pk != reviewed.pk:
        return None
    if not same_content(page.serializable_data(), reviewed.content):
        return None
    comments = getattr(page, COMMENTS_RELATION_NAME)
    new_comments = list(comments.filter(pk__isnull=True))
    for comment in new_comments:
        comment.revision_created = reviewed
        comment.save()
    page.latest_revision = reviewed
    page.save(update_fields=[COMMENTS_RELATION_NAME], clean=False)
    return reviewed


def _display_name(user) -> str:
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


def restart_review_on_new_revision(sender, instance, created=False, raw=False, **kwargs):
    """``post_save`` receiver for revisions: a new revision of an explainer in review.

    The restart follows revision creation itself, on every path that creates one (the
    editor, autosave, API v3, revert, the shell): a page save that only moves
    ``latest_revision`` creates no version and restarts nothing, and a reused reviewed
    revision (no edit) never gets here.
    """
    if not created or raw:
        return
    from insights.models import ExplainerPage
    from insights.review.tasks import ReviewStage, ReviewTaskState

    if instance.content_type_id != ContentType.objects.get_for_model(ExplainerPage).pk:
        return
    workflow_state = (
        WorkflowState.objects.filter(
            base_content_type_id=instance.base_content_type_id,
            object_id=str(instance.object_id),
            status=WorkflowState.STATUS_IN_PROGRESS,
        )
        .select_related("current_task_state")
        .first()
    )
    if workflow_state is None or workflow_state.current_task_state is None:
        return
    current = workflow_state.current_task_state
    revision, new_revision_id = instance, instance.pk
    if current.revision_id == new_revision_id:
        return
    if not isinstance(current.task.specific, ReviewStage):
        return
    approvals = list(
        TaskState.objects.filter(
            workflow_state=workflow_state,
            revision_id=current.revision_id,
            status=TaskState.STATUS_APPROVED,
        )
        .select_related("task", "finished_by")
        .order_by("finished_at")
    )
    if not approvals:
        ReviewTaskState.objects.filter(pk=current.pk).update(revision_id=new_revision_id)
        return

    editor = revision.user
    # The next stage starts on the page's latest revision, which must be this one
    # (save_revision points the page at it right after creating it).
    page = ExplainerPage.objects.get(pk=instance.object_id)
    if page.latest_revision_id != revision.pk:
        page.latest_revision = revision
        ExplainerPage.objects.filter(pk=page.pk).update(latest_revision=revision)
    approved = ", ".join(
        f"“{a.task.name}” (approved by {_display_name(a.finished_by)})" for a in approvals
    )
    with transaction.atomic():
        current.specific.cancel(
            user=editor, comment="Review restarted: the page was edited after approval."
        )
        workflow_state.refresh_from_db()
        restarted_at = workflow_state.current_task_state.task.name
        log(
            instance=page,
            action="insights.review.restart",
            user=editor,
            revision=revision,
            data={
                "reason": (
                    f"Edited by {_display_name(editor)} after {approved}. Approvals belong "
                    f"to the revision they approved, so review restarts at “{restarted_at}”."
                ),
                "restarted_at": restarted_at,
                "invalidated": [
                    {"task": a.task.name, "approved_by": a.finished_by_id} for a in approvals
                ],
            },
        )


def refuse_overwriting_approved_revision(sender, instance, update_fields=None, **kwargs):
    """``pre_save`` receiver for revisions: an approved revision's content is frozen."""
    if instance.pk is None or update_fields is not None:
        return
    if TaskState.objects.filter(
        revision_id=instance.pk,
        status=TaskState.STATUS_APPROVED,
        workflow_state__status=WorkflowState.STATUS_IN_PROGRESS,
    ).exists():
        raise PermissionDenied(
            "This version has been approved at a review stage, so it cannot be changed in "
            "place. Reload the page and save your changes as a new version (review will "
            "restart at stage 1)."
        )
