"""Store one page of registry studies: change detection by hash, one bulk upsert.

Per page: one SELECT of the stored hashes; studies whose hash is unchanged are not
mapped and not written (unless their ``last_seen`` is older than LAST_SEEN_RESOLUTION,
then one set-based UPDATE refreshes it); new and changed studies are written with one
bulk upsert. On PostgreSQL that upsert is a ``COPY`` into a temporary table and one
``INSERT ... ON CONFLICT``; elsewhere Django's ``bulk_create(update_conflicts=True)``.
The caller wraps the page in a transaction, so a page is stored whole or not at all.
"""

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection

from trials.models import NCT_ID_RE, Trial, TrialAlias, TrialSite
from trials.registry.mapping import (
    COLUMNS,
    JSON_COLUMNS,
    MappedStudy,
    MappingError,
    canonical_json,
    content_hash,
    map_study,
    study_nct_id,
)
from trials.signals import trials_changed

logger = logging.getLogger("trials.sync")

# An unchanged study's last_seen is refreshed at most this often: a daily run marks
# every trial it saw, a re-run an hour later writes nothing at all.
LAST_SEEN_RESOLUTION = timedelta(hours=12)
UPDATED_ON_CONFLICT = [c for c in COLUMNS if c != "nct_id"] + [
    "last_seen",
    "last_changed",
    "missing_from_registry",
]
STAGE_TABLE = "trials_trial_stage"


@dataclass
class StatusChange:
    nct_id: str
    old_status: str
    new_status: str
    old_phases: list
    new_phases: list


@dataclass
class PageResult:
    """What storing one page did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    touched: int = 0  # unchanged, but last_seen refreshed
    warnings: list[str] = field(default_factory=list)
    status_changes: list[StatusChange] = field(default_factory=list)
    # NCT IDs (and their aliases) the page answered for, stored or not
    seen_ids: set[str] = field(default_factory=set)
    # the studies' own (current) NCT IDs only
    nct_ids: set[str] = field(default_factory=set)


def _aliases(study) -> list[str]:
    try:
        aliases = study["protocolSection"]["identificationModule"].get("nctIdAliases") or []
    except (KeyError, TypeError, AttributeError):
        return []
    return [a for a in aliases if isinstance(a, str)]


def store_page(studies: list, now: datetime, raw: list[str] | None = None) -> PageResult:
    """Upsert STUDIES (registry JSON objects). Call inside ``transaction.atomic()``.

    RAW, if given, holds each study's JSON text as the registry sent it: it is what is
    hashed and stored, which spares serialising every study again. Without it (demo
    fixtures), a canonical serialisation (sorted keys) is used.
    """
    result = PageResult()
    hashed: dict[str, tuple[dict, str, str]] = {}
    texts = raw if raw is not None and len(raw) == len(studies) else None
    for position, study in enumerate(studies):
        nct_id = study_nct_id(study)
        if nct_id is None or not NCT_ID_RE.match(nct_id):
            try:
                map_study(study)  # for the precise reason
                reason = f"unusable NCT ID {nct_id!r}"
            except MappingError as exc:
                reason = str(exc)
            result.failed += 1
            result.warnings.append(f"study not stored: {reason}")
            continue
        result.seen_ids.add(nct_id)
        result.nct_ids.add(nct_id)
        result.seen_ids.update(_aliases(study))
        canonical = texts[position] if texts else canonical_json(study)
        hashed[nct_id] = (study, canonical, content_hash(canonical))
    if not hashed:
        return result

    existing = _stored(list(hashed))
    to_write: list[MappedStudy] = []
    touch: list[str] = []
    for nct_id, (study, canonical, digest) in hashed.items():
        stored = existing.get(nct_id)
        if stored is not None and stored[0] == digest:
            result.unchanged += 1
            _, _, _, last_seen, missing = stored
            if missing or last_seen < now - LAST_SEEN_RESOLUTION:
                touch.append(nct_id)
            continue
        try:
            mapped = map_study(study, canonical=canonical, digest=digest)
        except MappingError as exc:
            result.failed += 1
            result.warnings.append(f"study not stored: {exc}")
            continue
        result.warnings.extend(mapped.warnings)
        to_write.append(mapped)
        if stored is None:
            result.created += 1
        else:
            result.updated += 1
            _, old_status, old_phases, _, _ = stored
            new_status = mapped.columns["overall_status"]
            new_phases = mapped.columns["phases"]
            if old_status != new_status or list(old_phases or []) != new_phases:
                result.status_changes.append(
                    StatusChange(nct_id, old_status, new_status, list(old_phases or []), new_phases)
                )

    if to_write:
        if connection.vendor == "postgresql":
            _copy_upsert(to_write, now)
        else:
            _orm_upsert(to_write, now)
        _store_aliases(to_write)
        store_sites(to_write)
        trials_changed.send(sender=Trial, nct_ids=[row.nct_id for row in to_write])
    if touch:
        Trial.objects.filter(nct_id__in=touch).update(last_seen=now, missing_from_registry=False)
        result.touched = len(touch)
    for warning in result.warnings:
        logger.warning("%s", warning)
    return result


def _store_aliases(rows: list[MappedStudy]) -> None:
    """Point each alias of the written studies at its current NCT ID (one statement, and
    only for pages that have aliases: few studies do)."""
    aliases = [
        TrialAlias(alias=alias, nct_id=row.nct_id)
        for row in rows
        for alias in row.columns["nct_id_aliases"]
        if alias != row.nct_id
    ]
    if aliases:
        TrialAlias.objects.bulk_create(
            aliases, update_conflicts=True, unique_fields=["alias"], update_fields=["nct_id"]
        )


SITE_COLUMNS = (
    "trial_id",
    "position",
    "facility",
    "city",
    "state",
    "postal_code",
    "country",
    "status",
    "latitude",
    "longitude",
)


def store_sites(rows: list[MappedStudy]) -> None:
    """Replace the sites of the written studies with those of their new records: one
    DELETE, then one COPY (PostgreSQL) or one bulk INSERT. A study's sites change
    together with its hash, so unchanged studies are not touched."""
    ids = dict(
        Trial.objects.filter(nct_id__in=[row.nct_id for row in rows]).values_list("nct_id", "id")
    )
    TrialSite.objects.filter(trial_id__in=list(ids.values())).delete()
    values = [
        {**site, "trial_id": ids[row.nct_id]}
        for row in rows
        if row.nct_id in ids
        for site in row.sites
    ]
    if not values:
        return
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        cols = ", ".join(quote(c) for c in SITE_COLUMNS)
        with connection.cursor() as cursor:
            sql = f"COPY {TrialSite._meta.db_table} ({cols}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for site in values:
                    copy.write_row([site[c] for c in SITE_COLUMNS])
        return
    TrialSite.objects.bulk_create([TrialSite(**site) for site in values], batch_size=500)


def _stored(nct_ids: list[str]) -> dict[str, tuple]:
    """``{nct_id: (content_hash, overall_status, phases, last_seen, missing)}``."""
    if connection.vendor == "postgresql":
        # One array parameter instead of a thousand: Django builds IN lists in Python.
        with connection.cursor() as cursor:
            sql = (
                "SELECT nct_id, content_hash, overall_status, phases, last_seen, "  # noqa: S608
                f"missing_from_registry FROM {Trial._meta.db_table} WHERE nct_id = ANY(%s)"
            )
            cursor.execute(sql, [nct_ids])
            # Django has psycopg hand jsonb over as text (JSONField decodes it itself).
            return {
                nct_id: (
                    digest,
                    status,
                    json.loads(phases) if isinstance(phases, str) else phases,
                    last_seen,
                    missing,
                )
                for nct_id, digest, status, phases, last_seen, missing in cursor.fetchall()
            }
    rows = Trial.objects.filter(nct_id__in=nct_ids).values_list(
        "nct_id", "content_hash", "overall_status", "phases", "last_seen", "missing_from_registry"
    )
    return {row[0]: row[1:] for row in rows}


def _orm_upsert(rows: list[MappedStudy], now: datetime) -> None:
    Trial.objects.bulk_create(
        [Trial(**row.columns, first_seen=now, last_seen=now, last_changed=now) for row in rows],
        update_conflicts=True,
        unique_fields=["nct_id"],
        update_fields=UPDATED_ON_CONFLICT,
    )


def _copy_value(column: str, row: MappedStudy):
    if column == "raw":
        return row.raw_json  # already serialised for the hash: no second dump
    value = row.columns[column]
    if column in JSON_COLUMNS:
        return json.dumps(value, ensure_ascii=False)
    return value


def _copy_upsert(rows: list[MappedStudy], now: datetime) -> None:
    """PostgreSQL: COPY the rows into a temporary table, then one INSERT ... ON CONFLICT.

    COPY sends rows in PostgreSQL's text format, so JSON columns travel as the strings we
    already have; Django's bulk_create would escape every JSON value again in Python.
    """
    table = Trial._meta.db_table
    quote = connection.ops.quote_name
    cols = ", ".join(quote(c) for c in COLUMNS)
    updates = ", ".join(
        f"{quote(c)} = EXCLUDED.{quote(c)}"
        for c in UPDATED_ON_CONFLICT
        if c != "missing_from_registry"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {STAGE_TABLE} "  # noqa: S608 (names are ours)
            f"ON COMMIT DELETE ROWS AS SELECT {cols} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(f"COPY {STAGE_TABLE} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([_copy_value(c, row) for c in COLUMNS])
        cursor.execute(
            f"INSERT INTO {table} ({cols}, first_seen, last_seen, last_changed, "  # noqa: S608
            f"missing_from_registry) SELECT {cols}, %s, %s, %s, false FROM {STAGE_TABLE} "
            f"ON CONFLICT (nct_id) DO UPDATE SET {updates}, missing_from_registry = false",
            [now, now, now],
        )
        # ON COMMIT empties the table too, but a caller's outer transaction (tests, a
        # demo load) may span several pages.
        cursor.execute(f"DELETE FROM {STAGE_TABLE}")  # noqa: S608
