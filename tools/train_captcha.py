"""Build ``captcha_model.npz`` for the xiadan captcha recogniser.

Why a script: the bundled model must be reproducible from the data set, and users must be able to
retrain with their own failure images (kept by ``CaptchaRecognizer.read(..., failures_dir=...)`` and
renamed to ``<4 digits>_anything.png``) without touching the code.

By default only the TRAINING split of the digit crops is used (see ``holdout_split``: per digit, by
pixel content, ~20% of the distinct crops held back), so the held-back crops stay an honest test set.
``--all`` trains on everything, for a production model once the numbers are known.

Digit crops: MIT-licensed hylyq/xiadan-gateway (MIT License, Copyright (c) 2026 xiadan-gateway).

Usage::

    python tools/train_captcha.py [--data DIR] [--extra DIR ...] [--out PATH] [--all] [--seed N]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

try:
    from ashare_gateway.brokers.ths.captcha import (
        MODEL_PATH,
        CaptchaRecognizer,
        dataset_dir,
        holdout_split,
    )
except ModuleNotFoundError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from ashare_gateway.brokers.ths.captcha import (
        MODEL_PATH,
        CaptchaRecognizer,
        dataset_dir,
        holdout_split,
    )


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
    train, held = holdout_split(files)
    sources: list[Path] = list(files if args.all else train) + list(args.extra)
    recognizer = CaptchaRecognizer.from_templates(sources, seed=args.seed)
    recognizer.meta.update(
        {
            "train_files": len(files) if args.all else len(train),
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
