"""Segmentation of the 4-digit copy/save captcha of 同花顺 xiadan.exe clients: image -> four digit crops.

Why offline and numpy-only: the gateway runs next to the trading client on locked-down Windows boxes,
so it cannot call an OCR service or ship torch/tesseract.  The captcha is simple (92x38, white
background, four dark antialiased digits about 10 px wide and 10 px apart), so a careful segmenter
plus a tiny softmax classifier (:mod:`.classify`) is fast (~1 ms) and accurate.

Pipeline: grayscale -> binarise at 200 -> connected components -> drop specks -> group pieces of one
digit -> split touching digits -> crop every digit and scale it to 28x38 like the training data.

Connected components are a small set-based flood fill rather than ``scipy.ndimage.label``: scipy is
not a runtime dependency (it is ~40 MB on a Windows trading box, for ~500 ink pixels per image), so
only the dev-only training tool (``tools/captcha/train.py``) uses it, through scikit-learn.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

THRESHOLD = 200
DIGIT_SIZE = (28, 38)  # width, height of one digit crop, as in the data set
_INNER_SIZE = (24, 34)  # the data set leaves a ~2 px white margin around the ink

ImageInput = Image.Image | bytes | str | Path | np.ndarray


class CaptchaUnreadable(ValueError):
    """The image cannot be segmented into exactly four digits.

    ``code`` is a short ASCII tag (used in failure file names); ``reason`` is the human explanation.
    """

    def __init__(self, reason: str, code: str = "unreadable") -> None:
        self.reason = reason
        self.code = code
        super().__init__(f"验证码无法识别: {reason}")


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


def ink_bbox(gray: np.ndarray, threshold: int = THRESHOLD) -> tuple[int, int, int, int] | None:
    mask = gray < threshold
    if not mask.any():
        return None
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def to_digit_crop(gray: np.ndarray) -> np.ndarray:
    """Crop to the ink bounding box and scale to 28x38 with a 2 px margin -- the data set's format."""
    box = ink_bbox(gray)
    canvas = Image.new("L", DIGIT_SIZE, 255)
    if box is not None:
        y0, y1, x0, x1 = box
        inner = Image.fromarray(np.ascontiguousarray(gray[y0:y1, x0:x1]))
        inner = inner.resize(_INNER_SIZE, Image.Resampling.BILINEAR)
        canvas.paste(inner, ((DIGIT_SIZE[0] - _INNER_SIZE[0]) // 2, (DIGIT_SIZE[1] - _INNER_SIZE[1]) // 2))
    return np.asarray(canvas, dtype=np.uint8)


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
