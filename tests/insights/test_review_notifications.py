"""Stage e-mails: exactly one per reviewer per stage, none missing, none for a rolled-back step."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import transaction
from wagtail.users.models import UserProfile

from insights.review.notifications import send_stage_notifications
from tests.insights import review_support
from tests.insights.review_support import (
    advance_to_stage,
    decide,
    make_explainer,
    make_user,
    open_state,
    reload,
    submit,
)

pytestmark = pytest.mark.django_db
team, fresh_trial = review_support.team, review_support.fresh_trial


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_each_stage_mails_each_member_of_its_group_once(
    team, fresh_trial, django_capture_on_commit_callbacks
):
    page = make_explainer(team["writer"])
    with django_capture_on_commit_callbacks(execute=True):
        submit(page, team["writer"])
    assert recipients() == ["analyst2@example.org", "analyst@example.org"]
    assert all("Primary research" in m.subject for m in mail.outbox)
    # The link opens the read-only review screen, not the editor.
    assert all(f"/admin/review/{page.pk}/" in m.body for m in mail.outbox)
    assert not any(f"/admin/pages/{page.pk}/edit/" in m.body for m in mail.outbox)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(page, team["analyst"])
    assert recipients() == ["medical2@example.org", "medical@example.org"]
    assert all("Medical accuracy review" in m.subject for m in mail.outbox)


def test_no_duplicate_for_shared_addresses_superusers_or_people_in_two_groups(
    team, django_capture_on_commit_callbacks
):
    boss = team["boss"]
    boss.groups.add(Group.objects.get(name="Research analysts"))  # a superuser reviewer
    twin = make_user("twin", "Research analysts")
    twin.email = "ANALYST@example.org"  # same mailbox as "analyst"
    twin.save()
    both = make_user("both", "Research analysts")
    both.groups.add(Group.objects.get(name="Medical reviewers"))
    page = make_explainer(team["writer"])
    with django_capture_on_commit_callbacks(execute=True):
        submit(page, team["writer"])
    addresses = [a.lower() for a in recipients()]
    assert sorted(addresses) == sorted(set(addresses))
    assert sorted(addresses) == [
        "analyst2@example.org",
        "analyst@example.org",
        "boss@example.org",
        "both@example.org",
    ]


def test_people_who_cannot_approve_or_opted_out_get_no_mail(
    team, django_capture_on_commit_callbacks
):
    submitter = make_user("author", "Research analysts")  # submits, so cannot approve
    inactive = make_user("gone", "Research analysts")
    inactive.is_active = False
    inactive.save()
    no_address = make_user("nomail", "Research analysts")
    no_address.email = ""
    no_address.save()
    profile = UserProfile.get_for_user(team["analyst2"])
    profile.submitted_notifications = False  # turned off in their Wagtail account
    profile.save()
    page = make_explainer(team["writer"])
    with django_capture_on_commit_callbacks(execute=True):
        submit(page, submitter)
    assert recipients() == ["analyst@example.org"]


def test_a_rolled_back_step_sends_nothing(team, django_capture_on_commit_callbacks):
    page = make_explainer(team["writer"])
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        submit(page, team["writer"])
        raise RuntimeError("the request failed after the stage started")
    assert mail.outbox == []
    assert reload(page).current_workflow_state is None


def test_a_stage_no_longer_open_when_mail_goes_out_sends_nothing(team):
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    state = open_state(page)
    decide(page, team["analyst"])
    assert send_stage_notifications(state.pk) == 0
    assert send_stage_notifications(999999) == 0


def test_restart_after_an_edit_mails_stage_1_once_and_rejection_mails_the_writer_once(
    team, fresh_trial, django_capture_on_commit_callbacks
):
    page = make_explainer(team["writer"])
    advance_to_stage(page, 2, team)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_support.save_edit(page, team["medical"])
    assert recipients() == ["analyst2@example.org", "analyst@example.org"]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(page, team["analyst2"], action="reject", comment="Please cite the source.")
    assert recipients() == ["writer@example.org"]
    assert "Please cite the source." in mail.outbox[0].body


def test_earlier_approvers_and_the_last_editor_get_no_mail_for_a_later_stage(
    team, fresh_trial, django_capture_on_commit_callbacks
):
    """They could not approve it (separation of duties): e-mailing them to would mislead."""
    approver = make_user("hybrid", "Medical reviewers", person_credentials="MD")
    approver.groups.add(Group.objects.get(name="Registry verifiers"))
    editor = make_user("fixer", "Research analysts")
    editor.groups.add(Group.objects.get(name="Registry verifiers"))
    page = make_explainer(team["writer"])
    submit(page, team["writer"])
    review_support.save_edit(page, editor)  # the revision under review is now the fixer's
    decide(page, team["analyst2"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(page, approver)
    assert open_state(page).task.name == "Registry verification"
    assert recipients() == ["verifier2@example.org", "verifier@example.org"]
