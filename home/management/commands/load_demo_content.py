"""Load the demo content once; running it again changes nothing that exists."""

from django.core import mail
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils.module_loading import import_string

# Order matters: people and trials before the explainers that cite them.
DEMO_LOADERS = [
    "home.demo.load",
    "people.demo.load",
    "trials.demo.loader.load",
    "insights.demo.load",
    "insights.review_demo.load",
]


class Command(BaseCommand):
    help = "Load demo people, trials and explainers (idempotent)."

    def handle(self, *args, **options):
        def log(message: str) -> None:
            self.stdout.write(message)

        # The demo walks explainers through review; keep its notification e-mails out
        # of the console (the real ones still go to EMAIL_BACKEND afterwards).
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            mail.outbox = []
            for dotted in DEMO_LOADERS:
                with transaction.atomic():
                    import_string(dotted)(log)
            if mail.outbox:
                log(f"({len(mail.outbox)} review e-mails of demo steps were not sent.)")
        self.stdout.write(self.style.SUCCESS("Demo content ready."))
