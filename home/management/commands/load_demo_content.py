"""Load the demo content once; running it again changes nothing that exists."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

# Order matters: people and trials before the explainers that cite them.
DEMO_LOADERS = [
    "home.demo.load",
    "people.demo.load",
    "trials.demo.load",
    "insights.demo.load",
    "insights.review_demo.load",
]


class Command(BaseCommand):
    help = "Load demo people, trials and explainers (idempotent)."

    def handle(self, *args, **options):
        def log(message: str) -> None:
            self.stdout.write(message)

        for dotted in DEMO_LOADERS:
            with transaction.atomic():
                import_string(dotted)(log)
        self.stdout.write(self.style.SUCCESS("Demo content ready."))
