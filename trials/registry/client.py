"""A polite HTTP client for the ClinicalTrials.gov API v2.

One ``requests.Session`` (connection reuse), (connect, read) timeouts, a minimum interval
between requests, and retries with exponential backoff and jitter on connection errors,
timeouts, 429 and 5xx, honouring ``Retry-After``. A 200 whose body is not JSON (the
registry's proxies sometimes answer with an HTML page) is retried as well. Other 4xx
answers are not retried: their plain-text body is the registry's explanation.
"""

import email.utils
import json
import logging
import random
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

import requests
from django.conf import settings

from .fields import FIELDS

logger = logging.getLogger("trials.registry")

PRODUCT = "ClinicalMetric-CMS/0.1"
PAGE_SIZE = 1000  # the registry's maximum; larger values are silently capped
IDS_BATCH_SIZE = 100  # NCT IDs per filter.ids request (keeps URLs ~1.3 kB)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_AFTER_CAP = 300.0  # never sleep longer than this on one Retry-After
# An empty page that hands back the token it was asked with is "try again" (legal, if
# odd); more than this many in a row is a stuck cursor.
MAX_EMPTY_REPEATS = 3


class RegistryError(Exception):
    """The registry could not give us what we asked for."""


class RegistryUnavailable(RegistryError):
    """Still failing after every retry (connection errors, timeouts, 429, 5xx, bad bodies)."""


class RegistryRequestError(RegistryError):
    """The registry refused the request (4xx); ``message`` is its plain-text explanation."""

    def __init__(self, status: int, message: str, url: str = ""):
        self.status = status
        self.message = message
        self.url = url
        super().__init__(f"HTTP {status} from the registry: {message}")


class RegistryProtocolError(RegistryError):
    """A 200 answer that is JSON but not shaped like the API's documented response."""


class RepeatedPageToken(RegistryProtocolError):
    """The registry handed out a page token it had already given for this query: following
    it would loop forever (and renew the sync's lease forever)."""


@dataclass
class StudyPage:
    """One page of ``GET /studies``. ``raw`` holds each study's JSON text exactly as the
    registry sent it (parallel to ``studies``), or None if the page could not be split."""

    studies: list
    next_page_token: str | None
    total_count: int | None = None
    raw: list[str] | None = None


_DECODER = json.JSONDecoder()
_WS = " \t\n\r"


def _skip(text: str, i: int, chars: str = _WS) -> int:
    while i < len(text) and text[i] in chars:
        i += 1
    return i


def decode_studies_page(text: str) -> tuple[dict, list[str] | None]:
    """Decode a /studies answer, keeping each study's own JSON text as well.

    The sync hashes and stores that text as it came: no second serialisation of every
    study (which costs as much as parsing it). Raises ValueError on invalid JSON; if the
    layout is not the documented ``{"studies": [...], ...}`` the raw texts are None.
    """
    i = _skip(text, 0)
    if not text.startswith("{", i):
        return json.loads(text), None
    data: dict = {}
    raw: list[str] | None = None
    i = _skip(text, i + 1)
    while i < len(text) and text[i] != "}":
        key, i = _DECODER.raw_decode(text, i)
        i = _skip(text, i)
        if not isinstance(key, str) or not text.startswith(":", i):
            raise ValueError(f"malformed JSON object at character {i}")
        i = _skip(text, i + 1)
        if key == "studies" and text.startswith("[", i):
            studies, raw = [], []
            i = _skip(text, i + 1)
            while not text.startswith("]", i):
                study, end = _DECODER.raw_decode(text, i)
                studies.append(study)
                raw.append(text[i:end])
                i = _skip(text, end)
                if text.startswith(",", i):
                    i = _skip(text, i + 1)
                elif not text.startswith("]", i):
                    raise ValueError(f"malformed studies list at character {i}")
            data[key] = studies
            i += 1
        else:
            data[key], i = _DECODER.raw_decode(text, i)
        i = _skip(text, i)
        if text.startswith(",", i):
            i = _skip(text, i + 1)
        elif not text.startswith("}", i):
            raise ValueError(f"malformed JSON object at character {i}")
    if i >= len(text) or _skip(text, i + 1) != len(text):
        raise ValueError("trailing or missing characters after the JSON object")
    return data, raw


class _TokenGuard:
    """Remembers the page tokens of one query to refuse a loop."""

    def __init__(self, start: str | None):
        self.received: set[str] = {start} if start else set()
        self.empty_repeats = 0

    def check(self, sent: str | None, page: StudyPage) -> None:
        token = page.next_page_token
        if token is None:
            return
        if token == sent and not page.studies:
            self.empty_repeats += 1
            if self.empty_repeats <= MAX_EMPTY_REPEATS:
                return
        elif token not in self.received:
            self.received.add(token)
            self.empty_repeats = 0
            return
        raise RepeatedPageToken(
            f"the registry repeated the page token {token[:40]!r} it had already given for "
            "this query; stopped it to avoid looping forever"
        )


def user_agent() -> str:
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "")
    return f"{PRODUCT} (+{base}; ClinicalTrials.gov registry sync)"


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RegistryClient:
    """ClinicalTrials.gov API v2 client. Configuration defaults come from settings.

    ``sleep``, ``clock`` and ``jitter`` are injectable so that tests can check the
    waiting policy without waiting.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        session: requests.Session | None = None,
        timeout: tuple[float, float] | None = None,
        max_retries: int | None = None,
        requests_per_second: float | None = None,
        backoff_base: float | None = None,
        backoff_max: float | None = None,
        sleep=time.sleep,
        clock=time.monotonic,
        jitter=random.random,
    ):
        self.base_url = (base_url or settings.CTGOV_API_URL).rstrip("/")
        self.session = session or requests.Session()
        self.session.headers.update({"User-Agent": user_agent(), "Accept": "application/json"})
        self.timeout = timeout or (settings.CTGOV_TIMEOUT_CONNECT, settings.CTGOV_TIMEOUT_READ)
        self.max_retries = settings.CTGOV_MAX_RETRIES if max_retries is None else max_retries
        rps = (
            settings.CTGOV_REQUESTS_PER_SECOND
            if requests_per_second is None
            else (requests_per_second)
        )
        self.min_interval = 1.0 / rps if rps and rps > 0 else 0.0
        self.backoff_base = settings.CTGOV_BACKOFF_BASE if backoff_base is None else backoff_base
        self.backoff_max = settings.CTGOV_BACKOFF_MAX if backoff_max is None else backoff_max
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._next_request_at = 0.0
        self.requests_made = 0
        self.retries_made = 0

    def close(self) -> None:
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- low level -------------------------------------------------------------------

    def _wait_for_rate_limit(self) -> None:
        if not self.min_interval:
            return
        now = self._clock()
        if now < self._next_request_at:
            self._sleep(self._next_request_at - now)
            now = self._next_request_at
        self._next_request_at = now + self.min_interval

    def backoff_delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Delay before retry number ATTEMPT (1-based): Retry-After if given, else
        exponential (base * 2**(attempt-1), capped) with "equal jitter" (half fixed, half
        random) so that many clients do not retry in lockstep."""
        if retry_after is not None:
            return min(retry_after, RETRY_AFTER_CAP)
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
        return ceiling / 2 + self._jitter() * ceiling / 2

    def get_json(self, path: str, params: dict | None = None, *, decode=None):
        """GET PATH with PARAMS and return the decoded JSON object, retrying what is
        worth retrying. Raises RegistryUnavailable, RegistryRequestError.

        DECODE (text -> value) replaces ``json.loads``; a ValueError from it counts as
        an invalid body, retried like a 5xx."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        attempt = 0
        while True:
            attempt += 1
            retry_after = None
            self._wait_for_rate_limit()
            self.requests_made += 1
            try:
                response = self.session.get(url, params=params, timeout=self.timeout)
            except (
                requests.ConnectionError,
                requests.Timeout,
                # a connection cut mid-body surfaces as one of these two
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
            ) as exc:
                problem = f"{type(exc).__name__}: {exc}"
            else:
                if response.status_code == 200:
                    try:
                        data = (decode or json.loads)(response.content.decode("utf-8"))
                    except ValueError:
                        kind = response.headers.get("Content-Type", "?")
                        problem = f"HTTP 200 with a body that is not JSON ({kind})"
                    else:
                        shape = data[0] if decode else data
                        if not isinstance(shape, dict):
                            raise RegistryProtocolError(
                                f"expected a JSON object from {url}, got {type(shape).__name__}"
                            )
                        return data
                elif response.status_code in RETRY_STATUSES:
                    problem = f"HTTP {response.status_code}: {response.text[:200].strip()}"
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                else:
                    raise RegistryRequestError(
                        response.status_code, response.text.strip()[:1000], response.url
                    )
            if attempt > self.max_retries:
                raise RegistryUnavailable(
                    f"{url} still failing after {attempt} attempts; last problem: {problem}"
                )
            delay = self.backoff_delay(attempt, retry_after)
            self.retries_made += 1
            logger.warning(
                "Registry request failed (%s); retry %d/%d in %.1f s",
                problem,
                attempt,
                self.max_retries,
                delay,
            )
            self._sleep(delay)
            # A Retry-After pause also resets the politeness interval.
            self._next_request_at = max(self._next_request_at, self._clock())

    # -- API -------------------------------------------------------------------------

    def studies_page(
        self,
        params: dict,
        page_token: str | None = None,
        *,
        count_total: bool = False,
        fields: Sequence[str] | None = None,
    ) -> StudyPage:
        """One page of GET /studies. PARAMS are repeated unchanged with every token.
        FIELDS: the pieces to ask for (default: what the sync stores)."""
        query = {
            "format": "json",
            **params,
            "fields": "|".join(fields or FIELDS),
            "pageSize": PAGE_SIZE,
        }
        if count_total and not page_token:
            query["countTotal"] = "true"
        if page_token:
            query["pageToken"] = page_token
        data, raw = self.get_json("studies", query, decode=decode_studies_page)
        studies = data.get("studies", [])
        if not isinstance(studies, list):
            raise RegistryProtocolError("'studies' in the registry's answer is not a list")
        token = data.get("nextPageToken") or None
        total = data.get("totalCount")
        return StudyPage(
            studies=studies,
            next_page_token=token if isinstance(token, str) else None,
            total_count=total if isinstance(total, int) else None,
            raw=raw,
        )

    def iter_pages(
        self,
        params: dict,
        page_token: str | None = None,
        *,
        count_total: bool = True,
        prefetch: bool = True,
        fields: Sequence[str] | None = None,
    ) -> Iterator[StudyPage]:
        """Every page of a query, from PAGE_TOKEN (None: the first page).

        With PREFETCH, the next page is requested (in one background thread, still one
        request at a time and rate-limited) while the caller stores the current one, so
        that the registry's latency overlaps with our own work. Raises RepeatedPageToken
        if the registry hands out a token it already gave (a loop).
        """
        guard = _TokenGuard(page_token)
        if not prefetch:
            first = True
            while True:
                page = self.studies_page(
                    params, page_token, count_total=count_total and first, fields=fields
                )
                first = False
                guard.check(page_token, page)
                yield page
                if not page.next_page_token:
                    return
                page_token = page.next_page_token
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ctgov-prefetch")
        try:
            sent = page_token
            future = pool.submit(
                self.studies_page, params, page_token, count_total=count_total, fields=fields
            )
            while future is not None:
                page = future.result()
                guard.check(sent, page)
                sent = page.next_page_token
                future = (
                    pool.submit(self.studies_page, params, sent, fields=fields) if sent else None
                )
                yield page
        finally:
            # Let an in-flight request finish (it is bounded by timeouts) so that no
            # request of this query is still running when the caller moves on.
            pool.shutdown(wait=True, cancel_futures=True)

    def study(self, nct_id: str) -> dict | None:
        """GET /studies/{nctId}; None if the registry does not know it (404).

        An old alias answers 301 to the current ID; requests follows it.
        """
        try:
            return self.get_json(
                f"studies/{nct_id}", {"format": "json", "fields": "|".join(FIELDS)}
            )
        except RegistryRequestError as exc:
            if exc.status == 404:
                return None
            raise

    @staticmethod
    def id_batches(nct_ids: Sequence[str], size: int | None = None) -> list[list[str]]:
        size = size or IDS_BATCH_SIZE
        ids = sorted(set(nct_ids))
        return [ids[i : i + size] for i in range(0, len(ids), size)]

    @staticmethod
    def ids_params(nct_ids: Sequence[str]) -> dict:
        return {"filter.ids": ",".join(nct_ids)}
