"""The colour system and the CSS budget stated in static/css/site.css."""

import re
from pathlib import Path

import pytest

CSS_DIR = Path(__file__).resolve().parents[2] / "static" / "css"
SITE_CSS = (CSS_DIR / "site.css").read_text()
BUDGET_BYTES = 20 * 1024  # site.css, uncompressed (the budget its header states)

# (foreground, background) pairs the templates put text on.
TEXT_PAIRS = [
    ("ink", "paper"), ("muted", "paper"), ("ink", "surface"), ("muted", "surface"),
    ("accent", "paper"), ("accent", "surface"), ("accent-ink", "accent"), ("brand", "paper"),
    ("danger", "paper"), ("danger", "danger-bg"), ("ink", "danger-bg"),
    ("warn", "paper"), ("warn", "warn-bg"), ("ink", "warn-bg"),
    ("ok", "ok-bg"), ("accent", "info-bg"), ("ink", "info-bg"), ("paper", "brand"),
]  # fmt: skip


def variables(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", block))


def schemes() -> dict[str, dict[str, str]]:
    light = variables(SITE_CSS[SITE_CSS.index(":root") : SITE_CSS.index("}")])
    dark_start = SITE_CSS.index("@media (prefers-color-scheme: dark)")
    dark = {**light, **variables(SITE_CSS[dark_start : SITE_CSS.index("}", dark_start)])}
    return {"light": light, "dark": dark}


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_helper_matches_known_ratios():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_colour_pair_meets_wcag_aa(scheme):
    colours = schemes()[scheme]
    failing = [
        f"{fg} on {bg}: {contrast(colours[fg], colours[bg]):.2f}"
        for fg, bg in TEXT_PAIRS
        if contrast(colours[fg], colours[bg]) < 4.5
    ]
    assert failing == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_focus_ring_stands_out_from_the_page(scheme):
    colours = schemes()[scheme]
    # WCAG 2.2 focus appearance: at least 3:1 against the adjacent colours.
    assert contrast(colours["focus"], colours["paper"]) >= 3
    assert contrast(colours["focus"], colours["surface"]) >= 3


def test_dark_scheme_redefines_the_colours():
    light, dark = schemes()["light"], schemes()["dark"]
    assert dark["paper"] != light["paper"] and dark["ink"] != light["ink"]


def test_stylesheets_stay_within_budget():
    assert len(SITE_CSS.encode()) <= BUDGET_BYTES
    assert len((CSS_DIR / "trials.css").read_bytes()) <= 4 * 1024
