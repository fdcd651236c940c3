"""The fake registry's HTTP server, its protocol and its fault queue."""

import base64
import contextlib
import hashlib
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

from trials.models import OverallStatus
from trials.registry.fields import project

from .studies import Filters, StudyStore, field_paths, real_studies

API_PREFIX = "/api/v2"
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 1000
NCT_PARAM_RE = re.compile(r"^[Nn][Cc][Tt]0*[1-9]\d{0,7}$")
NCT_PATH_RE = re.compile(r"^NCT\d{8}$")
ADVANCED_RE = re.compile(r"^AREA\[(\w+)\]RANGE\[([^,\]]*),\s*([^\]]*)\]$")
KNOWN_AREAS = {"LastUpdatePostDate", "StartDate", "CompletionDate", "StudyFirstPostDate"}


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
    release: threading.Event | None = None  # a stall ends early when the test sets it

    @classmethod
    def http(cls, status: int, body: str = "", retry_after: str | None = None, **kw):
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        return cls("http", status=status, body=body or f"HTTP {status}", headers=headers, **kw)

    @classmethod
    def reset_mid_body(cls, **kw):
        return cls("reset", **kw)

    @classmethod
    def stall(cls, seconds: float, release: threading.Event | None = None, **kw):
        """Hang for SECONDS, or until RELEASE is set (tests that wait on another process)."""
        return cls("stall", delay=seconds, release=release, **kw)

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
    def repeat_token(cls, **kw):
        """A page with its studies whose nextPageToken is the token it was asked with."""
        kw.setdefault("match", lambda req: "pageToken" in req.params)
        return cls("repeat_token", **kw)

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
            (fault.release or registry._stopping).wait(fault.delay)
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
            if fault and fault.kind == "repeat_token":
                body["nextPageToken"] = request.params["pageToken"]
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
