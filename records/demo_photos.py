"""Generated photos for synthetic people (DESIGN §4.5).

480×640 JPEG, the blue background of Chinese ID photos, a neutral grey silhouette and a visible
"仿真" mark, so a demo photo can never be mistaken for a picture of a real person.
"""

from __future__ import annotations

import functools
import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 480, 640
BACKGROUNDS = [(67, 142, 219), (61, 133, 210), (72, 150, 226)]
SHIRTS = [(58, 64, 76), (40, 46, 58), (92, 98, 110), (230, 232, 236)]


@functools.lru_cache(maxsize=1)
def cjk_font_path() -> Path:
    """Noto Sans SC from the justmytype-intl-cjk package (a TrueType font with CJK glyphs)."""
    import justmytype_intl_cjk

    root = Path(justmytype_intl_cjk.__file__).parent / "fonts"
    matches = sorted(root.rglob("NotoSansSC*.ttf"))
    if not matches:
        raise FileNotFoundError("Noto Sans SC is missing from justmytype-intl-cjk")
    return matches[0]


@functools.lru_cache(maxsize=8)
def _font(size: int, weight: int = 700) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(str(cjk_font_path()), size)
    font.set_variation_by_axes([weight])  # variable font: default instance is the thinnest
    return font


@functools.lru_cache(maxsize=512)  # deterministic, so a re-run of seed_demo draws nothing twice
def portrait(seed: int | str, *, caption: str = "仿真") -> bytes:
    """A deterministic JPEG portrait for a seed (the same seed gives the same picture)."""
    rng = random.Random(str(seed))
    background = rng.choice(BACKGROUNDS)
    image = Image.new("RGB", (WIDTH, HEIGHT), background)
    draw = ImageDraw.Draw(image)

    skin = (200, 204, 210)
    head_w = rng.randint(150, 176)
    head_h = int(head_w * rng.uniform(1.22, 1.32))
    cx, top = WIDTH // 2, rng.randint(120, 150)
    shirt = rng.choice(SHIRTS)
    # Shoulders first, then neck and head on top.
    draw.ellipse((cx - 230, top + head_h + 40, cx + 230, top + head_h + 420), fill=shirt)
    draw.rectangle((cx - 34, top + head_h - 20, cx + 34, top + head_h + 70), fill=skin)
    hair = (70, 72, 78)
    draw.ellipse(
        (cx - head_w // 2 - 8, top - 14, cx + head_w // 2 + 8, top + int(head_h * 0.62)),
        fill=hair,
    )
    draw.ellipse((cx - head_w // 2 + 6, top + 22, cx + head_w // 2 - 6, top + head_h), fill=skin)

    # The simulation mark: large, translucent, across the picture.
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    mark = ImageDraw.Draw(overlay)
    mark.text(
        (WIDTH // 2, HEIGHT // 2 + 60),
        caption,
        font=_font(150),
        anchor="mm",
        fill=(255, 255, 255, 90),
        stroke_width=3,
        stroke_fill=(20, 60, 120, 120),
    )
    mark.text(
        (WIDTH // 2, HEIGHT - 36),
        "SIMULATION · 仿真照片",
        font=_font(28),
        anchor="mm",
        fill=(255, 255, 255, 230),
        stroke_width=2,
        stroke_fill=(20, 60, 120, 200),
    )
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")

    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()
