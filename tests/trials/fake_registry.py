"""A fake ClinicalTrials.gov API v2 on 127.0.0.1, built from the registry's real responses.

It speaks the protocol the sync relies on: ``GET /api/v2/studies`` with ``pageSize``
(capped at 1000), opaque ``pageToken`` bound to the other parameters, ``countTotal``,
``fields`` (validated against the registry's own field metadata and applied as the
registry does), ``filter.ids``, ``filter.overallStatus``, ``filter.advanced`` (the
``AREA[LastUpdatePostDate]RANGE[a,b]`` form), ``query.cond/intr/term/spons``;
``GET /api/v2/studies/{nctId}`` with 404 for unknown IDs, 400 for malformed ones and 301
for aliases. Errors are plain text, as the registry's are.

A programmable fault queue makes the next matching requests fail in a chosen way (status
codes with or without ``Retry-After``, a connection cut mid-body, a stall past the read
timeout, invalid JSON, an HTML page, an empty page, an expired page token).

Used by the tests (a fixture starts it in a thread) and by ``benchmarks/sync.py`` (in a
separate process, with a generated registry of N studies of real shapes).
"""

import base64
import contextlib
import copy
import hashlib
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

from trials.demo import reference_studies
from trials.models import OverallStatus
from trials.registry.fields import project

METADATA = Path(__file__).parent / "data" / "studies_metadata.json"
API_PREFIX = "/api/v2"
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 1000
NCT_PARAM_RE = re.compile(r"^[Nn][Cc][Tt]0*[1-9]\d{0,7}$")
NCT_PATH_RE = re.compile(r"^NCT\d{8}$")
ADVANCED_RE = re.compile(r"^AREA\[(\w+)\]RANGE\[([^,\]]*),\s*([^\]]*)\]$")
KNOWN_AREAS = {"LastUpdatePostDate", "StartDate", "CompletionDate", "StudyFirstPostDate"}


# -- the registry's data -------------------------------------------------------------


def _walk_metadata(nodes, prefix=""):
    for node in nodes:
        path = f"{prefix}.{node['name']}" if prefix else node["name"]
        yield node.get("piece"), path
        yield from _walk_metadata(node.get("children") or [], path)


def field_paths() -> dict[str, str]:
    """Every name ``fields=`` accepts (piece names and dotted paths) -> dotted path."""
    if not hasattr(field_paths, "_cache"):
        paths: dict[str, str] = {}
        for piece, path in _walk_metadata(json.loads(METADATA.read_text())):
            if piece:
                paths[piece] = path
            paths[path] = path
        field_paths._cache = paths
    return field_paths._cache


def nct_id_of(study: dict) -> str:
    return study["protocolSection"]["identificationModule"]["nctId"]


def real_studies() -> list[dict]:
    """Every distinct study of the reference responses (fresh objects, full records)."""
    return reference_studies()


def real_study(nct_id: str) -> dict:
    for study in real_studies():
        if nct_id_of(study) == nct_id:
            return study
    raise KeyError(nct_id)


def _text(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return " ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return " ".join(_text(v) for v in value.values())
    return ""


def _haystacks(study: dict) -> dict[str, str]:
    p = study.get("protocolSection", {})
    cond = p.get("conditionsModule", {})
    sponsors = p.get("sponsorCollaboratorsModule", {})
    return {
        "query.cond": _text([cond.get("conditions"), cond.get("keywords")]).lower(),
        "query.intr": _text(p.get("armsInterventionsModule", {}).get("interventions")).lower(),
        "query.spons": _text([sponsors.get("leadSponsor"), sponsors.get("collaborators")]).lower(),
        "query.term": _text(p).lower(),
    }


@dataclass
class Filters:
    """The filtering parameters of a /studies request, validated."""

    ids: set[str] | None = None
    statuses: set[str] | None = None
    updated_from: date | None = None
    updated_to: date | None = None
    # param -> alternatives (OR) of words that must all appear (AND)
    queries: dict[str, list[list[str]]] = field(default_factory=dict)

    def key(self) -> str:
        return json.dumps(
            [
                sorted(self.ids or []),
                sorted(self.statuses or []),
                str(self.updated_from),
                str(self.updated_to),
                sorted(self.queries.items()),
            ]
        )

    def matches(self, study: dict) -> bool:
        ident = study["protocolSection"]["identificationModule"]
        status = study["protocolSection"].get("statusModule", {})
        if self.ids is not None:
            names = {ident["nctId"], *ident.get("nctIdAliases", [])}
            if not names & self.ids:
                return False
        if self.statuses is not None and status.get("overallStatus") not in self.statuses:
            return False
        if self.updated_from or self.updated_to:
            posted = status.get("lastUpdatePostDateStruct", {}).get("date")
            if not posted:
                return False
            posted = date.fromisoformat(posted)
            if self.updated_from and posted < self.updated_from:
                return False
            if self.updated_to and posted > self.updated_to:
                return False
        if self.queries:
            hay = _haystacks(study)
            for param, alternatives in self.queries.items():
                if not any(all(w in hay[param] for w in words) for words in alternatives):
                    return False
        return True


class StudyStore:
    """Studies served in NCT ID order. It owns the dicts it is given."""

    def __init__(self, studies: list[dict]):
        self._studies = sorted(studies, key=nct_id_of)
        self._by_id: dict[str, int] = {}
        self._aliases: dict[str, str] = {}
        self._reindex()

    def _reindex(self):
        self._by_id = {nct_id_of(s): i for i, s in enumerate(self._studies)}
        self._aliases = {}
        for s in self._studies:
            for alias in s["protocolSection"]["identificationModule"].get("nctIdAliases", []):
                self._aliases[alias] = nct_id_of(s)

    def __len__(self) -> int:
        return len(self._studies)

    def study(self, index: int) -> dict:
        return self._studies[index]

    def find(self, nct_id: str) -> dict | None:
        index = self._by_id.get(nct_id)
        return None if index is None else self._studies[index]

    def alias_target(self, nct_id: str) -> str | None:
        return self._aliases.get(nct_id)

    def matching(self, filters: Filters) -> list[int]:
        return [i for i, s in enumerate(self._studies) if filters.matches(s)]

    def projected(self, indices, paths) -> list[dict]:
        studies = [self._studies[i] for i in indices]
        return [project(s, paths) for s in studies] if paths is not None else studies

    # test helpers: change the registry between runs
    def put(self, study: dict) -> None:
        nct = nct_id_of(study)
        if nct in self._by_id:
            self._studies[self._by_id[nct]] = copy.deepcopy(study)
        else:
            self._studies.append(copy.deepcopy(study))
            self._studies.sort(key=nct_id_of)
        self._reindex()

    def remove(self, nct_id: str) -> None:
        self._studies = [s for s in self._studies if nct_id_of(s) != nct_id]
        self._reindex()

    def edit(self, nct_id: str, change: Callable[[dict], None]) -> dict:
        study = copy.deepcopy(self.find(nct_id))
        change(study)
        self.put(study)
        return study


class GeneratedStore(StudyStore):
    """N studies of real shapes (cycling through the reference records) with varied NCT
    IDs, titles, statuses, dates and enrollment. Built lazily, deterministic: the same
    index always gives the same study, so a second pass is a no-change pass."""

    STATUSES = [s for s in OverallStatus.values]
    # What the registry's search areas look at: enough to evaluate filters and queries.
    MATCH_PATHS = [
        "protocolSection.identificationModule",
        "protocolSection.statusModule",
        "protocolSection.sponsorCollaboratorsModule",
        "protocolSection.conditionsModule",
        "protocolSection.armsInterventionsModule",
        "protocolSection.designModule",
    ]

    def __init__(self, n: int, templates: list[dict] | None = None, first_id: int = 10_000_000):
        self.n = n
        self.first_id = first_id
        self._full = [json.dumps(t) for t in (templates or real_studies())]
        self._by_paths: dict[tuple, list[str]] = {}
        self._match_cache: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return self.n

    def nct(self, index: int) -> str:
        return f"NCT{self.first_id + index * 7:08d}"

    def index_of(self, nct_id: str) -> int | None:
        offset = int(nct_id[3:]) - self.first_id
        if offset < 0 or offset % 7 or offset // 7 >= self.n:
            return None
        return offset // 7

    def _templates(self, paths) -> list[str]:
        """Templates already projected on PATHS (parsing 1.5 MB records per study would
        make the fake registry, not the sync, the bottleneck of the benchmark)."""
        key = tuple(paths) if paths else ()
        if key not in self._by_paths:
            self._by_paths[key] = (
                [json.dumps(project(json.loads(t), paths)) for t in self._full]
                if paths
                else self._full
            )
        return self._by_paths[key]

    def study(self, index: int, paths=None) -> dict:
        templates = self._templates(paths)
        study = json.loads(templates[index % len(templates)])
        # Vary what the templates have (a projection may have dropped some of it).
        p = study["protocolSection"]
        ident = p["identificationModule"]
        ident["nctId"] = self.nct(index)
        ident.pop("nctIdAliases", None)
        if "briefTitle" in ident:
            ident["briefTitle"] = f"{ident['briefTitle']} (cohort {index})"
        status = p.get("statusModule", {})
        if "overallStatus" in status:
            status["overallStatus"] = self.STATUSES[(index * 7) % len(self.STATUSES)]
        if "lastUpdatePostDateStruct" in status:
            posted = date(2015, 1, 1) + timedelta(days=(index * 13) % 3650)
            status["lastUpdatePostDateStruct"] = {"date": posted.isoformat(), "type": "ACTUAL"}
        enrollment = p.get("designModule", {}).get("enrollmentInfo")
        if enrollment and "count" in enrollment:
            enrollment["count"] = 10 + (index * 31) % 2000
        return study

    def projected(self, indices, paths) -> list[dict]:
        return [self.study(i, paths) for i in indices]

    def find(self, nct_id: str) -> dict | None:
        index = self.index_of(nct_id)
        return None if index is None else self.study(index)

    def alias_target(self, nct_id: str) -> str | None:
        return None

    def matching(self, filters: Filters) -> list[int]:
        if filters.ids is not None and not (filters.statuses or filters.queries):
            found = sorted(i for i in map(self.index_of, filters.ids) if i is not None)
            return [i for i in found if filters.matches(self.study(i, self.MATCH_PATHS))]
        key = filters.key()
        if key not in self._match_cache:
            self._match_cache[key] = [
                i for i in range(self.n) if filters.matches(self.study(i, self.MATCH_PATHS))
            ]
        return self._match_cache[key]


# -- faults ---------------------------------------------------------------------------


@dataclass
class Fault:
    """How the next matching request fails. ``times`` requests are affected."""

    kind: str
    status: int = 200
    body: str = ""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0
    times: int = 1
    match: Callable | None = None  # request -> bool; default: every /studies request

    @classmethod
    def http(cls, status: int, body: str = "", retry_after: str | None = None, **kw):
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        return cls("http", status=status, body=body or f"HTTP {status}", headers=headers, **kw)

    @classmethod
    def reset_mid_body(cls, **kw):
        return cls("reset", **kw)

    @classmethod
    def stall(cls, seconds: float, **kw):
        return cls("stall", delay=seconds, **kw)

    @classmethod
    def invalid_json(cls, **kw):
        return cls("invalid_json", **kw)

    @classmethod
    def html(cls, **kw):
        return cls("html", **kw)

    @classmethod
    def empty_page(cls, **kw):
        return cls("empty_page", **kw)

    @classmethod
    def expired_token(cls, **kw):
        kw.setdefault("match", lambda req: "pageToken" in req.params)
        return cls("http", status=400, body="The page token has expired.", **kw)


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400):
        self.message = message
        self.status = status


def _split(value: str) -> list[str]:
    return [v.strip() for v in re.split(r"[,|]", value) if v.strip()]


# -- the server -----------------------------------------------------------------------


class FakeRegistry:
    """The fake registry: ``start()`` serves it on 127.0.0.1 in a thread; ``url`` is the
    API base to give the client (``CTGOV_API_URL``)."""

    def __init__(self, store: StudyStore | None = None):
        self.store = store if store is not None else StudyStore(real_studies())
        self.faults: deque[Fault] = deque()
        self.requests: list[SimpleNamespace] = []
        self.token_secret = "v1"
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.log_requests = True
        # Benchmarks: keep each page's body once built, as a real registry serves from
        # its own store; what is measured is the sync, not this server's JSON encoding.
        self.cache_pages = False
        self._page_cache: dict[tuple, bytes] = {}

    # lifecycle
    def start(self, port: int = 0) -> "FakeRegistry":
        registry = self

        class Handler(_Handler):
            pass

        Handler.registry = registry
        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self, port: int = 0, ready: Callable[[int], None] | None = None) -> None:
        """Serve in the current thread (benchmarks run this in a child process)."""
        registry = self

        class Handler(_Handler):
            pass

        Handler.registry = registry
        self.log_requests = False
        self.cache_pages = True
        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        if ready:
            ready(self._server.server_address[1])
        self._server.serve_forever()

    def stop(self) -> None:
        self._stopping.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{API_PREFIX}"

    # faults
    def add_fault(self, fault: Fault) -> None:
        with self._lock:
            self.faults.append(fault)

    def _take_fault(self, request) -> Fault | None:
        with self._lock:
            for fault in list(self.faults):
                matches = (
                    fault.match(request)
                    if fault.match
                    else request.path.startswith(f"{API_PREFIX}/studies")
                )
                if matches:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def expire_tokens(self) -> None:
        """Every page token handed out so far becomes invalid (400), as after a timeout."""
        self.token_secret += "x"

    # requests seen
    def studies_requests(self) -> list[SimpleNamespace]:
        return [r for r in self.requests if r.path == f"{API_PREFIX}/studies"]

    # protocol
    @staticmethod
    def signature(params: dict[str, str]) -> str:
        """What a page token is bound to: every parameter but the paging ones."""
        signed = {
            k: v for k, v in params.items() if k not in {"pageToken", "pageSize", "countTotal"}
        }
        return hashlib.sha256(json.dumps(sorted(signed.items())).encode()).hexdigest()[:16]

    def _token(self, offset: int, signature: str) -> str:
        raw = json.dumps({"o": offset, "s": signature, "k": self.token_secret}).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _read_token(self, token: str, signature: str) -> int:
        try:
            padded = token + "=" * (-len(token) % 4)
            data = json.loads(base64.urlsafe_b64decode(padded.encode()))
            offset = int(data["o"])
        except (ValueError, KeyError, TypeError) as exc:
            raise BadRequest(f"Invalid pageToken: {token}") from exc
        if data.get("k") != self.token_secret:
            raise BadRequest("The page token has expired.")
        if data.get("s") != signature:
            raise BadRequest("The page token does not match the query parameters.")
        return offset

    def parse_filters(self, params: dict[str, str]) -> Filters:
        filters = Filters()
        if "filter.ids" in params:
            ids = _split(params["filter.ids"])
            for value in ids:
                if not NCT_PARAM_RE.match(value):
                    raise BadRequest(f"filter.ids has incorrect format for value {value}")
            filters.ids = {f"NCT{int(v[3:]):08d}" for v in ids}
        if "filter.overallStatus" in params:
            statuses = _split(params["filter.overallStatus"])
            for value in statuses:
                if value not in OverallStatus.values:
                    raise BadRequest(f"Invalid value in parameter `overallStatus`: `{value}`")
            filters.statuses = set(statuses)
        if "filter.advanced" in params:
            match = ADVANCED_RE.match(params["filter.advanced"].strip())
            if not match:
                raise BadRequest(
                    "Error parsing query in advanced filter: "
                    f"unsupported expression {params['filter.advanced']!r}"
                )
            area, low, high = match.groups()
            if area not in KNOWN_AREAS:
                raise BadRequest(
                    f"Error parsing query in advanced filter: Unknown area name: `{area}`"
                )
            try:
                filters.updated_from = None if low.strip() == "MIN" else date.fromisoformat(low)
                filters.updated_to = None if high.strip() == "MAX" else date.fromisoformat(high)
            except ValueError as exc:
                raise BadRequest(f"Error parsing query in advanced filter: {exc}") from exc
        areas = {
            "query.cond": "Conditions or disease",
            "query.intr": "Intervention / treatment",
            "query.term": "Other terms",
            "query.spons": "Sponsor / collaborator",
        }
        for param, area in areas.items():
            value = params.get(param, "").strip()
            if not value:
                continue
            if value.count("(") != value.count(")"):
                raise BadRequest(f"Error parsing query in {area}: missing ')' at '<EOF>'")
            if "[" in value and "AREA[" not in value:
                raise BadRequest(f"Error parsing query in {area}: no viable alternative at input")
            filters.queries[param] = [
                [w for w in re.split(r"[\s()]+", alternative) if w and w != "and"]
                for alternative in re.split(r"\s+or\s+", value.lower())
            ]
        return filters

    def list_studies(self, params: dict[str, str]) -> dict:
        if params.get("format", "json") != "json":
            raise BadRequest("Only format=json is supported by this server.")
        try:
            page_size = int(params.get("pageSize") or 0) or DEFAULT_PAGE_SIZE
        except ValueError as exc:
            raise BadRequest("pageSize must be an integer") from exc
        page_size = min(max(page_size, 1), MAX_PAGE_SIZE)
        paths = None
        if "fields" in params:
            names = _split(params["fields"])
            if not names:
                raise BadRequest("Parameter 'fields' must not be empty")
            known = field_paths()
            for name in names:
                if name not in known:
                    raise BadRequest(f"Parameter 'fields' contains invalid field name: '{name}'")
            paths = [known[n] for n in names]
        filters = self.parse_filters(params)
        signature = self.signature(params)
        offset = self._read_token(params["pageToken"], signature) if "pageToken" in params else 0
        indices = self.store.matching(filters)
        chosen = indices[offset : offset + page_size]
        body: dict = {"studies": self.store.projected(chosen, paths)}
        if offset + page_size < len(indices):
            body["nextPageToken"] = self._token(offset + page_size, signature)
        if params.get("countTotal") == "true" and "pageToken" not in params:
            body["totalCount"] = len(indices)
        return body

    def one_study(self, nct_id: str, params: dict[str, str]) -> tuple[int, dict | str, dict]:
        if not NCT_PATH_RE.match(nct_id):
            return 400, f"The NCT number {nct_id} has incorrect format", {}
        target = self.store.alias_target(nct_id)
        if target:
            return 301, "", {"Location": f"{API_PREFIX}/studies/{target}"}
        study = self.store.find(nct_id)
        if study is None:
            return 404, f"Study {nct_id} not found", {}
        if "fields" in params:
            known = field_paths()
            names = _split(params["fields"])
            bad = [n for n in names if n not in known]
            if bad:
                return 400, f"Parameter 'fields' contains invalid field name: '{bad[0]}'", {}
            study = project(study, [known[n] for n in names])
        return 200, study, {}


class _Handler(BaseHTTPRequestHandler):
    registry: FakeRegistry
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # quiet
        pass

    def do_GET(self):
        parts = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        request = SimpleNamespace(
            path=parts.path, params=params, headers=dict(self.headers), time=time.monotonic()
        )
        registry = self.registry
        if registry.log_requests:
            with registry._lock:
                registry.requests.append(request)
        fault = registry._take_fault(request)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client gave up
            self._answer(request, fault)

    def _answer(self, request, fault: Fault | None) -> None:
        registry = self.registry
        if fault and fault.kind == "stall":
            registry._stopping.wait(fault.delay)
            fault = None
        if fault and fault.kind == "http":
            return self._send(fault.status, fault.body, "text/plain; charset=utf-8", fault.headers)
        if fault and fault.kind == "html":
            page = (
                "<!DOCTYPE html><html><body><h1>Service temporarily unavailable</h1></body></html>"
            )
            return self._send(200, page, "text/html; charset=utf-8")
        if fault and fault.kind == "invalid_json":
            return self._send(200, '{"studies": [{"protocolSection": {', "application/json")

        path = request.path
        cache_key = tuple(sorted(request.params.items()))
        if path == f"{API_PREFIX}/studies" and not fault and cache_key in registry._page_cache:
            return self._send(200, registry._page_cache[cache_key], "application/json")
        if path == f"{API_PREFIX}/studies":
            try:
                body = registry.list_studies(request.params)
            except BadRequest as exc:
                return self._send(exc.status, exc.message, "text/plain; charset=utf-8")
            if fault and fault.kind == "empty_page":
                token = request.params.get("pageToken")
                if token is None:
                    token = registry._token(0, registry.signature(request.params))
                body = {"studies": [], "nextPageToken": token}
            payload = json.dumps(body)
            if registry.cache_pages and not fault:
                payload = registry._page_cache.setdefault(cache_key, payload.encode())
        elif path.startswith(f"{API_PREFIX}/studies/"):
            status, body, headers = registry.one_study(path.rsplit("/", 1)[1], request.params)
            if status != 200:
                return self._send(status, body, "text/plain; charset=utf-8", headers)
            payload = json.dumps(body)
        else:
            return self._send(404, "Not found", "text/plain; charset=utf-8")

        if fault and fault.kind == "reset":
            data = payload if isinstance(payload, bytes) else payload.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: max(1, len(data) // 2)])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return None
        return self._send(200, payload, "application/json")

    def _send(self, status: int, body, content_type: str, headers: dict | None = None):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        return None
