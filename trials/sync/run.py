"""run_sync(): the one function behind ``manage.py sync_trials`` and the daily task."""

import contextlib
import logging
import time
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from trials import facet_counts
from trials.models import SyncWatermark, Trial, TrialQuery, TrialQueryMatch, TrialSyncRun
from trials.registry.client import (
    RegistryClient,
    RegistryError,
    RegistryRequestError,
    RepeatedPageToken,
)
from trials.registry.mapping import study_nct_id
from trials.signals import trial_status_changed

from . import lease
from .plan import Source, build_plan, plan_key
from .writer import LAST_SEEN_RESOLUTION, PageResult, store_page

logger = logging.getLogger("trials.sync")

RESUME_WINDOW = timedelta(hours=20)  # within the plan's one-day overlap
MAX_TOKEN_RESTARTS = 2
ID_FIELDS = ("NCTId",)  # listing a query's matches: NCT IDs only
MAX_RECHECK = 100_000  # trials a whole-registry pass did not return, re-checked by ID
# A page that wrote nothing saves the run's progress at most this often (seconds): a
# no-change pass then commits no write per page. A page that wrote saves at once, so
# the saved cursor never lags behind stored data (a resume re-reads a few pages at most).
PROGRESS_EVERY = 5.0
PROGRESS_FIELDS = [
    "pages",
    "fetched",
    "created",
    "updated",
    "unchanged",
    "failed",
    "missing",
    "warnings",
    "cursor",
]


class SyncProgress:
    """Receives progress as a run goes; the command draws a progress bar from it."""

    def add_total(self, count: int) -> None:
        """The registry announced COUNT more studies to come."""

    def advance(self, count: int, run: TrialSyncRun) -> None:
        """A page of COUNT studies was stored."""


class _Abort(Exception):
    """Stop the whole run: the registry is unusable or our lease is gone."""


def run_sync(
    *,
    full: bool = False,
    since: date | None = None,
    query: TrialQuery | None = None,
    ids: list[str] | None = None,
    stored: bool = False,
    trigger: str = "manual",
    client: RegistryClient | None = None,
    progress: SyncProgress | None = None,
) -> TrialSyncRun:
    """Fetch from the registry and store. Returns the finished TrialSyncRun.

    Registry and storage errors never escape: they are recorded on the run (status
    ``failed`` or ``partial``). Raises ``SyncAlreadyRunning`` if another run holds the
    lease, without recording anything.
    """
    holder = lease.new_holder()
    if not lease.acquire(holder):
        raise lease.SyncAlreadyRunning(lease.current())
    own_client = client is None
    client = client or RegistryClient()
    progress = progress or SyncProgress()
    # Inside a caller's transaction (tests) another connection cannot see our lease row:
    # the page loop renews it instead of a heartbeat.
    beating = not transaction.get_connection().in_atomic_block
    try:
        with lease.Heartbeat(holder) if beating else contextlib.nullcontext():
            _close_interrupted_runs()
            sources, parameters = build_plan(
                full=full, since=since, query=query, ids=ids, stored=stored
            )
            key = plan_key(sources)
            resume = _resumable(key)
            run = TrialSyncRun.objects.create(
                kind=(
                    TrialSyncRun.Kind.FULL
                    if (full or ids or stored)
                    else TrialSyncRun.Kind.INCREMENTAL
                ),
                trigger=trigger,
                parameters=parameters,
                cursor={"plan": key, "source": 0, "page_token": None, "params": None},
                resumed_from=resume,
            )
            _Runner(run, sources, key, client, holder, progress, beating=beating).execute(
                resume.cursor if resume else None
            )
            return run
    finally:
        if own_client:
            client.close()
        lease.release(holder)


def _close_interrupted_runs() -> None:
    """Runs still marked running while we hold the lease died without finishing."""
    TrialSyncRun.objects.filter(status=TrialSyncRun.Status.RUNNING).update(
        status=TrialSyncRun.Status.FAILED,
        finished=timezone.now(),
        error="Interrupted: the process stopped before the run finished (its lease expired).",
    )


def _resumable(key: str) -> TrialSyncRun | None:
    last = TrialSyncRun.objects.order_by("-started", "-pk").first()
    if (
        last is not None
        and last.status == TrialSyncRun.Status.FAILED
        and last.cursor.get("plan") == key
        and last.started >= timezone.now() - RESUME_WINDOW
        and (last.cursor.get("source") or last.cursor.get("page_token"))
    ):
        return last
    return None


class _Runner:
    def __init__(self, run, sources: list[Source], key, client, holder, progress, beating=False):
        self.run = run
        self.sources = sources
        self.key = key
        self.client = client
        self.holder = holder
        self.progress = progress
        self.source_errors: list[str] = []
        self._fetched_ids: dict[int, set[str]] = {}  # per source index, this run
        self._saved_at = time.monotonic()
        self._renewed_at = time.monotonic()
        self._renew_every = lease.lease_duration().total_seconds() / 10
        self._beating = beating  # a Heartbeat renews the lease: the page loop only checks

    def execute(self, resume_cursor: dict | None) -> None:
        run = self.run
        start_index = resume_cursor.get("source", 0) if resume_cursor else 0
        try:
            for index, source in enumerate(self.sources):
                if index < start_index:
                    continue
                token = params = None
                if resume_cursor and index == start_index and resume_cursor.get("page_token"):
                    token = resume_cursor["page_token"]
                    params = resume_cursor.get("params") or source.params
                self._fetch_source(index, source, params or source.params, token)
        except _Abort as exc:
            self._finish(TrialSyncRun.Status.FAILED, str(exc))
        except Exception as exc:
            logger.exception("Registry sync #%s failed", run.pk)
            self._finish(
                TrialSyncRun.Status.FAILED, f"Unexpected error: {type(exc).__name__}: {exc}"
            )
        except BaseException as exc:
            self._finish(TrialSyncRun.Status.FAILED, f"Interrupted ({type(exc).__name__})")
            raise
        else:
            if self.source_errors or run.failed:
                self._finish(TrialSyncRun.Status.PARTIAL, "")
            else:
                self._finish(TrialSyncRun.Status.SUCCEEDED, "")

    def _finish(self, status: str, error: str) -> None:
        run = self.run  # its counters cover exactly the pages whose writes committed
        errors = [*self.source_errors, error] if error else list(self.source_errors)
        run.status = status
        run.error = "\n".join(errors)
        # the finder's facet counts, emptied by the pages written, counted again once
        # (before the save: its serving event then forgets the facets cached meanwhile);
        # a run that wrote nothing only checks they are there
        if run.created or run.updated or facet_counts.counts() is None:
            facet_counts.rebuild_quietly()
        run.finished = timezone.now()
        run.save()
        log = logger.info if status == TrialSyncRun.Status.SUCCEEDED else logger.warning
        log("%s", run.summary())

    def _fetch_source(self, index: int, source: Source, params: dict, token: str | None) -> None:
        restarts = 0
        # What this source returned, kept only where it is compared with something (a
        # mirror pass of 600,000 studies keeps nothing: memory stays flat).
        track = source.detect_missing or source.query_id is not None
        seen: set[str] = set()  # NCT IDs and aliases the registry answered for
        current: set[str] = set()  # the studies' own NCT IDs
        detect_missing = source.detect_missing and token is None
        whole = token is None and "filter.advanced" not in params
        while True:
            try:
                for page in self.client.iter_pages(params, token, count_total=token is None):
                    if page.total_count:
                        self.progress.add_total(page.total_count)
                    result = self._store(index, params, page, page.next_page_token)
                    if track:
                        seen |= result.seen_ids
                        current |= result.nct_ids
                        self._fetched_ids.setdefault(index, set()).update(result.nct_ids)
                    token = page.next_page_token
                break
            except RegistryRequestError as exc:
                if token and exc.status == 400 and restarts < MAX_TOKEN_RESTARTS:
                    # An expired page token: start the query again (writes are idempotent).
                    restarts += 1
                    self._warn(
                        f"{source.label}: the registry refused the page token ({exc.message}); "
                        "restarting this query from its first page"
                    )
                    token, params, seen, current = None, source.params, set(), set()
                    detect_missing = source.detect_missing
                    whole = "filter.advanced" not in params
                    continue
                self._source_failed(index, source, exc)
                return
            except RepeatedPageToken as exc:
                # This query's paging is broken; the others may be fine.
                self._source_failed(index, source, exc)
                return
            except RegistryError as exc:
                raise _Abort(f"{source.label}: {exc}") from exc
            except lease.LeaseLost as exc:
                raise _Abort(str(exc)) from exc
        if source.query_id and not self._reconcile_matches(
            index, source, current if whole else None
        ):
            return  # recorded as a source error; the watermark stays where it was
        if source.whole_registry and whole:
            self._recheck_unseen(index, source)
        with transaction.atomic():
            lease.renew(self.holder)
            self._renewed_at = time.monotonic()
            if detect_missing:
                self._mark_missing(source, seen)
            if source.query_id:
                TrialQuery.objects.filter(pk=source.query_id).update(last_synced=self.run.started)
            if source.watermark:
                SyncWatermark.objects.update_or_create(
                    name=source.watermark, defaults={"synced_from": self.run.started}
                )
            self._advance_cursor(index + 1)

    def _reconcile_matches(self, index: int, source: Source, matched: set[str] | None) -> bool:
        """Re-fetch by ID the stored studies the query matched before and matches no
        more (a study that left RECRUITING drops out of a status-filtered query, and an
        incremental run would never see it again), and the studies it matches now that
        this run did not fetch (a status changed without a new update date). MATCHED:
        what the query returned, if this run fetched it whole; else the matching IDs are
        listed (NCT IDs only: one light request per 1,000 studies)."""
        if matched is None:
            params = {k: v for k, v in source.params.items() if k != "filter.advanced"}
            matched = set()
            try:
                for page in self.client.iter_pages(params, count_total=False, fields=ID_FIELDS):
                    lease.check(self.holder)
                    matched.update(filter(None, map(study_nct_id, page.studies)))
            except (RegistryRequestError, RepeatedPageToken) as exc:
                self._source_failed(index, source, exc)
                return False
            except RegistryError as exc:
                raise _Abort(f"{source.label} (listing its matches): {exc}") from exc
            except lease.LeaseLost as exc:
                raise _Abort(str(exc)) from exc
            fetched = self._fetched_ids.get(index, set())
        else:
            fetched = matched
        before = set(
            TrialQueryMatch.objects.filter(query_id=source.query_id).values_list(
                "nct_id", flat=True
            )
        )
        left = before - matched
        # Matches this run did not fetch: only a query synced before can tell them from
        # studies outside its date window (on a first run they are the whole query).
        entered = (matched - before - fetched) if source.matches_known else set()
        refetch = sorted(left | entered)
        for batch in RegistryClient.id_batches(refetch):
            self._fetch_source(
                index,
                Source(
                    key=f"{source.key}:recheck",
                    label=f"{source.label}: re-check {batch[0]}…{batch[-1]}",
                    params=RegistryClient.ids_params(batch),
                    requested_ids=batch,
                    detect_missing=True,
                ),
                RegistryClient.ids_params(batch),
                None,
            )
        if refetch:
            self._warn(
                f"{source.label}: re-fetched by ID {len(left)} stored studies it matched "
                f"before and matches no more, and {len(entered)} new matches outside the "
                "run's date window"
            )
        if before != matched:  # a no-change pass writes nothing
            with transaction.atomic():
                TrialQueryMatch.objects.filter(
                    query_id=source.query_id, nct_id__in=sorted(before - matched)
                ).delete()
                TrialQueryMatch.objects.bulk_create(
                    [
                        TrialQueryMatch(query_id=source.query_id, nct_id=nct_id)
                        for nct_id in sorted(matched - before)
                    ],
                    batch_size=1000,
                    ignore_conflicts=True,
                )
        return True

    def _recheck_unseen(self, index: int, source: Source) -> None:
        """After a whole pass over the registry, re-fetch by ID the stored trials it did
        not return (in the database, not in memory: every trial the pass saw had its
        ``last_seen`` refreshed, or seen within LAST_SEEN_RESOLUTION anyway)."""
        cutoff = self.run.started - LAST_SEEN_RESOLUTION
        unseen = Trial.objects.filter(last_seen__lt=cutoff, missing_from_registry=False)
        ids = list(unseen.order_by("nct_id").values_list("nct_id", flat=True)[:MAX_RECHECK])
        for batch in RegistryClient.id_batches(ids):
            self._fetch_source(
                index,
                Source(
                    key=f"{source.key}:unseen",
                    label=f"{source.label}: not returned {batch[0]}…{batch[-1]}",
                    params=RegistryClient.ids_params(batch),
                    requested_ids=batch,
                    detect_missing=True,
                ),
                RegistryClient.ids_params(batch),
                None,
            )
        if ids:
            self._warn(f"{source.label}: {len(ids)} stored trials it did not return re-checked")

    def _source_failed(self, index: int, source: Source, exc: Exception) -> None:
        self.source_errors.append(f"{source.label}: {exc}")
        logger.warning("Registry sync #%s: %s: %s", self.run.pk, source.label, exc)
        self._advance_cursor(index + 1)

    def _advance_cursor(self, index: int) -> None:
        self.run.cursor = {"plan": self.key, "source": index, "page_token": None, "params": None}
        self._save_progress()

    def _save_progress(self) -> None:
        self.run.save(update_fields=PROGRESS_FIELDS)
        self._saved_at = time.monotonic()

    def _hold_lease(self) -> None:
        """Without a heartbeat, renew the lease when a tenth of it has gone by; otherwise
        only check (a read) that nobody took it over, so that a page that writes nothing
        writes nothing."""
        if not self._beating and time.monotonic() - self._renewed_at > self._renew_every:
            lease.renew(self.holder)
            self._renewed_at = time.monotonic()
        else:
            lease.check(self.holder)

    def _store(self, index: int, params: dict, page, next_token: str | None) -> PageResult:
        run = self.run
        studies = page.studies
        now = timezone.now()
        before = (
            run.pages,
            run.fetched,
            run.created,
            run.updated,
            run.unchanged,
            run.failed,
            list(run.warnings),
            run.cursor,
        )
        try:
            with transaction.atomic():
                self._hold_lease()
                result: PageResult = store_page(studies, now, page.raw)
                run.pages += 1
                run.fetched += len(studies)
                run.created += result.created
                run.updated += result.updated
                run.unchanged += result.unchanged
                run.failed += result.failed
                for warning in result.warnings:
                    run.add_warning(warning)
                run.cursor = {
                    "plan": self.key,
                    "source": index,
                    "page_token": next_token,
                    "params": params,
                }
                wrote = result.created or result.updated or result.touched or result.warnings
                if wrote or time.monotonic() - self._saved_at > PROGRESS_EVERY:
                    self._save_progress()
        except Exception:
            # This page's writes rolled back: so do its counts.
            (
                run.pages,
                run.fetched,
                run.created,
                run.updated,
                run.unchanged,
                run.failed,
                run.warnings,
                run.cursor,
            ) = before
            raise
        self._send_status_changes(result)
        self.progress.advance(len(studies), run)
        return result

    def _send_status_changes(self, result: PageResult) -> None:
        if not result.status_changes:
            return
        trials = Trial.objects.in_bulk(
            [c.nct_id for c in result.status_changes], field_name="nct_id"
        )
        for change in result.status_changes:
            responses = trial_status_changed.send_robust(
                sender=Trial,
                trial=trials[change.nct_id],
                old_status=change.old_status,
                new_status=change.new_status,
                old_phases=change.old_phases,
                new_phases=change.new_phases,
                run=self.run,
            )
            for receiver, response in responses:
                if isinstance(response, Exception):
                    self._warn(
                        f"{change.nct_id}: status-change receiver {receiver!r} failed: {response}"
                    )

    def _mark_missing(self, source: Source, seen: set[str]) -> None:
        missing = [nct_id for nct_id in source.requested_ids if nct_id not in seen]
        if not missing:
            return
        Trial.objects.filter(nct_id__in=missing, missing_from_registry=False).update(
            missing_from_registry=True
        )
        self.run.missing += len(missing)
        for nct_id in missing:
            self.run.add_warning(f"{nct_id}: not found in the registry; marked missing")

    def _warn(self, message: str) -> None:
        logger.warning("Registry sync #%s: %s", self.run.pk, message)
        self.run.add_warning(message)
        self.run.save(update_fields=["warnings"])
