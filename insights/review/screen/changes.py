"""What changed in the revision under review, with Wagtail's comparison machinery.

The base of the comparison is the latest earlier revision someone approved at a stage of
the review, or the published revision, whichever is newer: the reviewer sees what nobody
has approved yet. A page never approved nor published has no base (everything is new).
"""

from __future__ import annotations

from dataclasses import dataclass

from wagtail.models import Revision, TaskState


@dataclass
class ComparisonBase:
    """The revision the one under review is compared with, and why that one."""

    revision: Revision
    reason: str  # e.g. "approved at “Primary research” by Ann Analyst on 3 May 2026"


def comparison_base(page, revision) -> ComparisonBase | None:
    """The last approved (or published) revision of PAGE before REVISION, or None."""
    approval = (
        TaskState.objects.filter(
            status=TaskState.STATUS_APPROVED,
            revision__base_content_type=page.get_base_content_type(),
            revision__object_id=str(page.pk),
            revision__created_at__lte=revision.created_at,
        )
        .exclude(revision_id=revision.pk)
        .select_related("revision", "task", "finished_by")
        .order_by("-revision__created_at", "-revision_id")
        .first()
    )
    live = None
    if page.live_revision_id and page.live_revision_id != revision.pk:
        live = Revision.objects.filter(pk=page.live_revision_id).first()
    if approval and (live is None or approval.revision.created_at >= live.created_at):
        who = approval.finished_by.get_full_name() if approval.finished_by else ""
        when = approval.finished_at.strftime("%-d %B %Y") if approval.finished_at else ""
        reason = f"approved at “{approval.task.name}”"
        if who:
            reason += f" by {who}"
        if when:
            reason += f" on {when}"
        return ComparisonBase(approval.revision, reason)
    if live is not None:
        return ComparisonBase(live, "the published version")
    return None


def changes_between(page, base: Revision, revision: Revision, request) -> list:
    """Wagtail's field comparisons (block labels, inline diffs) that show a change."""
    panel = page.get_edit_handler().get_bound_panel(instance=page, request=request, form=None)
    before, after = base.as_object(), revision.as_object()
    changes = []
    for comparison_class in panel.get_comparison():
        comparison = comparison_class(before, after)
        if comparison.has_changed():
            changes.append(labelled(comparison))
    return changes


@dataclass
class BlockChange:
    """One changed block of a StreamField, named by its block label."""

    label: str
    change: str  # "added", "removed" or "changed"
    html: str


class LabelledStreamChanges:
    """A StreamField comparison shown block by block, each with its label ("Paragraph").

    Wagtail's own StreamField diff runs the blocks together unlabelled; a reviewer needs
    to know which block changed and how. Unchanged blocks are counted, not repeated.
    """

    is_field = False
    is_child_relation = False
    is_stream = True

    def __init__(self, comparison):
        from wagtail.admin.compare import StreamBlockComparison

        self.field_label = comparison.field_label()
        self.blocks: list[BlockChange] = []
        self.unchanged = 0
        stream = StreamBlockComparison(
            comparison.field.stream_block, True, True, comparison.val_a, comparison.val_b
        )
        for block in stream.get_block_comparisons():
            label = str(block.block.label or block.block.name).capitalize()
            if block.is_new():
                self.blocks.append(BlockChange(label, "added", block.htmlvalue(block.val_b)))
            elif block.is_deleted():
                self.blocks.append(BlockChange(label, "removed", block.htmlvalue(block.val_a)))
            elif block.has_changed():
                self.blocks.append(BlockChange(label, "changed", block.htmldiff()))
            else:
                self.unchanged += 1


def labelled(comparison):
    """COMPARISON, with a StreamField's changes labelled by block where Wagtail can."""
    from wagtail.admin.compare import StreamFieldComparison

    if isinstance(comparison, StreamFieldComparison) and (
        comparison.has_block_ids(comparison.val_a) and comparison.has_block_ids(comparison.val_b)
    ):
        return LabelledStreamChanges(comparison)
    return comparison
