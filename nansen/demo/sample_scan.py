"""The demo's "scan": a small PNG of a plain card that says what it is, a sample and not a document."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Final

from PIL import Image, ImageDraw, ImageFont

WIDTH: Final = 640
HEIGHT: Final = 400
MARGIN: Final = 32
#: ASCII only: the font Pillow bundles has no dashes.
WARNING: Final = "SAMPLE - NOT A REAL DOCUMENT"


def sample_scan(title: str, facts: Mapping[str, str]) -> bytes:
    """A PNG card: the title, the facts one per line, and the warning in red across the bottom."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "#fbf7ee")
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, WIDTH - 9, HEIGHT - 9), outline="#5a4a2f", width=3)
    draw.text((MARGIN, MARGIN), title, fill="#2b2418", font=ImageFont.load_default(size=30))
    body = ImageFont.load_default(size=18)
    for line, (name, value) in enumerate(facts.items()):
        draw.text((MARGIN, 90 + 28 * line), f"{name}: {value}", fill="#2b2418", font=body)
    draw.text((MARGIN, HEIGHT - 70), WARNING, fill="#b00020", font=ImageFont.load_default(size=28))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
