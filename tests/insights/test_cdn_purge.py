"""CDN purge: a change purges the page, its listings and the API URLs that show it,
through Wagtail's HTTP purge backend, against a purge endpoint started by the test."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import wagtail_factories
from django.core.exceptions import ImproperlyConfigured

from site.settings.environment import frontend_cache_from_env
from tests.insights.factories import ExplainerPageFactory, disclaimer_block, paragraph
from tests.people.factories import PersonFactory
from trials.models import Trial
from trials.signals import trials_changed

pytestmark = pytest.mark.django_db


class PurgeEndpoint(ThreadingHTTPServer):
    """Records every PURGE it receives as (Host header, path)."""

    def __init__(self):
        self.purged: list[tuple[str, str]] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_PURGE(self):
                endpoint.purged.append((self.headers["Host"], self.path))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    def paths(self) -> set[str]:
        return {path for _host, path in self.purged}


@pytest.fixture
def purge_endpoint(settings):
    server = PurgeEndpoint()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WAGTAILFRONTENDCACHE = {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_address[1]}",
        }
    }
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def page():
    Trial.objects.create(nct_id="NCT00000777", brief_title="Cited trial", phases=[])
    return ExplainerPageFactory(
        title="Purged explainer",
        authors=[PersonFactory(name="Purge Author")],
        body=[paragraph("Cites NCT00000777."), disclaimer_block()],
    )


def test_publishing_purges_the_page_listings_api_and_trial_pages(
    page, purge_endpoint, django_capture_on_commit_callbacks
):
    trial = Trial.objects.get(nct_id="NCT00000777")
    with django_capture_on_commit_callbacks(execute=True):
        page.get_latest_revision_as_object().save_revision().publish()
    assert {
        "/insights/purged-explainer/",
        "/insights/",  # the index lists it
        "/",  # the home page lists explainers
        f"/api/v2/pages/{page.pk}/",
        "/api/v2/pages/",
        f"/api/v3/pages/{page.pk}/",
        # v3's own explainers endpoint is cached publicly too (site/api_v3/caching.py).
        f"/api/v3/explainers/{page.pk}/",
        "/api/v3/explainers/",
        "/trials/NCT00000777/",  # the trial page lists citing explainers
        f"/api/v2/trials/{trial.pk}/",
        f"/api/v3/trials/{trial.pk}/",
        "/api/v3/trials/NCT00000777/",
    } <= purge_endpoint.paths()
    # The Host header names the public site, as a CDN keys its cache.
    assert {host for host, _ in purge_endpoint.purged} == {"testserver"}


def test_a_person_edit_purges_their_explainers_and_their_api_object(
    page, purge_endpoint, django_capture_on_commit_callbacks
):
    person = page.authors.first().person
    with django_capture_on_commit_callbacks(execute=True):
        person.credentials = "MD, PhD"
        person.save_revision().publish()
    assert {
        "/insights/purged-explainer/",
        f"/api/v2/people/{person.pk}/",
        f"/api/v2/pages/{page.pk}/",
    } <= purge_endpoint.paths()


def test_an_image_edit_purges_the_pages_using_it(
    page, purge_endpoint, django_capture_on_commit_callbacks
):
    image = wagtail_factories.ImageFactory()
    with django_capture_on_commit_callbacks(execute=True):
        draft = page.get_latest_revision_as_object()
        draft.hero_image = image
        draft.save_revision().publish()
    purge_endpoint.purged.clear()
    with django_capture_on_commit_callbacks(execute=True):
        image.description = "New alt text"
        image.save()
    assert {"/insights/purged-explainer/", f"/api/v2/pages/{page.pk}/"} <= (purge_endpoint.paths())


def test_a_synced_trial_purges_its_pages_and_the_explainers_citing_it(
    page, purge_endpoint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        trials_changed.send(sender=Trial, nct_ids=["NCT00000777"])
    assert {"/trials/NCT00000777/", "/insights/purged-explainer/"} <= purge_endpoint.paths()


def test_nothing_is_purged_before_the_commit_or_for_unrelated_changes(
    page, purge_endpoint, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page.get_latest_revision_as_object().save_revision().publish()
    assert callbacks and purge_endpoint.purged == []
    with django_capture_on_commit_callbacks(execute=True):
        PersonFactory(name="On no page")
    assert not any(path.startswith("/insights/purged") for path in purge_endpoint.paths())


# Configuration from the environment -------------------------------------------------------


def test_unset_means_no_cdn():
    assert frontend_cache_from_env({}) == {}


def test_each_backend_is_configured_from_its_variables():
    assert frontend_cache_from_env(
        {"FRONTEND_CACHE": "http", "FRONTEND_CACHE_PURGE_URL": "http://varnish:6081"}
    ) == {
        "default": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": "http://varnish:6081",
        }
    }
    cloudflare = frontend_cache_from_env(
        {"FRONTEND_CACHE": "Cloudflare", "CLOUDFLARE_ZONE_ID": "z", "CLOUDFLARE_API_TOKEN": "t"}
    )["default"]
    assert cloudflare["ZONEID"] == "z" and cloudflare["BEARER_TOKEN"] == "t"
    cloudfront = frontend_cache_from_env(
        {"FRONTEND_CACHE": "cloudfront", "CLOUDFRONT_DISTRIBUTION_ID": "E123"}
    )["default"]
    assert cloudfront["DISTRIBUTION_ID"] == "E123"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"FRONTEND_CACHE": "akamai"}, "FRONTEND_CACHE must be one of"),
        ({"FRONTEND_CACHE": "http"}, "needs FRONTEND_CACHE_PURGE_URL"),
        ({"FRONTEND_CACHE": "cloudflare", "CLOUDFLARE_ZONE_ID": "z"}, "CLOUDFLARE_API_TOKEN"),
    ],
)
def test_a_bad_configuration_says_what_is_missing(environ, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        frontend_cache_from_env(environ)
