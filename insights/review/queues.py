"""Per-stage review queues: pages waiting at a stage, and those no one may approve.

A page is *flagged* at its stage when no eligible reviewer is left: every active member
of the stage's group is barred by separation of duties (``rules.duty_conflicts``,
computed once per page) or has no linked Person, or the group has no active member. The
flag names each member and why, so an editor knows whom to add or what to change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from wagtail.models import WorkflowState

from insights.review import rules, stages

NO_MEMBER_REASON = "No one is in the group “{group}”."
NO_PERSON_REASON = "has no linked Person"


def _name(user) -> str:
    return user.get_full_name().strip() or user.get_username()


def third_person(reason: str) -> str:
    """A separation-of-duties reason as said to the reviewer, said about them instead."""
    text = reason
    for before, after in (
        ("You are credited", "is credited"),
        ("so you may approve", "so may approve"),
        ("your e-mail address", "their e-mail address"),
        ("You ", ""),
    ):
        text = text.replace(before, after)
    return text[:1].lower() + text[1:] if text else text


@dataclass
class QueueEntry:
    """One page waiting at a stage, with who may approve it and, if no one, why."""

    page: object
    stage: stages.Stage
    submitted_by: str
    waiting_since: dt.datetime
    days_waiting: int
    eligible: list[str] = field(default_factory=list)
    barred: list[tuple[str, str]] = field(default_factory=list)  # (name, why)

    @property
    def flagged(self) -> bool:
        return not self.eligible

    @property
    def flag_reason(self) -> str:
        if self.eligible:
            return ""
        if not self.barred:
            return NO_MEMBER_REASON.format(group=self.stage.group_name)
        return "No eligible reviewer: " + " ".join(f"{name} {why}" for name, why in self.barred)


def stage_for_number(number: int) -> stages.Stage | None:
    return next((stage for stage in stages.STAGES if stage.number == number), None)


def _waiting_states(task_names) -> list[WorkflowState]:
    """Reviews in progress at one of TASK_NAMES, oldest first at their stage."""
    return list(
        WorkflowState.objects.filter(
            workflow__name=stages.WORKFLOW_NAME,
            status=WorkflowState.STATUS_IN_PROGRESS,
            current_task_state__task__name__in=list(task_names),
        )
        .select_related("current_task_state__revision", "current_task_state__task", "requested_by")
        .order_by("current_task_state__started_at", "pk")
    )


def _entries(states, stage_of, now) -> list[tuple[QueueEntry, rules.DutyConflicts]]:
    """A queue entry per state whose page exists, with its separation-of-duties conflicts."""
    from insights.models import ExplainerPage

    pages = ExplainerPage.objects.in_bulk([int(s.object_id) for s in states])
    task_states = []
    for state in states:
        state.current_task_state.workflow_state = state  # duty_conflicts reads it
        task_states.append(state.current_task_state)
    conflicts = rules.duty_conflicts_for(task_states)
    entries = []
    for state in states:
        page = pages.get(int(state.object_id))
        if page is None:
            continue
        task_state = state.current_task_state
        entry = QueueEntry(
            page=page,
            stage=stage_of(task_state),
            submitted_by=_name(state.requested_by) if state.requested_by else "",
            waiting_since=task_state.started_at,
            days_waiting=max(0, (now - task_state.started_at).days),
        )
        entries.append((entry, conflicts[task_state.pk]))
    return entries


def stage_queue(stage: stages.Stage, now=None) -> list[QueueEntry]:
    """The pages waiting at STAGE (in progress there), oldest first, each with its flag."""
    from django.contrib.auth import get_user_model

    from people.models import Person

    now = now or timezone.now()
    states = _waiting_states([stage.task_name])
    if not states:
        return []
    members = list(
        get_user_model()
        .objects.filter(groups__name=stage.group_name, is_active=True)
        .order_by("last_name", "first_name", "username")
        .distinct()
    )
    with_person = set(Person.objects.filter(user__in=members).values_list("user_id", flat=True))
    entries = []
    for entry, conflicts in _entries(states, lambda task_state: stage, now):
        for member in members:
            reason = conflicts.reason_for(member)
            if reason:
                entry.barred.append((_name(member), third_person(reason)))
            elif member.pk not in with_person:
                entry.barred.append((_name(member), NO_PERSON_REASON + "."))
            else:
                entry.eligible.append(_name(member))
        entries.append(entry)
    return entries


def reviewer_stages(user) -> list[stages.Stage]:
    """The stages USER decides: those of the review groups they are in (superusers too)."""
    if not (user.is_authenticated and user.is_active):
        return []
    names = set(user.groups.values_list("name", flat=True))
    return [stage for stage in stages.STAGES if stage.group_name in names]


def waiting_for(user, now=None) -> list[QueueEntry]:
    """The pages USER may approve now, oldest first: at a stage of one of their groups, and
    not barred by separation of duties (``rules.duty_conflicts``). A fixed number of
    queries, whatever the number of pages."""
    now = now or timezone.now()
    by_task = {stage.task_name: stage for stage in reviewer_stages(user)}
    if not by_task:
        return []
    states = _waiting_states(by_task)
    return [
        entry
        for entry, conflicts in _entries(
            states, lambda task_state: by_task[task_state.task.name], now
        )
        if conflicts.reason_for(user) is None
    ]


def flagged_entries(now=None) -> list[QueueEntry]:
    """Every page, at any stage, that no eligible reviewer can approve (stage order)."""
    return [entry for stage in stages.STAGES for entry in stage_queue(stage, now) if entry.flagged]


def may_open_stage_queue(user, stage: stages.Stage) -> bool:
    """The stage's group, and whoever may see the review reports (Editors, superusers)."""
    from insights.review.reports import can_view_review_reports

    if not (user.is_authenticated and user.is_active):
        return False
    return can_view_review_reports(user) or user.groups.filter(name=stage.group_name).exists()
