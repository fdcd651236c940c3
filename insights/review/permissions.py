"""Who may delete, move or unpublish an explainer: only superusers, once it matters.

An explainer that is live or in review carries review history (approvals, completed
reviews, the audit log) and readers may rely on it. Wagtail asks the page's permission
tester on every path that deletes, moves or unpublishes (the page's action menu, the
delete, move and unpublish views and their POSTs, the bulk actions), so the rule lives
in one place: ``ExplainerPermissionTester``, returned by
``ExplainerPage.permissions_for_user``. Superusers keep every right; a superuser's
deletion keeps the page's completed reviews (``CompletedReview.page`` is set to NULL,
the title is kept) and leaves an audit-log entry (``insights.review.deleted``).
"""

from __future__ import annotations

from wagtail.models import PagePermissionTester, WorkflowState

PROTECTED_MESSAGE = (
    "Only a superuser may delete, move or unpublish an explainer that is published or in "
    "review: its review history must stay on record."
)


def is_protected(page) -> bool:
    """True when PAGE is live or in an in-progress workflow."""
    if page.live:
        return True
    return (
        WorkflowState.objects.for_instance(page)
        .filter(status=WorkflowState.STATUS_IN_PROGRESS)
        .exists()
    )


class ExplainerPermissionTester(PagePermissionTester):
    """Wagtail's page permissions, minus delete/move/unpublish of protected explainers."""

    def _protected_for_user(self) -> bool:
        if self.user.is_superuser:
            return False
        if not hasattr(self, "_protected"):
            self._protected = is_protected(self.page)
        return self._protected

    def can_delete(self, ignore_bulk=False):
        if self._protected_for_user():
            return False
        return super().can_delete(ignore_bulk=ignore_bulk)

    def can_move(self):
        if self._protected_for_user():
            return False
        return super().can_move()

    def can_unpublish(self):
        if self._protected_for_user():
            return False
        return super().can_unpublish()
