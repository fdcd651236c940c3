"""The site root: home page, health check, robots.txt, security headers, demo content."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page

from home.models import HomePage

pytestmark = pytest.mark.django_db


def test_migrations_create_the_home_page_as_site_root(client):
    home = HomePage.objects.get()
    assert home.get_parent().is_root()
    assert not Page.objects.filter(depth=2).exclude(pk=home.pk).exists()
    response = client.get("/")
    assert response.status_code == 200
    assert b"<h1" in response.content
    assert home.hero_title.encode() in response.content


def test_public_pages_carry_security_headers(client):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_admin_gets_its_own_csp(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "'unsafe-inline'" in response["Content-Security-Policy"]


def test_healthz_rejects_post(client):
    assert client.post("/healthz").status_code == 405


def test_robots_txt_points_to_sitemap_and_hides_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_sitemap_lists_the_home_page(client):
    assert b"<sitemapindex" in client.get("/sitemap.xml").content
    response = client.get("/sitemap-pages.xml")
    assert response.status_code == 200
    assert b"<urlset" in response.content
    assert b"<loc>http://testserver/</loc>" in response.content


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_heartbeat_schedule_is_created_by_migration():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="Worker heartbeat")
    assert schedule.func == "home.tasks.worker_heartbeat"
    assert schedule.schedule_type == Schedule.MINUTES


def test_load_demo_content_is_idempotent(capsys):
    call_command("load_demo_content")
    first = capsys.readouterr().out
    assert "Admin login" in first
    assert "password" in first
    call_command("load_demo_content")
    User = get_user_model()
    assert User.objects.filter(username="admin").count() == 1
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password("demo-lamp-river-42")
    assert HomePage.objects.count() == 1
