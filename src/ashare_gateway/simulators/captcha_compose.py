"""Compose realistic 92x38 copy/save captchas from real digit crops.

Why this exists: real captchas can only be captured from a live 同花顺 xiadan client, so the tests, the
fake client and the benchmark need a generator that looks like the real thing -- white background,
four dark antialiased digits about 10 px wide with about 10 px between them, slightly jittered, with
light noise.  Building them from *real* digit crops (rather than a system font) keeps the glyph shapes
honest.

The digit crops come from the MIT-licensed project hylyq/xiadan-gateway
(MIT License, Copyright (c) 2026 xiadan-gateway; full text in the LICENSE file of the
captcha-digits data set).  The bundled ``captcha_model.npz`` carries the training-split crops.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
from PIL import Image

from ..brokers.ths.captcha.classify import MODEL_PATH  # the shipped model carries the glyphs

__all__ = ["CAPTCHA_SIZE", "bundled_glyphs", "compose_captcha", "glyph_content", "render_digit"]

CAPTCHA_SIZE = (92, 38)
# Width of a "normal" digit inside a 28x38 crop; narrower glyphs (a sans-serif 1) stay narrow.
_NOMINAL_GLYPH_WIDTH = 23.0

Glyphs = Mapping[str, Sequence[np.ndarray]]
RngLike = np.random.Generator | int | None


@lru_cache(maxsize=1)
def bundled_glyphs() -> dict[str, list[np.ndarray]]:
    """Digit crops stored in the bundled model, so composing works without the data set on disk."""
    with np.load(MODEL_PATH, allow_pickle=False) as data:
        images, labels = data["glyphs"], data["glyph_labels"]
    glyphs: dict[str, list[np.ndarray]] = {}
    for image, label in zip(images, labels, strict=True):
        glyphs.setdefault(str(label), []).append(np.asarray(image, dtype=np.uint8))
    return glyphs


def glyph_content(glyph: np.ndarray, threshold: int = 250) -> np.ndarray:
    """Crop a 28x38 glyph to its ink, keeping the faint antialias fringe (hence the high threshold)."""
    mask = glyph < threshold
    if not mask.any():
        return glyph
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return glyph[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def render_digit(glyph: np.ndarray, width: int, height: int, gamma: float = 0.75) -> np.ndarray:
    """Downscale a glyph to captcha size and return its coverage (0..1), i.e. an antialiased alpha mask.

    The crops were upscaled from ~10 px digits, so their strokes are greyer than the solid text the
    client draws; stretching the coverage to full strength (and a mild gamma) restores dark strokes
    with an antialiased fringe instead of letting thin strokes fade below the binarisation threshold.
    """
    content = Image.fromarray(glyph_content(np.asarray(glyph, dtype=np.uint8)))
    small = content.resize((max(1, width), max(1, height)), Image.Resampling.LANCZOS)
    coverage = np.clip((255.0 - np.asarray(small, dtype=np.float32)) / 255.0, 0.0, 1.0)
    peak = float(np.percentile(coverage, 98))
    if peak > 0.05:
        coverage = np.clip(coverage / peak, 0.0, 1.0)
    return coverage**gamma


def _rng(rng: RngLike) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _uniform_int(rng: np.random.Generator, bounds: tuple[int, int]) -> int:
    return int(rng.integers(bounds[0], bounds[1] + 1))


def _digit_box(
    glyph: np.ndarray, rng: np.random.Generator, width: tuple[int, int], height: tuple[int, int]
) -> tuple[int, int]:
    """Pick a size for one digit; the glyph's own aspect keeps a narrow 1 narrow."""
    content_width = glyph_content(glyph).shape[1]
    relative = min(1.15, content_width / _NOMINAL_GLYPH_WIDTH)
    return max(3, round(_uniform_int(rng, width) * relative)), _uniform_int(rng, height)


def _layout(
    widths: list[int], gaps: list[int], canvas_width: int, rng: np.random.Generator, x_jitter: int
) -> list[int]:
    """Left edge of every digit: centred run of digits and gaps, jittered, clamped inside the canvas."""
    total = sum(widths) + sum(gaps)
    start = (canvas_width - total) // 2 + int(rng.integers(-x_jitter, x_jitter + 1))
    start = min(max(1, start), max(1, canvas_width - total - 1))
    lefts, x = [], start
    for i, w in enumerate(widths):
        lefts.append(x)
        x += w + (gaps[i] if i < len(gaps) else 0)
    return lefts


def _paint(canvas: np.ndarray, alpha: np.ndarray, left: int, top: int, color: np.ndarray) -> None:
    """Alpha-composite one digit onto the float RGB canvas (clipped at the borders)."""
    height, width = canvas.shape[:2]
    x0, y0 = max(0, left), max(0, top)
    x1, y1 = min(width, left + alpha.shape[1]), min(height, top + alpha.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    a = alpha[y0 - top : y1 - top, x0 - left : x1 - left, None]
    region = canvas[y0:y1, x0:x1]
    canvas[y0:y1, x0:x1] = region * (1.0 - a) + color * a


def _add_noise(canvas: np.ndarray, rng: np.random.Generator, noise: float, specks: tuple[int, int]) -> None:
    """Light sensor-like noise plus a few dark specks, like the residue seen on real captchas."""
    if noise > 0:
        canvas += rng.normal(0.0, noise, canvas.shape)
    height, width = canvas.shape[:2]
    for _ in range(_uniform_int(rng, specks)):
        y, x = int(rng.integers(0, height - 1)), int(rng.integers(0, width - 1))
        size_y, size_x = _uniform_int(rng, (1, 2)), _uniform_int(rng, (1, 2))
        canvas[y : y + size_y, x : x + size_x] = rng.uniform(40, 190)


def compose_captcha(
    digits: str,
    rng: RngLike = None,
    *,
    glyphs: Glyphs | None = None,
    size: tuple[int, int] = CAPTCHA_SIZE,
    digit_width: tuple[int, int] = (9, 11),
    digit_height: tuple[int, int] = (20, 26),
    gap: tuple[int, int] = (8, 12),
    x_jitter: int = 3,
    y_jitter: int = 3,
    noise: float = 5.0,
    specks: tuple[int, int] = (0, 3),
    color: tuple[int, int, int] | None = None,
) -> Image.Image:
    """Build an RGB captcha showing ``digits`` from real digit crops.

    ``gap`` is the blank space between neighbouring digits (inclusive range, pixels); pass e.g.
    ``(-1, 0)`` to make digits touch.  ``glyphs`` maps each digit character to 28x38 uint8 crops and
    defaults to the training crops shipped in the bundled model.  Everything random comes from
    ``rng`` so a seed reproduces the image exactly.
    """
    if not digits or not digits.isdigit():
        raise ValueError(f"compose_captcha needs decimal digits, got {digits!r}")
    gen = _rng(rng)
    pool = glyphs if glyphs is not None else bundled_glyphs()
    chosen = [np.asarray(pool[d][int(gen.integers(0, len(pool[d])))], dtype=np.uint8) for d in digits]
    boxes = [_digit_box(glyph, gen, digit_width, digit_height) for glyph in chosen]
    gaps = [_uniform_int(gen, gap) for _ in range(len(digits) - 1)]
    lefts = _layout([w for w, _ in boxes], gaps, size[0], gen, x_jitter)
    ink = np.array(color if color is not None else gen.integers(0, 90, 3), dtype=np.float32)
    canvas = np.full((size[1], size[0], 3), 255.0, dtype=np.float32)
    for glyph, (w, h), left in zip(chosen, boxes, lefts, strict=True):
        top = (size[1] - h) // 2 + int(gen.integers(-y_jitter, y_jitter + 1))
        top = min(max(1, top), max(1, size[1] - h - 1))
        _paint(canvas, render_digit(glyph, w, h), left, top, ink)
    _add_noise(canvas, gen, noise, specks)
    return Image.fromarray(np.clip(canvas, 0, 255).round().astype(np.uint8), "RGB")
