"""Fetch trials from ClinicalTrials.gov now, with a progress bar (the daily task does the same)."""

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from trials.models import NCT_ID_RE, TrialQuery, TrialSyncRun
from trials.sync import SyncAlreadyRunning, SyncProgress, run_sync

EXIT_FAILED = 1
EXIT_PARTIAL = 2


class BarProgress(SyncProgress):
    """Draws the run's progress with tqdm; the total grows as each query announces its count."""

    def __init__(self, stream, disable: bool):
        self.bar = tqdm(total=0, unit=" studies", file=stream, disable=disable, dynamic_ncols=True)

    def add_total(self, count: int) -> None:
        self.bar.total = (self.bar.total or 0) + count
        self.bar.refresh()

    def advance(self, count: int, run: TrialSyncRun) -> None:
        self.bar.set_postfix(
            created=run.created, updated=run.updated, failed=run.failed, refresh=False
        )
        self.bar.update(count)

    def close(self) -> None:
        self.bar.close()


class Command(BaseCommand):
    help = (
        "Fetch trials from ClinicalTrials.gov: every active registry query and every cited "
        "trial (incremental from the last success), or only what the options name. Exit "
        f"code {EXIT_FAILED} if the run failed, {EXIT_PARTIAL} if some studies or queries failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--full", action="store_true", help="Fetch everything, not only recent updates."
        )
        parser.add_argument(
            "--since", metavar="YYYY-MM-DD", help="Only studies updated in the registry since."
        )
        parser.add_argument(
            "--all-stored",
            action="store_true",
            help="Re-fetch every stored trial by ID (what the weekly full refresh does).",
        )
        parser.add_argument("--query", metavar="NAME", help="Only this saved registry query.")
        parser.add_argument("--ids", nargs="+", metavar="NCT", help="Only these NCT IDs.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args, full, since, query, ids, all_stored, no_progress, **options):
        since_date = self._since(since)
        if all_stored and (full or since_date or query or ids):
            raise CommandError("--all-stored re-fetches every stored trial: use it alone.")
        if full and since_date:
            raise CommandError("--full and --since contradict each other: choose one.")
        if ids and (query or since_date):
            raise CommandError(
                "--ids fetches those studies whole: do not combine it with --query or --since."
            )
        nct_ids = self._ids(ids) if ids else None
        saved_query = self._query(query) if query else None

        stream = getattr(self.stderr, "_out", sys.stderr)
        progress = BarProgress(stream, disable=no_progress)
        try:
            run = run_sync(
                full=full,
                since=since_date,
                query=saved_query,
                ids=nct_ids,
                stored=all_stored,
                trigger="command",
                progress=progress,
            )
        except SyncAlreadyRunning as exc:
            raise CommandError(str(exc)) from exc
        finally:
            progress.close()

        if run.status == TrialSyncRun.Status.SUCCEEDED:
            self.stdout.write(self.style.SUCCESS(run.summary()))
            return
        self.stdout.write(run.summary())
        if run.status == TrialSyncRun.Status.PARTIAL:
            raise CommandError(
                f"Sync #{run.pk} finished with failures; see its warnings in the admin.",
                returncode=EXIT_PARTIAL,
            )
        raise CommandError(f"Sync #{run.pk} failed: {run.error}", returncode=EXIT_FAILED)

    @staticmethod
    def _since(value: str | None) -> date | None:
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--since must be a date like 2026-01-31, not {value!r}.") from None

    @staticmethod
    def _ids(values: list[str]) -> list[str]:
        ids = [part.strip().upper() for v in values for part in v.split(",") if part.strip()]
        bad = [v for v in ids if not NCT_ID_RE.match(v)]
        if bad:
            raise CommandError(
                f"Not an NCT ID: {', '.join(bad)} (expected NCT followed by 8 digits)."
            )
        return ids

    @staticmethod
    def _query(name: str) -> TrialQuery:
        try:
            return TrialQuery.objects.get(name=name)
        except TrialQuery.DoesNotExist:
            names = ", ".join(TrialQuery.objects.values_list("name", flat=True)) or "none yet"
            raise CommandError(f"No registry query named {name!r} (known: {names}).") from None
