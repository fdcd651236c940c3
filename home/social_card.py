"""The default sharing card (Open Graph / Twitter), drawn with Pillow.

``python -m home.social_card`` writes ``static/img/social-card.png`` (1200 x 630, the size
Open Graph and Twitter's large card expect). It is generated, not drawn by hand, so it
follows the colour system: rerun it when the brand colours change.
"""

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = (1200, 630)
PAPER = "#0f2b46"
INK = "#ffffff"
ACCENT = "#7cb8f2"
OUTPUT = Path(__file__).resolve().parent.parent / "static" / "img" / "social-card.png"


def draw_card() -> Image.Image:
    card = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(card)
    # The logo mark: a rounded square with a pulse line (as in the header's SVG).
    x, y, side = 96, 150, 128
    draw.rounded_rectangle((x, y, x + side, y + side), radius=28, fill=ACCENT)
    pulse = [(20, 68), (44, 68), (56, 40), (72, 92), (84, 68), (108, 68)]
    draw.line([(x + px, y + py) for px, py in pulse], fill=PAPER, width=10, joint="curve")
    title = ImageFont.load_default(size=88)
    text = ImageFont.load_default(size=40)
    draw.text((x + side + 40, y + 14), "ClinicalMetric", font=title, fill=INK)
    draw.text(
        (x, y + side + 70),
        "Treatment explainers, medically reviewed",
        font=text,
        fill=INK,
    )
    draw.text(
        (x, y + side + 130),
        "and checked against the trial registry.",
        font=text,
        fill=INK,
    )
    draw.rectangle((0, SIZE[1] - 18, SIZE[0], SIZE[1]), fill=ACCENT)
    return card


def main(argv=None) -> int:
    target = Path(argv[0]) if argv else OUTPUT
    target.parent.mkdir(parents=True, exist_ok=True)
    draw_card().save(target, optimize=True)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
