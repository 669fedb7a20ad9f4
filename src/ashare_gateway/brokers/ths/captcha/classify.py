"""Classification of segmented captcha digits, and the recogniser the adapter uses (segment + classify).

A multinomial logistic regression on normalised 16x24 ink features, read from the bundled
``captcha_model.npz`` (weights, bias, the training glyphs the captcha composer reuses, provenance).
Training is a dev-only step: ``tools/captcha/train.py`` (scikit-learn) writes this same file format.

Training data: digit crops from the MIT-licensed project hylyq/xiadan-gateway (MIT License,
Copyright (c) 2026 xiadan-gateway; full text in the LICENSE file of the captcha-digits data set).
"""

from __future__ import annotations

import io
import json
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

from .segment import CaptchaUnreadable, ImageInput, ink_bbox, load_gray, segment_captcha

FEATURE_SIZE = (16, 24)
DIGITS = "0123456789"
MODEL_PATH = Path(__file__).with_name("captcha_model.npz")
MODEL_VERSION = 1


@dataclass(frozen=True)
class CaptchaReading:
    """Digits plus per-digit confidence, for callers that want to retry on a shaky read."""

    text: str
    confidences: tuple[float, ...]

    @property
    def confidence(self) -> float:
        return min(self.confidences) if self.confidences else 0.0


def digit_features(crop: np.ndarray) -> np.ndarray:
    """Shape descriptor of one digit: ink inside its bbox at 16x24, zero-mean, unit length.

    Re-cropping to the bbox makes the feature independent of margins, and normalising removes
    stroke darkness/colour, which vary between clients.
    """
    gray = np.asarray(crop, dtype=np.uint8)
    box = ink_bbox(gray)
    if box is None:
        return np.zeros(FEATURE_SIZE[0] * FEATURE_SIZE[1], dtype=np.float32)
    y0, y1, x0, x1 = box
    small = Image.fromarray(np.ascontiguousarray(gray[y0:y1, x0:x1])).resize(
        FEATURE_SIZE, Image.Resampling.BILINEAR
    )
    ink = (255.0 - np.asarray(small, dtype=np.float32).ravel()) / 255.0
    ink -= ink.mean()
    norm = float(np.linalg.norm(ink))
    return ink / norm if norm > 1e-6 else ink


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


# --------------------------------------------------------------------------- recogniser


@lru_cache(maxsize=4)
def _load_model(path: str) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


class CaptchaRecognizer:
    """Reads 4-digit xiadan captchas; cheap to call, safe to share between threads."""

    def __init__(
        self,
        weights: np.ndarray,
        bias: np.ndarray,
        glyphs: np.ndarray,
        glyph_labels: np.ndarray,
        *,
        failures_dir: str | Path | None = None,
        min_confidence: float = 0.6,
        meta: dict[str, object] | None = None,
    ) -> None:
        """``failures_dir``: where unreadable / doubtful images are kept (none by default);
        ``min_confidence``: per-digit probability below which a read counts as doubtful."""
        self.weights = np.asarray(weights, dtype=np.float32)
        self.bias = np.asarray(bias, dtype=np.float32)
        self.glyphs = np.asarray(glyphs, dtype=np.uint8)
        self.glyph_labels = np.asarray(glyph_labels).astype(str)
        self.failures_dir = Path(failures_dir) if failures_dir is not None else None
        self.min_confidence = min_confidence
        self.meta = dict(meta or {})

    # ---- construction

    @classmethod
    def load(
        cls, path: str | Path, *, failures_dir: str | Path | None = None, min_confidence: float = 0.6
    ) -> CaptchaRecognizer:
        """Load a model written by :meth:`save` (cached, so repeated loads are free)."""
        data = _load_model(str(Path(path).resolve()))
        meta = json.loads(str(data["meta"])) if "meta" in data else {}
        return cls(
            data["weights"],
            data["bias"],
            data["glyphs"],
            data["glyph_labels"],
            meta=meta,
            failures_dir=failures_dir,
            min_confidence=min_confidence,
        )

    @classmethod
    def default(
        cls, *, failures_dir: str | Path | None = None, min_confidence: float = 0.6
    ) -> CaptchaRecognizer:
        """The bundled model (``captcha_model.npz`` beside this module)."""
        return cls.load(MODEL_PATH, failures_dir=failures_dir, min_confidence=min_confidence)

    def save(self, path: str | Path) -> None:
        """Write weights, the training glyphs (used by the captcha composer) and provenance."""
        np.savez_compressed(
            path,
            weights=self.weights,
            bias=self.bias,
            glyphs=self.glyphs,
            glyph_labels=self.glyph_labels.astype("<U1"),
            meta=json.dumps(self.meta),
        )

    # ---- recognition

    def classify_digit(self, img: np.ndarray | Image.Image) -> tuple[str, float]:
        """Classify one digit crop (28x38, dark on white); returns (digit, probability)."""
        gray = load_gray(img)
        probs = _softmax(digit_features(gray) @ self.weights + self.bias)
        best = int(np.argmax(probs))
        return DIGITS[best], float(probs[best])

    def classify_many(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        """Vectorised :meth:`classify_digit` for many crops at once."""
        if not crops:
            return []
        probs = _softmax(np.stack([digit_features(c) for c in crops]) @ self.weights + self.bias)
        best = probs.argmax(axis=1)
        return [(DIGITS[int(b)], float(p[b])) for b, p in zip(best, probs, strict=True)]

    def _plausibility(self, crops: list[np.ndarray]) -> float:
        """Lowest best-class probability: a split is only as digit-like as its worst piece."""
        return min(conf for _, conf in self.classify_many(crops))

    def read_detailed(self, image: ImageInput, failures_dir: str | Path | None = None) -> CaptchaReading:
        """Like :meth:`read` but also returns per-digit confidences."""
        try:
            crops = segment_captcha(image, scorer=self._plausibility)
        except CaptchaUnreadable as exc:
            self.save_failure(image, exc.code, failures_dir=failures_dir)
            raise
        results = self.classify_many(crops)
        reading = CaptchaReading("".join(d for d, _ in results), tuple(c for _, c in results))
        if reading.confidence < self.min_confidence:
            self.save_failure(image, "low-confidence", guess=reading.text, failures_dir=failures_dir)
        return reading

    def read(self, image: ImageInput, failures_dir: str | Path | None = None) -> str:
        """Return the four digits of a captcha.

        Raises :class:`CaptchaUnreadable` if four digits cannot be segmented.  Unreadable and
        low-confidence images are kept in ``failures_dir`` (argument, else the recogniser's own)
        so they can be labelled and fed back to ``tools/captcha/train.py --extra``.
        """
        return self.read_detailed(image, failures_dir).text

    def save_failure(
        self, image: ImageInput, reason: str, *, guess: str = "", failures_dir: str | Path | None = None
    ) -> Path | None:
        """Keep an image we failed on; rename it to ``<4 digits>_anything.png`` to use it for training.

        Returns the written path, or ``None`` when no failures folder is configured or the image
        could not be written -- keeping a sample must never hide the real outcome of a read.
        """
        folder = Path(failures_dir) if failures_dir is not None else self.failures_dir
        if folder is None:
            return None
        slug = re.sub(r"[^A-Za-z0-9-]+", "-", reason).strip("-")[:40] or "failed"
        stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{time.time_ns() % 1_000_000_000:09d}"
        target = folder / f"unlabelled-{stamp}-{slug}-guess{guess or 'none'}.png"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            _to_pil(image).save(target)
        except (OSError, ValueError) as exc:
            print(f"captcha: could not keep failure image in {folder}: {exc}", file=sys.stderr)
            return None
        return target


def _to_pil(image: ImageInput) -> Image.Image:
    """The image as given (not grayscale), so a kept failure looks exactly like what the client showed."""
    if isinstance(image, Image.Image):
        return image
    if isinstance(image, np.ndarray):
        return Image.fromarray(np.asarray(image, dtype=np.uint8))
    source = io.BytesIO(image) if isinstance(image, bytes | bytearray) else image
    with Image.open(source) as opened:
        opened.load()
        return opened.copy()


# --------------------------------------------------------------------------- command line


def main_captcha(paths: list[str]) -> int:
    """``ashare-gateway captcha FILE...``: print ``<path>\\t<digits>`` or ``<path>\\t无法识别: <reason>``.

    Exit code 0 when every file was read, 1 otherwise.
    """
    recognizer = CaptchaRecognizer.default()
    status = 0
    for path in paths:
        try:
            line = recognizer.read(path)
        except CaptchaUnreadable as exc:
            line, status = f"无法识别: {exc.reason}", 1
        except OSError as exc:
            line, status = f"无法识别: 无法打开图片 ({exc})", 1
        print(f"{path}\t{line}")
    return status


if __name__ == "__main__":
    raise SystemExit(main_captcha(sys.argv[1:]))
