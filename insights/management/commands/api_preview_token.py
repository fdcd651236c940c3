"""Print a headless preview token (and URL) for a page's latest revision."""

from django.core.management.base import BaseCommand, CommandError
from django.test import RequestFactory
from wagtail.models import Page

from insights.api.preview import preview_token, preview_url


class Command(BaseCommand):
    help = "Print a signed, expiring headless preview token for a page's latest revision."

    def add_arguments(self, parser):
        parser.add_argument("page_id", type=int)

    def handle(self, *args, page_id, **options):
        page = Page.objects.filter(pk=page_id).first()
        if page is None:
            raise CommandError(f"No page with id {page_id}.")
        revision = page.get_latest_revision()
        if revision is None:
            raise CommandError(f"Page {page_id} has no revision to preview yet.")
        request = RequestFactory().get("/")
        token = preview_token(revision)
        self.stdout.write(f"token: {token}")
        self.stdout.write(f"url:   {preview_url(request, revision, token)}")
