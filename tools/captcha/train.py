"""Build ``captcha_model.npz`` for the xiadan captcha recogniser (dev only: ``pip install -e ".[train]"``).

Why a script: the bundled model must be reproducible from the data set, and users must be able to
retrain with their own failure images (kept by ``CaptchaRecognizer.read(..., failures_dir=...)`` and
renamed to ``<4 digits>_anything.png``) without touching the code.

By default only the TRAINING split of the digit crops is used (see ``holdout_split``: per digit, by
pixel content, ~20% of the distinct crops held back), so the held-back crops stay an honest test set.
``--all`` trains on everything, for a production model once the numbers are known.

The fit is scikit-learn's multinomial logistic regression (L-BFGS); the runtime reads only the
resulting weights with numpy (:mod:`ashare_gateway.brokers.ths.captcha.classify`), so neither
scikit-learn nor scipy ships to the trading box.

Digit crops: MIT-licensed hylyq/xiadan-gateway (MIT License, Copyright (c) 2026 xiadan-gateway).

Usage::

    python tools/captcha/train.py [--data DIR] [--extra DIR ...] [--out PATH] [--all] [--seed N]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image
from sklearn.linear_model import LogisticRegression

try:
    import ashare_gateway  # noqa: F401
except ModuleNotFoundError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from ashare_gateway.brokers.ths.captcha.classify import (
    DIGITS,
    MODEL_PATH,
    MODEL_VERSION,
    CaptchaRecognizer,
    digit_features,
)
from ashare_gateway.brokers.ths.captcha.segment import (
    DIGIT_SIZE,
    CaptchaUnreadable,
    load_gray,
    segment_captcha,
    to_digit_crop,
)
from ashare_gateway.simulators.captcha_compose import compose_captcha

# A source checkout sits beside the project's shared/ folder (…/main and …/shared): look there by default.
DEFAULT_DATASET_DIR = str(Path(__file__).resolve().parents[3] / "shared" / "data" / "captcha-digits")
_SPLIT_SALT = b"ashare-captcha-split-v1"


def _as_digit_crop(gray: np.ndarray) -> np.ndarray:
    """Keep crops already in the data set's 28x38 format untouched (a narrow 1 must stay narrow)."""
    return gray if gray.shape == (DIGIT_SIZE[1], DIGIT_SIZE[0]) else to_digit_crop(gray)


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


def train(
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
    weights, bias = fit_softmax(x, y)
    meta: dict[str, object] = {
        "version": MODEL_VERSION,
        "glyphs": len(crops),
        "samples": len(samples),
        "seed": seed,
        "source": "hylyq/xiadan-gateway digit crops (MIT License, Copyright (c) 2026 xiadan-gateway)",
    }
    return CaptchaRecognizer(
        weights,
        bias,
        np.stack(crops),
        np.array(labels),
        meta=meta,
        failures_dir=failures_dir,
        min_confidence=min_confidence,
    )


def fit_softmax(x: np.ndarray, y: np.ndarray, l2: float = 1e-3) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression, mean cross-entropy + ``l2``/2·‖W‖², as (weights d×10, bias 10).

    scikit-learn's objective is ``C``·Σ cross-entropy + ½‖W‖², hence ``C = 1 / (l2 · n)``. A digit absent
    from the training data gets zero weights and a bias far below the others, so it is never chosen.
    """
    model = LogisticRegression(C=1.0 / (l2 * len(y)), max_iter=2000, tol=1e-6)
    model.fit(x, y)
    weights = np.zeros((x.shape[1], len(DIGITS)), np.float32)
    bias = np.full(len(DIGITS), -50.0, np.float32)
    for row, digit in enumerate(model.classes_):
        weights[:, int(digit)] = model.coef_[row]
        bias[int(digit)] = model.intercept_[row]
    return weights, bias


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=dataset_dir(), help="folder of 28x38 digit crops")
    parser.add_argument(
        "--extra",
        type=Path,
        action="append",
        default=[],
        help="extra labelled folder (7_*.png digits or 1234_*.png captchas); repeatable",
    )
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="model file to write")
    parser.add_argument("--all", action="store_true", help="also train on the held-back split")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    files = sorted(args.data.glob("[0-9]_*.png"))
    if not files:
        print(f"no digit crops found in {args.data}", file=sys.stderr)
        return 2
    training, held = holdout_split(files)
    sources: list[Path] = list(files if args.all else training) + list(args.extra)
    recognizer = train(sources, seed=args.seed)
    recognizer.meta.update(
        {
            "train_files": len(files) if args.all else len(training),
            "held_back_files": 0 if args.all else len(held),
            "extra_folders": [str(p) for p in args.extra],
        }
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    recognizer.save(args.out)
    size_kb = args.out.stat().st_size / 1024
    print(f"wrote {args.out} ({size_kb:.0f} KiB): {recognizer.meta}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
