"""What the editorial groups may do with the registry data in the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.trials.factories import TrialFactory, TrialQueryFactory
from trials.models import TrialQuery

pytestmark = pytest.mark.django_db

TRIAL_URLS = "wagtailsnippets_trials_trial"
QUERY_URLS = "wagtailsnippets_trials_trialquery"
GROUPS = ["Research analysts", "Medical reviewers", "Registry verifiers", "Editors"]


def member_of(group_name):
    user = get_user_model().objects.create_user(group_name.split()[0].lower(), password="x")
    user.groups.add(Group.objects.get(name=group_name))
    return user


def denied(response) -> bool:
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    )


@pytest.mark.parametrize("group", GROUPS)
def test_every_editorial_group_sees_trials_read_only(client, group):
    trial = TrialFactory(brief_title="A study every reviewer may read")
    client.force_login(member_of(group))
    listing = client.get(reverse(f"{TRIAL_URLS}:list"))
    assert listing.status_code == 200
    assert b"A study every reviewer may read" in listing.content
    assert client.get(reverse(f"{TRIAL_URLS}:inspect", args=[trial.pk])).status_code == 200
    assert denied(client.get(reverse(f"{TRIAL_URLS}:edit", args=[trial.pk])))


@pytest.mark.parametrize(
    ("group", "allowed"),
    [
        ("Research analysts", False),
        ("Medical reviewers", False),
        ("Registry verifiers", False),
        ("Editors", True),
    ],
)
def test_only_editors_maintain_registry_queries(client, group, allowed):
    client.force_login(member_of(group))
    response = client.post(
        reverse(f"{QUERY_URLS}:add"), {"name": "CAR-T", "condition": "lymphoma", "active": "on"}
    )
    if allowed:
        assert response.status_code == 302, response.content[:2000]
        assert TrialQuery.objects.filter(name="CAR-T").exists()
    else:
        assert denied(response)
        assert not TrialQuery.objects.exists()


def test_registry_verifiers_cannot_delete_a_query(client):
    query = TrialQueryFactory(name="Melanoma")
    client.force_login(member_of("Registry verifiers"))
    assert denied(client.post(reverse(f"{QUERY_URLS}:delete", args=[query.pk])))
    assert TrialQuery.objects.filter(pk=query.pk).exists()
