"""What changed: an explainer's dated change log, generated from its reviewed versions.

Each completed review (``insights.review.records.CompletedReview``) froze one published
revision. Comparing each reviewed revision's content with the one reviewed before it
gives, in plain words, the blocks that changed ("Risks: added 'Infections'"); the
registry flags that review resolved say which cited trials changed ("Trial NCT… now
Completed"). Nothing is typed by hand; the reviewers are the review's own sign-offs.
Three queries for the whole log.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.html import strip_tags

from insights.review_record import STAGE_NAMES
from trials import labels

MAX_ENTRIES = 10
MAX_CHANGES = 12
# A review resolves the registry flags of its page raised before it was completed.
FLAG_WINDOW = dt.timedelta(minutes=5)
STATUS_IN_REASON = re.compile(r"status changed from \w+ to (\w+)")
BLOCK_NAMES = {
    "heading": "Section",
    "paragraph": "Text",
    "steps": "Steps",
    "risks": "Risks",
    "definition": "Definition",
    "callout": "Key fact",
    "trial_list": "Trials",
    "references": "References",
    "disclaimer": "Disclaimer",
}


@dataclass(frozen=True)
class ChangeLogEntry:
    """One reviewed version: when it was reviewed, by whom, and what it changed."""

    reviewed_on: dt.date
    changes: list[str]
    reviewers: list[tuple[str, str]] = field(default_factory=list)  # (stage, name)
    first: bool = False

    def as_dict(self) -> dict:
        return {
            "reviewed_on": self.reviewed_on.isoformat(),
            "first_reviewed_version": self.first,
            "changes": self.changes,
            "reviewers": [{"stage": stage, "name": name} for stage, name in self.reviewers],
        }


def _items(value) -> list:
    """A ListBlock's raw items (stored either plain or as {"type": "item", "value": ...})."""
    return [
        item["value"] if isinstance(item, dict) and item.get("type") == "item" else item
        for item in value or []
    ]


def _body(content: dict) -> list[dict]:
    body = content.get("body") or []
    if isinstance(body, str):
        body = json.loads(body or "[]")
    return body


def _text(value) -> str:
    return " ".join(strip_tags(str(value or "")).split())


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _named(value, key: str) -> dict[str, dict]:
    return {_text(item.get(key)): item for item in _items(value) if isinstance(item, dict)}


def _compare_named(label: str, old: dict, new: dict, key: str, what=None) -> list[str]:
    before, after = _named(old.get(what or ""), key), _named(new.get(what or ""), key)
    changes = [f"{label}: added “{_short(name)}”" for name in after if name not in before]
    changes += [f"{label}: removed “{_short(name)}”" for name in before if name not in after]
    for name in after:
        if name in before and after[name] != before[name]:
            if label == "Risks" and after[name].get("severity") != before[name].get("severity"):
                severity = str(after[name].get("severity", "")).replace("_", "-")
                changes.append(f"Risks: “{_short(name)}” now rated {severity}")
            else:
                changes.append(f"{label}: revised “{_short(name)}”")
    return changes


def _block_changes(old: dict | None, new: dict | None, section: str) -> list[str]:
    """Plain-words changes of one block (OLD None: added; NEW None: removed)."""
    block = new or old
    kind = block["type"]
    name = BLOCK_NAMES.get(kind, kind.replace("_", " ").capitalize())
    where = f" in “{_short(section)}”" if section else ""
    value = block.get("value")
    if kind == "heading":
        title = _text(value.get("text") if isinstance(value, dict) else value)
        if old is None:
            return [f"Added the section “{_short(title)}”"]
        if new is None:
            return [f"Removed the section “{_short(title)}”"]
        before = _text(old["value"].get("text") if isinstance(old["value"], dict) else old["value"])
        return [f"Renamed the section “{_short(before)}” to “{_short(title)}”"]
    named = {"risks": ("risks", "name"), "steps": ("steps", "title")}
    if kind in named and (old is None or new is None):
        # A whole list added or removed: name its items, as within a list.
        empty = {named[kind][0]: []}
        before = old["value"] if old else empty
        after = new["value"] if new else empty
        return _compare_named(name, before, after, named[kind][1], named[kind][0])
    if kind == "trial_list" and (old is None or new is None):
        empty = {"nct_ids": []}
        old, new = old or {"value": empty}, new or {"value": empty}
    elif old is None:
        return [f"{name}: added{where}"]
    elif new is None:
        return [f"{name}: removed{where}"]
    if kind == "risks":
        return _compare_named("Risks", old["value"], new["value"], "name", "risks")
    if kind == "steps":
        return _compare_named("Steps", old["value"], new["value"], "title", "steps")
    if kind == "trial_list":
        before = {_text(i) for i in _items(old["value"].get("nct_ids"))}
        after = {_text(i) for i in _items(new["value"].get("nct_ids"))}
        return [f"Trials: added {n}" for n in sorted(after - before)] + [
            f"Trials: removed {n}" for n in sorted(before - after)
        ]
    return [f"{name}: revised{where}"]


def describe_changes(old: dict, new: dict) -> list[str]:
    """What changed from revision content OLD to NEW, in plain words."""
    changes = []
    if _text(old.get("title")) != _text(new.get("title")):
        changes.append(f"Title: now “{_short(_text(new.get('title')))}”")
    if _text(old.get("summary")) != _text(new.get("summary")):
        changes.append("The short version: revised")
    old_blocks = {block.get("id"): block for block in _body(old)}
    seen, section = set(), ""
    for block in _body(new):
        if block["type"] == "heading":
            value = block.get("value")
            section = _text(value.get("text") if isinstance(value, dict) else value)
        previous = old_blocks.get(block.get("id"))
        seen.add(block.get("id"))
        if previous is None:
            changes += _block_changes(None, block, section)
        elif previous.get("value") != block.get("value") or previous["type"] != block["type"]:
            changes += _block_changes(previous, block, section)
    for block_id, block in old_blocks.items():
        if block_id not in seen:
            changes += _block_changes(block, None, "")
    unique = list(dict.fromkeys(changes))
    if len(unique) > MAX_CHANGES:
        unique = [*unique[:MAX_CHANGES], f"and {len(unique) - MAX_CHANGES} more changes"]
    return unique


def _trial_changes(flags, since, until) -> list[str]:
    changes = []
    for flag in flags:
        if flag.resolved_at is None or not (since < flag.resolved_at <= until + FLAG_WINDOW):
            continue
        match = STATUS_IN_REASON.search(flag.reason)
        if match:
            changes.append(f"Trial {flag.nct_id} now {labels.label(labels.STATUS, match[1])}")
        else:
            changes.append(f"Trial {flag.nct_id}: registry entry changed")
    return list(dict.fromkeys(changes))


def change_log_for(page, limit: int = MAX_ENTRIES) -> list[ChangeLogEntry]:
    """PAGE's reviewed versions, newest first, each with its changes and reviewers."""
    from insights.review.flags import RegistryCheckFlag
    from insights.review.records import CompletedReview

    reviews = list(
        CompletedReview.objects.filter(page_id=page.pk, revision__isnull=False)
        .select_related("revision")
        .prefetch_related("sign_offs")
        .order_by("completed_at", "pk")
    )
    if not reviews:
        return []
    flags = list(
        RegistryCheckFlag.objects.filter(page_id=page.pk, resolved_at__isnull=False).only(
            "nct_id", "reason", "resolved_at"
        )
    )
    entries, previous = [], None
    for review in reviews:
        content = review.revision.content
        reviewers = [
            (STAGE_NAMES[s.stage - 1], s.person_name)
            for s in sorted(review.sign_offs.all(), key=lambda s: s.stage)
            if 1 <= s.stage <= len(STAGE_NAMES)
        ]
        day = timezone.localdate(review.completed_at)
        if previous is None:
            entries.append(ChangeLogEntry(day, ["First reviewed version"], reviewers, True))
        else:
            changes = describe_changes(previous.revision.content, content)
            changes += _trial_changes(flags, previous.completed_at, review.completed_at)
            entries.append(ChangeLogEntry(day, changes or ["Checked again, no changes"], reviewers))
        previous = review
    return list(reversed(entries))[:limit]
