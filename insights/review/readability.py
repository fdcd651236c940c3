"""How hard an explainer's body is to read: reading grade and Flesch reading ease (textstat).

A warning, never a blocker: the target (``EXPLAINER_READING_GRADE_MAX``, default 9, the
US school grade a reader needs) tells reviewers when to ask for plainer words.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

# Below this many words the formulas say nothing useful.
MIN_WORDS = 30


@dataclass(frozen=True)
class Readability:
    """The figures for one body text, and whether they meet the target."""

    words: int
    grade: float | None  # Flesch-Kincaid grade level
    flesch: float | None  # Flesch reading ease (0-100, higher is easier)
    target: int

    @property
    def measured(self) -> bool:
        return self.grade is not None

    @property
    def over_target(self) -> bool:
        return self.measured and self.grade > self.target

    @property
    def message(self) -> str:
        if not self.measured:
            return (
                f"Too short to measure ({self.words} words; readability needs at least "
                f"{MIN_WORDS})."
            )
        text = (
            f"Reading grade {self.grade:.1f} (target: {self.target} or below); Flesch "
            f"reading ease {self.flesch:.0f} (60 or more reads as plain English)."
        )
        if self.over_target:
            text += " Harder than the target: ask for shorter sentences and plainer words."
        return text


def grade_target() -> int:
    return int(getattr(settings, "EXPLAINER_READING_GRADE_MAX", 9))


def readability_of(text: str) -> Readability:
    words = len(text.split())
    if words < MIN_WORDS:
        return Readability(words, None, None, grade_target())
    # textstat loads its word lists on import (~0.7 s): every process would pay it at
    # start-up (web and task workers, management commands) for a screen few of them show.
    import textstat

    return Readability(
        words,
        float(textstat.flesch_kincaid_grade(text)),
        float(textstat.flesch_reading_ease(text)),
        grade_target(),
    )


def body_readability(page) -> Readability:
    """Readability of PAGE's body (an explainer, or a revision's object)."""
    return readability_of(page.body_text())
