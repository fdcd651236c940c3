"""Who may decide a review stage: separation of duties and the link to a Person.

Two kinds of reasons stop an approval:
- *barriers* (separation of duties): the user submitted or last edited the revision, is a
  credited author of the page, or already approved another stage of it. The approve
  action is hidden for them, the POST is refused and they are not e-mailed to approve.
- *blockers*: the user has no linked Person, or an automatic check failed. Approve stays
  visible so the approval screen can say what must be fixed; the POST is refused.

Separation of duties is computed ONCE, here (``duty_conflicts``), and read by the task's
``get_actions`` and ``on_action`` and by the notifications. Accounts sharing an e-mail
address count as one person: a conflict of one is a conflict of all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from insights.review.stages import NO_PERSON_MESSAGE


def person_for(user):
    """The people.Person linked to USER, or None."""
    from people.models import Person

    if not user or not user.is_authenticated:
        return None
    return Person.objects.filter(user=user).first()


def normalised_email(address) -> str:
    return (address or "").strip().lower()


@dataclass
class DutyConflicts:
    """The people who may not approve one task state, each with the reason."""

    # (user id, reason) in the order the rules are listed; e-mails of those users.
    conflicts: list[tuple[int, str]] = field(default_factory=list)
    emails: dict[int, str] = field(default_factory=dict)

    def reason_for(self, user) -> str | None:
        """Why USER may not approve, or None (the same person under any shared e-mail)."""
        email = normalised_email(getattr(user, "email", ""))
        for user_id, reason in self.conflicts:
            if user_id == user.pk:
                return reason
            if email and self.emails.get(user_id) == email:
                return f"{reason} (an account with your e-mail address {email})"
        return None

    def barred(self) -> Q:
        """A Q matching every account that may not approve (for notification recipients)."""
        query = Q(pk__in=[user_id for user_id, _ in self.conflicts])
        for email in {e for e in self.emails.values() if e}:
            query |= Q(email__iexact=email)
        return query


def credited_author_users(task_state) -> set[int]:
    """User ids of the Persons credited as authors of the revision under review or the page."""
    return _credited_author_users([task_state])[task_state.pk]


def _credited_author_users(task_states) -> dict[int, set[int]]:
    """``credited_author_users`` of each of TASK_STATES: two queries for all of them."""
    from insights.models import ExplainerPageAuthor
    from people.models import Person

    person_ids: dict[int, set] = {}
    for task_state in task_states:
        content = task_state.revision.content or {}
        authors = content.get("authors") or []
        person_ids[task_state.pk] = {a.get("person") for a in authors if isinstance(a, dict)}
    page_ids = {int(ts.workflow_state.object_id) for ts in task_states}
    page_authors: dict[int, set] = {}
    for page_id, person_id in ExplainerPageAuthor.objects.filter(page_id__in=page_ids).values_list(
        "page_id", "person_id"
    ):
        page_authors.setdefault(page_id, set()).add(person_id)
    for task_state in task_states:
        page_id = int(task_state.workflow_state.object_id)
        person_ids[task_state.pk] = (
            person_ids[task_state.pk] | page_authors.get(page_id, set())
        ) - {None}
    wanted = set().union(*person_ids.values()) if person_ids else set()
    users_of = dict(
        Person.objects.filter(pk__in=wanted, user__isnull=False).values_list("pk", "user_id")
    )
    return {
        pk: {users_of[person] for person in persons if person in users_of}
        for pk, persons in person_ids.items()
    }


def duty_conflicts(task_state) -> DutyConflicts:
    """Everyone separation of duties keeps from approving TASK_STATE, and why."""
    return duty_conflicts_for([task_state])[task_state.pk]


def duty_conflicts_for(task_states) -> dict[int, DutyConflicts]:
    """``duty_conflicts`` of each of TASK_STATES (by task state id), in four queries for all.

    Each task state's ``workflow_state`` and ``revision`` should be loaded already.
    """
    from django.contrib.auth import get_user_model
    from wagtail.models import TaskState

    task_states = list(task_states)
    if not task_states:
        return {}
    authors = _credited_author_users(task_states)
    approvals: dict[int, list] = {}
    for approval in (
        TaskState.objects.filter(
            revision_id__in={ts.revision_id for ts in task_states},
            status=TaskState.STATUS_APPROVED,
            finished_by__isnull=False,
        )
        .select_related("task")
        .order_by("finished_at")
    ):
        approvals.setdefault(approval.revision_id, []).append(approval)
    conflicts_of: dict[int, list[tuple[int, str]]] = {}
    for task_state in task_states:
        conflicts_of[task_state.pk] = _conflicts(
            task_state, authors[task_state.pk], approvals.get(task_state.revision_id, [])
        )
    user_ids = {user_id for conflicts in conflicts_of.values() for user_id, _ in conflicts}
    emails = {
        pk: normalised_email(email)
        for pk, email in get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "email")
    }
    return {
        pk: DutyConflicts(
            conflicts=conflicts,
            emails={user_id: emails[user_id] for user_id, _ in conflicts if user_id in emails},
        )
        for pk, conflicts in conflicts_of.items()
    }


def _conflicts(task_state, author_user_ids, approvals) -> list[tuple[int, str]]:
    """The rules, in the order they are listed, for one task state."""
    workflow_state = task_state.workflow_state
    revision = task_state.revision
    conflicts: list[tuple[int, str]] = []
    if workflow_state.requested_by_id is not None:
        conflicts.append(
            (
                workflow_state.requested_by_id,
                "You submitted this page for review, so someone else must approve it.",
            )
        )
    if revision.user_id is not None:
        conflicts.append(
            (
                revision.user_id,
                "You made the latest edit to this page, so someone else must approve it.",
            )
        )
    for user_id in sorted(author_user_ids):
        conflicts.append(
            (
                user_id,
                "You are credited as an author of this page, so you may approve no stage of it.",
            )
        )
    for approval in approvals:
        if approval.task_id == task_state.task_id:
            continue
        conflicts.append(
            (
                approval.finished_by_id,
                f"You already approved “{approval.task.name}” for this revision; "
                "each stage needs a different person.",
            )
        )
    return conflicts


def separation_barrier(task_state, user) -> str | None:
    """Why USER may not approve TASK_STATE under separation of duties, or None."""
    return duty_conflicts(task_state).reason_for(user)


def approval_blockers(task, task_state, user, checks=None) -> list[str]:
    """Every reason USER cannot approve TASK_STATE now (empty when they can)."""
    reasons = []
    if not task.user_in_stage_group(user):
        reasons.append(f"Only members of “{task.stage.group_name}” can approve this stage.")
        return reasons
    barrier = separation_barrier(task_state, user)
    if barrier:
        reasons.append(barrier)
    if person_for(user) is None:
        reasons.append(NO_PERSON_MESSAGE)
    if checks is None:
        checks = task.automatic_checks(task_state)
    reasons.extend(f"{c.subject}: {c.message}" for c in checks if not c.passed)
    return reasons


def users_barred_from(task_state):
    """A Q matching users who may not approve TASK_STATE (for notification recipients)."""
    return duty_conflicts(task_state).barred()
