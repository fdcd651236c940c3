"""The trials app in the Wagtail admin: permissions as matrices (deny cases first),
search and filters, the saved queries, the sync runs and the dashboard panel."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from trials.models import Trial, TrialQuery, TrialSyncRun

from .factories import TrialFactory, TrialQueryFactory, TrialSyncRunFactory

# These tests read response.context (tests/conftest.py: template_context).
pytestmark = [pytest.mark.django_db, pytest.mark.template_context]

TRIAL_URLS = "wagtailsnippets_trials_trial"
QUERY_URLS = "wagtailsnippets_trials_trialquery"


def make_user(username, *perms, superuser=False):
    User = get_user_model()
    user = User.objects.create_user(username, f"{username}@example.org", "pw")
    if superuser:
        user.is_superuser = user.is_staff = True
        user.save()
        return user
    group = Group.objects.create(name=f"{username}-group")
    codenames = ["access_admin", *perms]
    group.permissions.set(Permission.objects.filter(codename__in=codenames))
    user.groups.add(group)
    return user


@pytest.fixture
def superuser():
    return make_user("chief", superuser=True)


@pytest.fixture
def viewer():
    return make_user("verifier", "view_trial", "view_trialsyncrun")


@pytest.fixture
def editor():
    return make_user("editor", "add_trialquery", "change_trialquery", "delete_trialquery")


@pytest.fixture
def nobody():
    return make_user("writer")


@pytest.fixture
def trial():
    return TrialFactory(nct_id="NCT03475563", brief_title="BiOSS stent registry")


def denied(response) -> bool:
    if response.status_code == 403:
        return True
    return response.status_code == 302 and response["Location"] in (
        "/admin/",
        reverse("wagtailadmin_home"),
    )


# -- trials are read-only for everyone ----------------------------------------------------


@pytest.mark.parametrize("who", ["superuser", "viewer", "editor", "nobody"])
@pytest.mark.parametrize("action", ["add", "edit", "delete"])
def test_nobody_adds_edits_or_deletes_a_trial(client, request, trial, who, action):
    client.force_login(request.getfixturevalue(who))
    url = reverse(f"{TRIAL_URLS}:{action}", args=[] if action == "add" else [trial.pk])
    assert denied(client.get(url))
    post = {"brief_title": "Changed", "nct_id": "NCT00000001"}
    assert denied(client.post(url, post))
    trial.refresh_from_db()
    assert trial.brief_title == "BiOSS stent registry"
    assert Trial.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("nobody", False), ("editor", False), ("viewer", True), ("superuser", True)],
)
def test_viewing_trials_needs_the_view_permission(client, request, trial, who, allowed):
    client.force_login(request.getfixturevalue(who))
    listing = client.get(reverse(f"{TRIAL_URLS}:list"))
    inspect = client.get(reverse(f"{TRIAL_URLS}:inspect", args=[trial.pk]))
    if allowed:
        assert listing.status_code == 200
        assert b"BiOSS stent registry" in listing.content
        assert inspect.status_code == 200
        assert b"NCT03475563" in inspect.content
        # no add button, and titles link to the inspect view, not an edit form
        assert reverse(f"{TRIAL_URLS}:add").encode() not in listing.content
        assert reverse(f"{TRIAL_URLS}:inspect", args=[trial.pk]).encode() in listing.content
        assert reverse(f"{TRIAL_URLS}:edit", args=[trial.pk]).encode() not in listing.content
    else:
        assert denied(listing)
        assert denied(inspect)


def test_bulk_delete_of_trials_is_denied(client, superuser, trial):
    client.force_login(superuser)
    url = reverse("wagtail_bulk_action", args=["trials", "trial", "delete"]) + f"?id={trial.pk}"
    response = client.post(url)
    assert response.status_code in (302, 403)
    assert Trial.objects.filter(pk=trial.pk).exists()


def test_admin_search_and_filters(client, superuser):
    TrialFactory(
        nct_id="NCT00000011",
        brief_title="CAR-T in lymphoma",
        overall_status="RECRUITING",
        phases=["PHASE1", "PHASE2"],
        conditions=["Large B-cell Lymphoma"],
    )
    TrialFactory(
        nct_id="NCT00000012",
        brief_title="Stent registry",
        overall_status="COMPLETED",
        phases=["PHASE3"],
        conditions=["Coronary Artery Disease"],
    )
    client.force_login(superuser)
    url = reverse(f"{TRIAL_URLS}:list")

    def titles(**params):
        content = client.get(url, params).content.decode()
        return [t for t in ("CAR-T in lymphoma", "Stent registry") if t in content]

    assert titles() == ["CAR-T in lymphoma", "Stent registry"]
    assert titles(q="car-t") == ["CAR-T in lymphoma"]
    assert titles(q="NCT00000012") == ["Stent registry"]
    assert titles(status="COMPLETED") == ["Stent registry"]
    assert titles(phase="PHASE2") == ["CAR-T in lymphoma"]
    assert titles(condition="coronary") == ["Stent registry"]
    by_status = client.get(url, {"ordering": "overall_status"})
    assert [t.nct_id for t in by_status.context["object_list"]] == ["NCT00000012", "NCT00000011"]


def test_admin_listing_query_count_does_not_grow(client, superuser):
    client.force_login(superuser)
    url = reverse(f"{TRIAL_URLS}:list")
    TrialFactory.create_batch(3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    TrialFactory.create_batch(30)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_chooser_searches_trials(client, superuser):
    TrialFactory(nct_id="NCT00000021", brief_title="Axicabtagene ciloleucel study")
    TrialFactory(nct_id="NCT00000022", brief_title="Unrelated")
    client.force_login(superuser)
    response = client.get(
        reverse("wagtailsnippetchoosers_trials_trial:choose_results"), {"q": "axicab"}
    )
    assert response.status_code == 200
    assert b"Axicabtagene" in response.content
    assert b"Unrelated" not in response.content


# -- saved registry queries ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("nobody", False), ("viewer", False), ("editor", True), ("superuser", True)],
)
def test_editors_maintain_registry_queries(client, request, who, allowed):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse(f"{QUERY_URLS}:add"),
        {
            "name": "CAR-T",
            "condition": "lymphoma",
            "intervention": "axicabtagene",
            "term": "",
            "sponsor": "",
            "status_filter": ["RECRUITING", "ACTIVE_NOT_RECRUITING"],
            "active": "on",
        },
    )
    if not allowed:
        assert denied(response)
        assert not TrialQuery.objects.exists()
        return
    assert response.status_code == 302
    query = TrialQuery.objects.get()
    assert query.status_filter == ["RECRUITING", "ACTIVE_NOT_RECRUITING"]
    assert query.registry_params() == {
        "query.cond": "lymphoma",
        "query.intr": "axicabtagene",
        "filter.overallStatus": "ACTIVE_NOT_RECRUITING|RECRUITING",
    }


def test_an_empty_registry_query_is_a_form_error(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse(f"{QUERY_URLS}:add"),
        {"name": "Everything", "condition": "", "intervention": "", "term": "", "sponsor": ""},
    )
    assert response.status_code == 200
    assert b"Give at least one of condition" in response.content
    assert not TrialQuery.objects.exists()


def test_an_unbalanced_query_is_a_form_error(client, editor):
    client.force_login(editor)
    response = client.post(reverse(f"{QUERY_URLS}:add"), {"name": "Bad", "condition": "lymphoma ("})
    assert response.status_code == 200
    assert b"Unbalanced brackets" in response.content


def test_changing_a_query_resets_its_watermark():
    query = TrialQueryFactory(name="Q", condition="lymphoma")
    TrialQuery.objects.filter(pk=query.pk).update(last_synced=timezone.now())
    query.refresh_from_db()
    query.active = False
    query.save()
    query.refresh_from_db()
    assert query.last_synced is not None  # same parameters: keeps its watermark
    query.condition = "myeloma"
    query.save()
    query.refresh_from_db()
    assert query.last_synced is None


# -- sync runs through wagtail-modeladmin ------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("nobody", False), ("editor", False), ("viewer", True), ("superuser", True)],
)
def test_sync_runs_are_browsable_with_the_view_permission(client, request, who, allowed):
    ok = TrialSyncRunFactory(fetched=120)
    bad = TrialSyncRunFactory(status=TrialSyncRun.Status.FAILED, error="HTTP 503 from the registry")
    client.force_login(request.getfixturevalue(who))
    from trials.wagtail_hooks import sync_runs_admin

    index = client.get(sync_runs_admin.url_helper.index_url)
    inspect = client.get(sync_runs_admin.url_helper.get_action_url("inspect", bad.pk))
    if not allowed:
        assert denied(index) and denied(inspect)
        return
    assert index.status_code == 200
    assert b"succeeded" in index.content and b"failed" in index.content
    failed_only = client.get(sync_runs_admin.url_helper.index_url, {"status__exact": "failed"})
    assert failed_only.status_code == 200
    assert failed_only.context["object_list"] is not None
    assert list(failed_only.context["view"].queryset) == [bad]
    assert ok not in list(failed_only.context["view"].queryset)
    assert inspect.status_code == 200
    assert b"HTTP 503 from the registry" in inspect.content


@pytest.mark.parametrize("who", ["superuser", "viewer"])
def test_sync_runs_cannot_be_created_edited_or_deleted(client, request, who):
    from trials.wagtail_hooks import sync_runs_admin

    run = TrialSyncRunFactory()
    client.force_login(request.getfixturevalue(who))
    helper = sync_runs_admin.url_helper
    for url in (
        helper.create_url,
        helper.get_action_url("edit", run.pk),
        helper.get_action_url("delete", run.pk),
    ):
        assert denied(client.get(url)), url
        assert denied(client.post(url, {"status": "failed"})), url
    run.refresh_from_db()
    assert run.status == TrialSyncRun.Status.SUCCEEDED
    assert TrialSyncRun.objects.count() == 1


def test_registry_menu_lists_trials_queries_and_runs(client, superuser):
    client.force_login(superuser)
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Registry" in content
    assert "Registry queries" in content
    assert "Sync runs" in content


# -- dashboard panel ---------------------------------------------------------------------------


def test_dashboard_shows_the_last_run_and_its_age(client, superuser):
    TrialSyncRunFactory(started=timezone.now() - timezone.timedelta(hours=5), fetched=42)
    client.force_login(superuser)
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Registry sync" in content
    assert "5\xa0hours ago" in content
    assert "42 fetched" in content
    assert "No successful sync in the last 36 hours" not in content


def test_dashboard_warns_when_the_last_success_is_old(client, superuser):
    TrialSyncRunFactory(started=timezone.now() - timezone.timedelta(days=3))
    TrialSyncRunFactory(status=TrialSyncRun.Status.FAILED, error="registry down")
    client.force_login(superuser)
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Failed" in content
    assert "registry down" in content
    assert "3\xa0days ago" in content
    assert "No successful sync in the last 36 hours" in content


def test_dashboard_when_never_synced(client, superuser):
    client.force_login(superuser)
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "The registry has never been synced" in content


def test_dashboard_panel_hidden_without_permission(client, editor):
    TrialSyncRunFactory()
    client.force_login(editor)
    content = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Registry sync" not in content
