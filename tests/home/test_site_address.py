"""The default Site answers at SITE_URL, so absolute URLs name the configured host."""

import json
import re
import shutil
import sqlite3

import pytest
from django.core.exceptions import ImproperlyConfigured
from wagtail.models import Site

from home.site_address import apply_to_default_site, configured_address
from tests.insights.factories import ExplainerPageFactory
from tests.processes import manage

pytestmark = pytest.mark.django_db


def test_migrate_gave_the_default_site_the_configured_address():
    # site/settings/test.py: SITE_URL = "http://testserver"
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("testserver", 80)


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("https://Cms.Example.org", ("cms.example.org", 443)),
        ("http://127.0.0.1:8000/", ("127.0.0.1", 8000)),
        ("https://readers.example.org:8443/path", ("readers.example.org", 8443)),
    ],
)
def test_configured_address(settings, url, address):
    settings.SITE_URL = url
    assert configured_address() == address


@pytest.mark.parametrize("url", ["cms.example.org", "ftp://cms.example.org", "https://:80", ""])
def test_a_site_url_that_is_not_http_is_a_clear_error(settings, url):
    settings.SITE_URL = url
    with pytest.raises(ImproperlyConfigured, match="SITE_URL must be an http"):
        configured_address()


def test_canonical_og_json_ld_and_sitemap_use_the_configured_host(client, settings):
    settings.SITE_URL = "https://readers.example.org"
    settings.ALLOWED_HOSTS = ["readers.example.org", "testserver"]
    assert apply_to_default_site() is True
    assert apply_to_default_site() is False  # already there: nothing to write
    page = ExplainerPageFactory(title="Host check")
    html = client.get(page.url, HTTP_HOST="readers.example.org").content.decode()
    expected = "https://readers.example.org/insights/host-check/"
    assert f'<link rel="canonical" href="{expected}">' in html
    assert f'<meta property="og:url" content="{expected}">' in html
    (ld,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert json.loads(ld)["url"] == expected
    index = client.get("/sitemap.xml", HTTP_HOST="readers.example.org").content.decode()
    assert "<loc>https://readers.example.org/sitemap-pages.xml</loc>" in index
    sitemap = client.get("/sitemap-pages.xml", HTTP_HOST="readers.example.org").content.decode()
    assert f"<loc>{expected}</loc>" in sitemap
    assert "localhost" not in sitemap + index


def test_a_site_already_holding_the_address_is_left_alone(settings):
    default = Site.objects.get(is_default_site=True)
    Site.objects.create(hostname="taken.example.org", port=443, root_page=default.root_page)
    settings.SITE_URL = "https://taken.example.org"
    assert apply_to_default_site() is False
    default.refresh_from_db()
    assert (default.hostname, default.port) == ("testserver", 80)


@pytest.mark.slow
def test_a_real_migrate_sets_the_address_from_the_environment(scratch_db_env, tmp_path):
    """`manage.py migrate` with SITE_URL in the environment (development settings, on a
    copy of the scratch database: nothing left to migrate, the address still follows)."""
    db_path = tmp_path / "db.sqlite3"
    shutil.copy(scratch_db_env["SCRATCH_DB_PATH"], db_path)
    env = {
        **scratch_db_env,
        "DJANGO_SETTINGS_MODULE": "site.settings.dev",
        "DATABASE_URL": f"sqlite:///{db_path}",
        "SITE_URL": "https://cms.example.org",
    }
    result = manage("migrate", "--no-input", env=env)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db_path) as db:
        rows = db.execute(
            "SELECT hostname, port FROM wagtailcore_site WHERE is_default_site"
        ).fetchall()
    assert rows == [("cms.example.org", 443)]


def test_flush_keeps_working_and_leaves_the_site_address(settings):
    """``flush`` sends post_migrate without the migration state's apps."""
    from django.core.management import call_command

    settings.SITE_URL = "https://trials.example.org"
    call_command("flush", "--no-input", verbosity=0)
    # flush empties the tables; the handler must not crash on the missing argument
    assert not Site.objects.exists()
