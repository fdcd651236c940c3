"""The sync-run listing speaks the publisher's language: readable columns, honest run names."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model

from trials.models import TrialSyncRun

from .factories import TrialSyncRunFactory

pytestmark = pytest.mark.django_db


def listing(client):
    from trials.wagtail_hooks import sync_runs_admin

    user = get_user_model().objects.create_superuser("chief", "chief@example.org", "pw")
    client.force_login(user)
    response = client.get(sync_runs_admin.url_helper.index_url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    headers = [" ".join(th.get_text(" ").split()) for th in soup.select("table thead th")]
    rows = [
        [" ".join(td.get_text(" ").split()) for td in tr.select("td")]
        for tr in soup.select("table tbody tr")
    ]
    return headers, rows


def test_columns_have_readable_names_and_values(client):
    TrialSyncRunFactory(
        kind=TrialSyncRun.Kind.INCREMENTAL, trigger="schedule", pages=3, fetched=250
    )
    headers, rows = listing(client)
    for expected in ("Run", "Status", "Started by", "Result pages read", "Studies fetched"):
        assert expected in headers
    assert "Kind" not in headers and "Trigger" not in headers
    (row,) = rows
    run = row[headers.index("Run")]
    assert run == "Incremental"
    assert row[headers.index("Status")] == "Succeeded"  # not the raw value "succeeded"
    assert row[headers.index("Started by")] == "Schedule"
    assert row[headers.index("Studies fetched")] == "250"


def test_an_ids_run_is_not_called_full(client):
    TrialSyncRunFactory(
        kind=TrialSyncRun.Kind.FULL,  # what the sync records for an --ids run
        trigger="command",
        parameters={"ids": ["NCT99000001", "NCT99000002", "NCT99000003", "NCT99000004"]},
    )
    TrialSyncRunFactory(kind=TrialSyncRun.Kind.FULL, parameters={"scope": "stored"})
    TrialSyncRunFactory(kind=TrialSyncRun.Kind.FULL, parameters={"scope": "all"})
    headers, rows = listing(client)
    runs = sorted(row[headers.index("Run")] for row in rows)
    assert runs == [
        "Every stored trial",
        "Full",
        "Selected trials (NCT99000001, NCT99000002, NCT99000003 and 1 more)",
    ]
    assert "Command line" in [row[headers.index("Started by")] for row in rows]
