"""The fake registry's studies: our example records plus, when present, the registry's
reference records, or N generated ones; and the filters of the /studies endpoint."""

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from tests import reference_records as reference
from trials.demo.loader import example_studies
from trials.models import OverallStatus
from trials.registry.fields import PIECES, project

# -- the registry's data -------------------------------------------------------------


def _walk_metadata(nodes, prefix=""):
    for node in nodes:
        path = f"{prefix}.{node['name']}" if prefix else node["name"]
        yield node.get("piece"), path
        yield from _walk_metadata(node.get("children") or [], path)


def _walk_study(node, prefix=""):
    if isinstance(node, list):
        for item in node:
            yield from _walk_study(item, prefix)
    elif isinstance(node, dict):
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else key
            yield path
            yield from _walk_study(value, path)


def field_paths() -> dict[str, str]:
    """Every name ``fields=`` accepts (piece names and dotted paths) -> dotted path.

    From the registry's own field metadata when the reference records are here; without
    them, the sync's piece names and every path our example records hold."""
    if not hasattr(field_paths, "_cache"):
        paths: dict[str, str] = {}
        metadata = reference.field_metadata()
        if metadata is not None:
            for piece, path in _walk_metadata(metadata):
                if piece:
                    paths[piece] = path
                paths[path] = path
        else:
            paths.update(PIECES)
            for path in PIECES.values():
                paths[path] = path
            for study in example_studies():
                paths.update((path, path) for path in _walk_study(study))
        field_paths._cache = paths
    return field_paths._cache


def nct_id_of(study: dict) -> str:
    return study["protocolSection"]["identificationModule"]["nctId"]


def real_studies() -> list[dict]:
    """Every distinct study of the registry's reference responses (fresh objects, full
    records). Only for tests marked ``reference_records``."""
    return reference.reference_studies()


def study_record(nct_id: str) -> dict:
    """One study the fake registry serves (a fresh object)."""
    for study in served_studies():
        if nct_id_of(study) == nct_id:
            return study
    raise KeyError(nct_id)


def served_studies() -> list[dict]:
    """What the fake registry of the tests serves: our example records, and the reference
    records when they are on this machine."""
    studies = example_studies()
    if reference.available():
        studies += reference.reference_studies()
    return studies


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
    """N studies of real shapes (cycling through the served records) with varied NCT
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
        self._full = [json.dumps(t) for t in (templates or served_studies())]
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
