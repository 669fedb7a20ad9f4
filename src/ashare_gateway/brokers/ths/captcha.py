"""Offline recogniser for the 4-digit copy/save captcha of 同花顺 xiadan.exe clients.

Why offline and numpy-only: the gateway runs next to the trading client on locked-down Windows boxes,
so it cannot call an OCR service or ship torch/tesseract.  The captcha is simple (92x38, white
background, four dark antialiased digits about 10 px wide and 10 px apart), so a careful segmenter
plus a tiny softmax classifier on normalised pixels is fast (~1 ms) and accurate.

Pipeline: grayscale -> binarise at 200 -> connected components -> drop specks -> group pieces of one
digit -> split touching digits -> crop every digit and scale it to 28x38 like the training data ->
classify.

Training data: digit crops from the MIT-licensed project hylyq/xiadan-gateway (MIT License,
Copyright (c) 2026 xiadan-gateway; full text in the LICENSE file of the captcha-digits data set).
``tools/train_captcha.py`` builds the bundled ``captcha_model.npz`` from a deterministic training split.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

__all__ = [
    "CaptchaReading",
    "CaptchaRecognizer",
    "CaptchaUnreadable",
    "dataset_dir",
    "holdout_split",
    "load_gray",
    "load_labelled_images",
    "main_captcha",
    "segment_captcha",
    "to_digit_crop",
]

THRESHOLD = 200
DIGIT_SIZE = (28, 38)  # width, height of one digit crop, as in the data set
_INNER_SIZE = (24, 34)  # the data set leaves a ~2 px white margin around the ink
FEATURE_SIZE = (16, 24)
DIGITS = "0123456789"
MODEL_PATH = Path(__file__).with_name("captcha_model.npz")
# A source checkout sits beside the project's shared/ folder (…/main and …/shared): look there by default.
DEFAULT_DATASET_DIR = str(Path(__file__).resolve().parents[5] / "shared" / "data" / "captcha-digits")
_SPLIT_SALT = b"ashare-captcha-split-v1"
_MODEL_VERSION = 1

ImageInput = Image.Image | bytes | str | Path | np.ndarray


class CaptchaUnreadable(ValueError):
    """The image cannot be segmented into exactly four digits.

    ``code`` is a short ASCII tag (used in failure file names); ``reason`` is the human explanation.
    """

    def __init__(self, reason: str, code: str = "unreadable") -> None:
        self.reason = reason
        self.code = code
        super().__init__(f"验证码无法识别: {reason}")


@dataclass(frozen=True)
class CaptchaReading:
    """Digits plus per-digit confidence, for callers that want to retry on a shaky read."""

    text: str
    confidences: tuple[float, ...]

    @property
    def confidence(self) -> float:
        return min(self.confidences) if self.confidences else 0.0


# --------------------------------------------------------------------------- image helpers


def load_gray(image: ImageInput) -> np.ndarray:
    """Any supported input -> uint8 grayscale array; transparency is flattened onto white."""
    if isinstance(image, np.ndarray):
        if image.ndim == 2:
            return np.ascontiguousarray(image, dtype=np.uint8)
        image = Image.fromarray(np.asarray(image, dtype=np.uint8))
    elif isinstance(image, bytes | bytearray):
        image = Image.open(io.BytesIO(image))
    elif isinstance(image, str | Path):
        with Image.open(image) as opened:
            opened.load()
            image = opened.copy()
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    return np.asarray(image.convert("L"), dtype=np.uint8)


def _ink_bbox(gray: np.ndarray, threshold: int = THRESHOLD) -> tuple[int, int, int, int] | None:
    mask = gray < threshold
    if not mask.any():
        return None
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def to_digit_crop(gray: np.ndarray) -> np.ndarray:
    """Crop to the ink bounding box and scale to 28x38 with a 2 px margin -- the data set's format."""
    box = _ink_bbox(gray)
    canvas = Image.new("L", DIGIT_SIZE, 255)
    if box is not None:
        y0, y1, x0, x1 = box
        inner = Image.fromarray(np.ascontiguousarray(gray[y0:y1, x0:x1]))
        inner = inner.resize(_INNER_SIZE, Image.Resampling.BILINEAR)
        canvas.paste(inner, ((DIGIT_SIZE[0] - _INNER_SIZE[0]) // 2, (DIGIT_SIZE[1] - _INNER_SIZE[1]) // 2))
    return np.asarray(canvas, dtype=np.uint8)


def _as_digit_crop(gray: np.ndarray) -> np.ndarray:
    """Keep crops already in the data set's 28x38 format untouched (a narrow 1 must stay narrow)."""
    return gray if gray.shape == (DIGIT_SIZE[1], DIGIT_SIZE[0]) else to_digit_crop(gray)


def digit_features(crop: np.ndarray) -> np.ndarray:
    """Shape descriptor of one digit: ink inside its bbox at 16x24, zero-mean, unit length.

    Re-cropping to the bbox makes the feature independent of margins, and normalising removes
    stroke darkness/colour, which vary between clients.
    """
    gray = np.asarray(crop, dtype=np.uint8)
    box = _ink_bbox(gray)
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


# --------------------------------------------------------------------------- segmentation


@dataclass
class _Blob:
    """A set of ink pixels believed to belong to one (or, before splitting, several) digits."""

    ys: np.ndarray
    xs: np.ndarray
    digits: int = field(default=1)

    @property
    def x0(self) -> int:
        return int(self.xs.min())

    @property
    def x1(self) -> int:
        return int(self.xs.max()) + 1

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return int(self.ys.max()) + 1 - int(self.ys.min())

    @property
    def area(self) -> int:
        return int(self.ys.size)

    def merged(self, other: _Blob) -> _Blob:
        return _Blob(np.concatenate([self.ys, other.ys]), np.concatenate([self.xs, other.xs]))


def _components(mask: np.ndarray) -> list[_Blob]:
    """8-connected components; a set-based flood fill is plenty for ~500 ink pixels."""
    ys, xs = np.nonzero(mask)
    todo = set(zip(ys.tolist(), xs.tolist(), strict=True))
    blobs = []
    while todo:
        seed = todo.pop()
        stack, pixels = [seed], [seed]
        while stack:
            y, x = stack.pop()
            for ny in (y - 1, y, y + 1):
                for nx in (x - 1, x, x + 1):
                    if (ny, nx) in todo:
                        todo.remove((ny, nx))
                        stack.append((ny, nx))
                        pixels.append((ny, nx))
        arr = np.array(pixels, dtype=np.int32)
        blobs.append(_Blob(arr[:, 0], arr[:, 1]))
    return blobs


def _overlap(a: _Blob, b: _Blob) -> int:
    return min(a.x1, b.x1) - max(a.x0, b.x0)


def _mergeable(a: _Blob, b: _Blob, tall: float) -> bool:
    """Pieces of one digit share most of their columns; two *tall* pieces are two overlapping digits."""
    if a.height >= tall and b.height >= tall:
        return False
    return _overlap(a, b) >= 0.5 * min(a.width, b.width)


def _group_pieces(blobs: list[_Blob]) -> list[_Blob]:
    """Merge pieces that mostly share columns -- a digit broken by antialiasing, e.g. a faint 7."""
    if not blobs:
        return []
    tall = 0.6 * max(b.height for b in blobs)
    groups = list(blobs)
    while True:
        pair = next(
            (
                (i, j)
                for i in range(len(groups))
                for j in range(i + 1, len(groups))
                if _mergeable(groups[i], groups[j], tall)
            ),
            None,
        )
        if pair is None:
            return sorted(groups, key=lambda g: g.x0)
        i, j = pair
        groups[i] = groups[i].merged(groups.pop(j))


def _drop_noise(blobs: list[_Blob]) -> list[_Blob]:
    """Remove specks and flat smears: digits are all roughly as tall as the tallest one."""
    if not blobs:
        return blobs
    biggest = max(b.area for b in blobs)
    blobs = [b for b in blobs if b.area >= max(5, 0.08 * biggest)]
    groups = _group_pieces(blobs)
    if not groups:
        return groups
    tallest, heaviest = max(g.height for g in groups), max(g.area for g in groups)
    return [g for g in groups if g.height >= 0.45 * tallest and g.area >= 0.15 * heaviest]


def _merge_extra(groups: list[_Blob], want: int) -> list[_Blob]:
    """Too many groups: glue the closest neighbours if they (nearly) touch, otherwise give up."""
    while len(groups) > want:
        gaps = [groups[i + 1].x0 - groups[i].x1 for i in range(len(groups) - 1)]
        i = int(np.argmin(gaps))
        if gaps[i] > 1:
            raise CaptchaUnreadable(f"找到 {len(groups)} 个字符，应为 {want} 个", "too-many")
        groups[i : i + 2] = [groups[i].merged(groups[i + 1])]
    return groups


_MIN_DIGIT_ASPECT = 0.3  # narrowest plausible digit (a sans-serif 1 with its neighbour's joint), width/height


def _allocate(groups: list[_Blob], want: int) -> None:
    """Too few groups: give the extra digits to the blobs that are widest per digit they hold.

    A blob may only hold several digits if it is wide enough for them relative to the digit height;
    otherwise the image simply shows fewer digits (or a wide smear), and guessing would be wrong.
    """
    for g in groups:
        g.digits = 1
    for _ in range(want - len(groups)):
        widest = max(groups, key=lambda g: g.width / g.digits)
        widest.digits += 1
    digit_height = float(np.median([g.height for g in groups]))
    for g in groups:
        if g.digits > 1 and g.width < g.digits * max(4.0, _MIN_DIGIT_ASPECT * digit_height):
            detail = f"宽 {g.width}px 容不下 {g.digits} 个字符"
            raise CaptchaUnreadable(f"只找到 {len(groups)} 组字符，拆不出 {want} 个 ({detail})", "too-few")


def _dp_path(cost_map: np.ndarray) -> tuple[float, np.ndarray]:
    """Cheapest top-to-bottom path through ``cost_map`` moving at most one column per row.

    Touching digits are rarely separable by a straight vertical line because of their vertical
    jitter, but a wiggling cut finds the thin joint.  Plain Python: the maps are ~25x3 cells, where
    numpy's per-call overhead would dominate.
    """
    height, width = cost_map.shape
    rows = cost_map.tolist()
    cost = list(rows[0])
    moves = [[0] * width for _ in range(height)]
    for y in range(1, height):
        new = [0.0] * width
        for x in range(width):
            best, move = cost[x], 0
            if x > 0 and cost[x - 1] + _DIAGONAL < best:
                best, move = cost[x - 1] + _DIAGONAL, -1
            if x + 1 < width and cost[x + 1] + _DIAGONAL < best:
                best, move = cost[x + 1] + _DIAGONAL, 1
            new[x] = best + rows[y][x]
            moves[y][x] = move
        cost = new
    end = min(range(width), key=cost.__getitem__)
    path = [end] * height
    for y in range(height - 1, 0, -1):
        path[y - 1] = path[y] + moves[y][path[y]]
    return cost[end], np.array(path, dtype=np.int64)


def _cut_paths(
    ink: np.ndarray, lo: int, hi: int, expected: float, step: float
) -> list[tuple[float, np.ndarray]]:
    """Candidate cut paths within columns ``[lo, hi)``, cheapest first.

    Each candidate is the cheapest path confined to a 3-column corridor, one corridor per column, so
    the candidates really differ in position (a single wide search would let them all converge on the
    same joint).  Columns far from ``expected`` cost a little extra.
    """
    cols = np.arange(lo, hi)
    cost_map = ink[:, lo:hi] + (0.3 * np.abs(cols - expected) / step)[None, :]
    found = []
    for centre in range(cost_map.shape[1]):
        left = max(0, centre - 1)
        cost, path = _dp_path(cost_map[:, left : centre + 2])
        found.append((cost, path + left + lo))
    return sorted(found, key=lambda cp: cp[0])


Scorer = Callable[[list[np.ndarray]], float]
_CONFIDENT_CUT = 0.8  # plausibility above which the cheapest cut is accepted without searching
_MAX_CUT_CANDIDATES = 10
_DIAGONAL = 0.02  # extra cost of a diagonal step, so cut paths stay straight unless ink says otherwise
_Cut = tuple[float, _Blob, _Blob]  # (ink crossed, left piece, right piece)


@dataclass
class _Cutter:
    """Splits blobs of touching digits; with a scorer it picks the cuts the classifier likes best."""

    gray: np.ndarray
    mask: np.ndarray
    scorer: Scorer | None = None

    def crop(self, blob: _Blob) -> np.ndarray:
        return _crop(self.gray, blob, self.mask)

    def split(self, blob: _Blob) -> list[_Blob]:
        if blob.digits == 1:
            return [blob]
        ink = np.zeros((self.gray.shape[0], blob.width), dtype=np.float32)
        ink[blob.ys, blob.xs - blob.x0] = (255.0 - self.gray[blob.ys, blob.xs]) / 255.0
        step = blob.width / blob.digits
        pieces: list[_Blob] = []
        rest = blob
        for k in range(1, blob.digits):
            options = self._candidates(rest, ink, blob.x0, blob.x0 + k * step, step)
            left, rest = self._choose(options, last=k == blob.digits - 1)
            pieces.append(left)
        pieces.append(rest)
        return pieces

    def _candidates(
        self, rest: _Blob, ink: np.ndarray, origin: int, expected: float, step: float
    ) -> list[_Cut]:
        """(ink cost, left, right) for distinct cut paths near ``expected``, cheapest first."""
        spread = 0.3 * step
        lo = max(rest.x0 + 1, int(np.floor(expected - spread))) - origin
        hi = min(rest.x1 - 1, int(np.ceil(expected + spread)) + 1) - origin
        if hi <= lo:
            raise CaptchaUnreadable("粘连字符拆分失败", "split-failed")
        y0, y1 = int(rest.ys.min()), int(rest.ys.max()) + 1
        out: dict[bytes, _Cut] = {}
        for cost, path in _cut_paths(ink[y0:y1], lo, hi, expected - origin, step):
            right = (rest.xs - origin) >= path[rest.ys - y0]
            key = right.tobytes()
            if right.all() or not right.any() or key in out:
                continue
            out[key] = (cost, _Blob(rest.ys[~right], rest.xs[~right]), _Blob(rest.ys[right], rest.xs[right]))
        if not out:
            raise CaptchaUnreadable("粘连字符拆分失败", "split-failed")
        return list(out.values())

    def _score(self, option: _Cut, last: bool) -> float:
        """How digit-like the pieces of a cut are (the remainder only counts once it is one digit)."""
        cost, left, right = option
        crops = [self.crop(left), self.crop(right)] if last else [self.crop(left)]
        assert self.scorer is not None
        return self.scorer(crops) - 0.01 * cost

    def _choose(self, options: list[_Cut], last: bool) -> tuple[_Blob, _Blob]:
        """Cheapest cut, unless the scorer finds it implausible; then the most digit-like candidate."""
        if self.scorer is None or len(options) == 1:
            return options[0][1], options[0][2]
        cheapest = self._score(options[0], last)
        if cheapest >= _CONFIDENT_CUT:
            return options[0][1], options[0][2]
        scored = [(cheapest, options[0])]
        scored += [(self._score(o, last), o) for o in options[1:_MAX_CUT_CANDIDATES]]
        _, (_, left, right) = max(scored, key=lambda item: item[0])
        return left, right


def _crop(gray: np.ndarray, piece: _Blob, ink_mask: np.ndarray) -> np.ndarray:
    """Cut one digit out, whitening ink that belongs to its neighbours, and scale it to 28x38."""
    y0, y1 = int(piece.ys.min()), int(piece.ys.max()) + 1
    region = gray[y0:y1, piece.x0 : piece.x1].copy()
    own = np.zeros(region.shape, dtype=bool)
    own[piece.ys - y0, piece.xs - piece.x0] = True
    region[ink_mask[y0:y1, piece.x0 : piece.x1] & ~own] = 255
    return to_digit_crop(region)


def segment_captcha(image: ImageInput, count: int = 4, scorer: Scorer | None = None) -> list[np.ndarray]:
    """Split a captcha into ``count`` 28x38 digit crops, left to right.

    ``scorer`` (crops -> plausibility, e.g. the classifier's confidence) lets touching digits be cut
    where the pieces look most like digits instead of only where the ink is thinnest.  Raises
    ``CaptchaUnreadable`` when the image cannot honestly be cut into ``count`` digits, rather than
    guessing: a wrong captcha costs a retry, a silent wrong answer costs a confusing error.
    """
    gray = load_gray(image)
    mask = gray < THRESHOLD
    if mask.sum() < 10 * count:
        raise CaptchaUnreadable("图片中几乎没有字符", "blank")
    if mask.mean() > 0.5:
        raise CaptchaUnreadable("前景过多，不像验证码", "not-captcha")
    groups = _drop_noise(_components(mask))
    if not groups:
        raise CaptchaUnreadable("没有找到字符", "blank")
    tallest = max(g.height for g in groups)
    if tallest < max(8, 0.25 * gray.shape[0]):
        raise CaptchaUnreadable(f"字符高度异常 ({tallest}px)，不像验证码数字", "not-captcha")
    groups = _merge_extra(groups, count)
    _allocate(groups, count)
    cutter = _Cutter(gray, mask, scorer)
    return [cutter.crop(piece) for g in groups for piece in cutter.split(g)]


# --------------------------------------------------------------------------- data set helpers


def dataset_dir() -> Path:
    """Where the labelled digit crops live (``ASHARE_CAPTCHA_DIGITS`` overrides the default)."""
    return Path(os.environ.get("ASHARE_CAPTCHA_DIGITS", DEFAULT_DATASET_DIR))


_LABEL_RE = re.compile(r"^(\d{1}|\d{4})_")


def load_labelled_images(folders: Iterable[str | Path]) -> tuple[list[np.ndarray], list[str]]:
    """Load labelled images: ``7_*.png`` is one 28x38 digit, ``1234_*.png`` a whole captcha.

    Whole captchas (e.g. renamed failure images) are segmented into digits; ones that cannot be
    segmented are skipped with a warning on stderr, since they cannot teach the classifier anything.
    """
    crops: list[np.ndarray] = []
    labels: list[str] = []
    for folder in folders:
        for path in sorted(Path(folder).glob("*.png")):
            match = _LABEL_RE.match(path.name)
            if not match:
                continue
            label = match.group(1)
            if len(label) == 1:
                crops.append(_as_digit_crop(load_gray(path)))
                labels.append(label)
                continue
            try:
                pieces = segment_captcha(path)
            except CaptchaUnreadable as exc:
                print(f"skip {path}: {exc}", file=sys.stderr)
                continue
            crops.extend(pieces)
            labels.extend(label)
    return crops, labels


def _content_key(path: Path) -> str:
    return hashlib.sha1(_SPLIT_SALT + load_gray(path).tobytes()).hexdigest()


def holdout_split(paths: Sequence[str | Path], holdout: float = 0.2) -> tuple[list[Path], list[Path]]:
    """Deterministic train/held-back split of single-digit files.

    Why by *pixel content* and per digit: the data set repeats the same crop many times under
    different file names, so a file-name split would leak held-back images into training.  For every
    digit one distinct crop (with all its copies) is held back -- see ``_pick_held``.
    """
    by_digit: dict[str, dict[str, list[Path]]] = {}
    for raw in paths:
        path = Path(raw)
        by_digit.setdefault(path.name[0], {}).setdefault(_content_key(path), []).append(path)
    train: list[Path] = []
    held: list[Path] = []
    for digit in sorted(by_digit):
        variants = [files for _, files in sorted(by_digit[digit].items())]
        chosen = _pick_held(variants, holdout)
        for i, files in enumerate(variants):
            (held if i in chosen else train).extend(files)
    return sorted(train), sorted(held)


def _pick_held(variants: list[list[Path]], holdout: float) -> set[int]:
    """Hold back one distinct crop per digit: the first, in hash order, not too common to spare.

    One crop of the ~5 per digit is ~20% of the shapes; "not too common" (at most 1.5x ``holdout`` of the
    digit's files) keeps the held-back share of *files* near ``holdout`` as well.
    """
    if len(variants) < 2:
        return set()
    total = sum(len(files) for files in variants)
    for i, files in enumerate(variants):
        if len(files) <= 1.5 * holdout * total:
            return {i}
    return {min(range(len(variants)), key=lambda i: len(variants[i]))}


# --------------------------------------------------------------------------- training


def _unique(crops: Sequence[np.ndarray], labels: Sequence[str]) -> tuple[list[np.ndarray], list[str]]:
    seen: dict[bytes, tuple[np.ndarray, str]] = {}
    for crop, label in zip(crops, labels, strict=True):
        seen.setdefault(label.encode() + crop.tobytes(), (crop, label))
    return [c for c, _ in seen.values()], [lab for _, lab in seen.values()]


def _affine_variant(crop: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Small shear/rotation of a crop: real clients render the same font slightly differently."""
    shear = float(rng.uniform(-0.12, 0.12))
    image = Image.fromarray(crop).transform(
        DIGIT_SIZE,
        Image.Transform.AFFINE,
        (1, shear, -shear * DIGIT_SIZE[1] / 2, 0, 1, 0),
        resample=Image.Resampling.BILINEAR,
        fillcolor=255,
    )
    image = image.rotate(float(rng.uniform(-5, 5)), resample=Image.Resampling.BILINEAR, fillcolor=255)
    return to_digit_crop(np.asarray(image, dtype=np.uint8))


def _composed_samples(
    glyphs: dict[str, list[np.ndarray]], rng: np.random.Generator, n_images: int
) -> tuple[list[np.ndarray], list[str]]:
    """Digit crops exactly as the segmenter produces them from composed captchas (incl. touching)."""
    from ...simulators.captcha_compose import compose_captcha

    crops: list[np.ndarray] = []
    labels: list[str] = []
    for i in range(n_images):
        text = "".join(rng.choice(list(glyphs), 4))
        gap = (-1, 2) if i % 4 == 0 else (6, 13)
        image = compose_captcha(
            text,
            rng,
            glyphs=glyphs,
            gap=gap,
            digit_width=(7, 12),
            digit_height=(18, 27),
            noise=float(rng.uniform(0, 8)),
        )
        try:
            pieces = segment_captcha(image)
        except CaptchaUnreadable:
            continue
        crops.extend(pieces)
        labels.extend(text)
    return crops, labels


def _fit_softmax(
    x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 400, lr: float = 2.0
) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression by full-batch gradient descent with momentum (deterministic)."""
    n, d = x.shape
    weights, bias = np.zeros((d, 10), np.float32), np.zeros(10, np.float32)
    v_w, v_b = np.zeros_like(weights), np.zeros_like(bias)
    onehot = np.eye(10, dtype=np.float32)[y]
    for _ in range(steps):
        probs = _softmax(x @ weights + bias)
        grad = (probs - onehot) / n
        v_w = 0.9 * v_w - lr * (x.T @ grad + l2 * weights)
        v_b = 0.9 * v_b - lr * grad.sum(axis=0)
        weights += v_w
        bias += v_b
    return weights, bias


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
    def from_templates(
        cls,
        paths: Iterable[str | Path],
        *,
        seed: int = 0,
        composed: int = 400,
        affine: int = 6,
        failures_dir: str | Path | None = None,
        min_confidence: float = 0.6,
    ) -> CaptchaRecognizer:
        """Train a recogniser from labelled digit files (``7_*.png``) or whole captchas (``1234_*.png``).

        Besides the crops themselves it trains on slightly sheared/rotated copies and on digits cut
        by the real segmenter out of captchas composed from these crops, so the classifier has seen
        what the segmenter actually feeds it.
        """
        crops, labels = _crops_from_paths(paths)
        crops, labels = _unique(crops, labels)
        if not crops:
            raise ValueError("from_templates: no labelled digit images given")
        rng = np.random.default_rng(seed)
        glyphs: dict[str, list[np.ndarray]] = {}
        for crop, label in zip(crops, labels, strict=True):
            glyphs.setdefault(label, []).append(crop)
        samples, targets = list(crops), list(labels)
        for crop, label in zip(crops, labels, strict=True):
            samples.extend(_affine_variant(crop, rng) for _ in range(affine))
            targets.extend([label] * affine)
        if len(glyphs) == 10:
            more, more_labels = _composed_samples(glyphs, rng, composed)
            samples.extend(more)
            targets.extend(more_labels)
        x = np.stack([digit_features(s) for s in samples])
        y = np.array([int(t) for t in targets])
        weights, bias = _fit_softmax(x, y)
        meta: dict[str, object] = {
            "version": _MODEL_VERSION,
            "glyphs": len(crops),
            "samples": len(samples),
            "seed": seed,
            "source": "hylyq/xiadan-gateway digit crops (MIT License, Copyright (c) 2026 xiadan-gateway)",
        }
        return cls(
            weights,
            bias,
            np.stack(crops),
            np.array(labels),
            meta=meta,
            failures_dir=failures_dir,
            min_confidence=min_confidence,
        )

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
        so they can be labelled and fed back to ``tools/train_captcha.py --extra``.
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


def _crops_from_paths(paths: Iterable[str | Path]) -> tuple[list[np.ndarray], list[str]]:
    """Labelled files and folders -> digit crops; folders are scanned like ``--extra`` folders."""
    crops: list[np.ndarray] = []
    labels: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            more, more_labels = load_labelled_images([path])
        else:
            match = _LABEL_RE.match(path.name)
            if not match:
                raise ValueError(f"cannot tell the label of {path}: name must start with '7_' or '1234_'")
            more, more_labels = _labelled_file(path, match.group(1))
        crops.extend(more)
        labels.extend(more_labels)
    return crops, labels


def _labelled_file(path: Path, label: str) -> tuple[list[np.ndarray], list[str]]:
    if len(label) == 1:
        return [_as_digit_crop(load_gray(path))], [label]
    return segment_captcha(path), list(label)


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
