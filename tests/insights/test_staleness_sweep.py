"""The staleness sweep: every input an explainer shows, changed, is seen by the next
anonymous reader, on two gunicorn workers sharing the cache (Redis, TEST_REDIS_URL).

Child processes cannot see the test database's transaction, so the sweep runs on a
database of its own (a copy of the migrated scratch SQLite file, or of the run's migrated
PostgreSQL template when the suite runs on PostgreSQL). Every change is made by a Django
process apart from the web workers, as an editor's request or the registry sync would.
"""

import json
import shutil
import subprocess
import textwrap
import urllib.parse
from contextlib import contextmanager

import pytest
import redis
from django.conf import settings
from django.db import connection

from tests import databases
from tests.processes import (
    BIN,
    PROJECT_ROOT,
    PYTHON,
    TEST_REDIS_URL,
    free_port,
    http_get,
    running,
    wait_for_http,
)

READS_PER_CHECK = 6  # two sync workers: each answers some of them

SETUP = """
import json
import wagtail_factories
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from wagtail.documents.models import Document
from tests.insights.factories import ExplainerPageFactory, paragraph, disclaimer_block
from tests.people.factories import PersonFactory
from trials.demo.records import build
from trials.sync.writer import store_page

study = build()[0]
nct_id = study["protocolSection"]["identificationModule"]["nctId"]
study["protocolSection"]["identificationModule"]["briefTitle"] = "Sweep trial, first title"
with transaction.atomic():  # as the sync writes each page of results
    store_page([study], timezone.now())
document = Document.objects.create(
    title="Protocol", file=ContentFile(b"v1", name="protocol-v1.pdf")
)
hero = wagtail_factories.ImageFactory(description="Sweep hero, first caption")
author = PersonFactory(name="Sweep Author", credentials="MD (sweep)")
page = ExplainerPageFactory(
    title="Sweep explainer",
    authors=[author],
    hero_image=hero,
    topics=["Sweep topic"],
    body=[
        paragraph(
            f'Cites {nct_id}; see <a linktype="document" id="{document.pk}">the protocol</a>.'
        ),
        disclaimer_block(),
    ],
)
print(json.dumps({"url": page.url, "nct_id": nct_id}))
"""

# (what changes, the shell code that changes it, text the next reader must see, text gone)
CHANGES = [
    (
        "person",
        """
        from people.models import Person
        person = Person.objects.get(name="Sweep Author")
        person.credentials = "MD, PhD (sweep)"
        person.save_revision().publish()
        """,
        "MD, PhD (sweep)",
        "(MD (sweep))",
    ),
    (
        "image alt text",
        """
        from wagtail.images.models import Image
        image = Image.objects.get(description="Sweep hero, first caption")
        image.description = "Sweep hero, second caption"
        image.save()
        """,
        "Sweep hero, second caption",
        "Sweep hero, first caption",
    ),
    (
        "image file replaced (renditions)",
        """
        import wagtail_factories
        from wagtail.images.models import Image
        image = Image.objects.get(description="Sweep hero, second caption")
        image.file = wagtail_factories.ImageFactory(file__filename="replaced-hero.jpg").file
        image.renditions.all().delete()
        image.save()
        """,
        "replaced-hero",
        None,
    ),
    (
        "document replaced",
        """
        from django.core.files.base import ContentFile
        from wagtail.documents.models import Document
        document = Document.objects.get(title="Protocol")
        document.file = ContentFile(b"v2", name="protocol-v2.pdf")
        document.save()
        """,
        "protocol-v2.pdf",
        "protocol-v1.pdf",
    ),
    (
        "topic",
        """
        from taggit.models import Tag
        tag = Tag.objects.get(name="Sweep topic")
        tag.name = "Renamed sweep topic"
        tag.save()
        """,
        "Renamed sweep topic",
        None,
    ),
    (
        "trial (registry sync)",
        """
        from django.db import transaction
        from django.utils import timezone
        from trials.demo.records import build
        from trials.sync.writer import store_page
        study = build()[0]
        study["protocolSection"]["identificationModule"]["briefTitle"] = "Sweep trial, new title"
        with transaction.atomic():
            store_page([study], timezone.now())
        """,
        "Sweep trial, new title",
        "Sweep trial, first title",
    ),
    (
        "index title",
        """
        from insights.models import InsightsIndexPage
        index = InsightsIndexPage.objects.get()
        index.title = "Sweep index, renamed"
        index.save_revision().publish()
        """,
        "Sweep index, renamed",
        None,
    ),
    (
        "sibling published (previous/next)",
        """
        from tests.insights.factories import ExplainerPageFactory
        ExplainerPageFactory(title="Sweep sibling")
        """,
        "Sweep sibling",
        None,
    ),
    (
        "site address (settings)",
        """
        from wagtail.models import Site
        site = Site.objects.get(is_default_site=True)
        site.hostname, site.port = "sweep.example.org", 443
        site.save()
        """,
        "https://sweep.example.org/",
        None,
    ),
    (
        "page published",
        """
        from insights.models import ExplainerPage
        page = ExplainerPage.objects.get(title="Sweep explainer").get_latest_revision_as_object()
        page.subtitle = "Sweep subtitle, second edition"
        page.save_revision().publish()
        """,
        "Sweep subtitle, second edition",
        None,
    ),
]


def child_database(tmp_path, scratch_db_env) -> str:
    """A database URL of the sweep's own, migrated: a copy of the run's template."""
    default = settings.DATABASES["default"]
    if default["ENGINE"].endswith("sqlite3"):
        path = tmp_path / "sweep.sqlite3"
        shutil.copy(scratch_db_env["SCRATCH_DB_PATH"], path)
        return f"sqlite:///{path}"
    name = f"{default['NAME']}_sweep"
    databases.copy_postgres_template(connection, name)
    server = f"postgres://{default['USER']}@{default['HOST']}:{default['PORT'] or 5432}"
    return f"{server}/{name}"


@pytest.fixture
def sweep_env(tmp_path, scratch_db_env, django_db_setup, django_db_blocker):
    env = dict(scratch_db_env)
    with django_db_blocker.unblock():
        database_url = child_database(tmp_path, scratch_db_env)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="tests.insights.sweep_settings",
        SWEEP_MEDIA_ROOT=str(tmp_path / "media"),
        REDIS_URL=TEST_REDIS_URL,
        GUNICORN_ACCESSLOG="/dev/null",
    )
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()
    yield env
    redis.Redis.from_url(TEST_REDIS_URL).flushdb()


@contextmanager
def two_workers(env):
    """gunicorn with two sync workers on a free port; yields its base URL."""
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"}
    with running([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"], env) as proc:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/healthz", proc)
        workers = subprocess.run(
            ["ps", "--ppid", str(proc.pid), "-o", "pid="], capture_output=True, text=True
        ).stdout.split()
        assert len(workers) == 2, workers
        yield base


# Makes each change as a long-lived admin worker would: one Django process for the whole
# sweep, a fresh namespace per change (a manage.py shell per change cost ~5 s of start-up).
EDITOR = """
import contextlib, io, json, sys, traceback
import django
django.setup()
for line in sys.stdin:
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output):
            exec(json.loads(line), {})
        reply = {"output": output.getvalue()}
    except Exception:
        reply = {"error": traceback.format_exc()}
    print(json.dumps(reply), flush=True)
"""


@contextmanager
def editor(env):
    """A Django process apart from the two web workers; yields ``change(code) -> stdout``."""
    proc = subprocess.Popen(
        [PYTHON, "-c", EDITOR],
        cwd=PROJECT_ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def change(code: str) -> str:
        proc.stdin.write(json.dumps(textwrap.dedent(code)) + "\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        assert line, f"the editor process exited with {proc.wait()}"
        reply = json.loads(line)
        assert "error" not in reply, reply.get("error")
        return reply["output"]

    try:
        yield change
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)


def reads(url: str) -> list[str]:
    bodies = []
    for _ in range(READS_PER_CHECK):
        status, body = http_get(url)
        assert status == 200, (url, status)
        bodies.append(body)
    return bodies


def test_every_input_shows_on_the_next_anonymous_read(sweep_env):
    stale = []
    with editor(sweep_env) as change, two_workers(sweep_env) as base:
        created = json.loads(change(SETUP).strip().splitlines()[-1])
        url = urllib.parse.urljoin(base, created["url"])
        first = reads(url)
        assert all("Sweep explainer" in body for body in first)
        assert all("Sweep trial, first title" in body for body in first)
        for name, code, shown, gone in CHANGES:
            before = reads(url)
            assert all(shown not in body for body in before), name
            change(code)
            after = reads(url)
            if not all(shown in body and (gone is None or gone not in body) for body in after):
                stale.append(name)
    assert stale == []
