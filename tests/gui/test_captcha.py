"""Offline captcha recogniser: measured accuracy on real digits held back from training, on whole
composed 92x38 captchas (clean, noisy, touching), and the failure paths users rely on to retrain.

The digit crops are real ones from 同花顺 clients (MIT-licensed hylyq/xiadan-gateway, see the
data set's LICENSE); ``ASHARE_CAPTCHA_DIGITS`` points at them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from PIL import Image

from ashare_gateway.brokers.ths.captcha import (
    CaptchaRecognizer,
    CaptchaUnreadable,
    load_gray,
    main_captcha,
)
from ashare_gateway.simulators.captcha_compose import compose_captcha

ROOT = Path(__file__).resolve().parents[2]


def _load_training_script() -> ModuleType:
    """The dev-only training tool (tools/captcha/train.py, scikit-learn): not part of the package."""
    spec = importlib.util.spec_from_file_location("captcha_train", ROOT / "tools" / "captcha" / "train.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TRAINING = _load_training_script()
dataset_dir = TRAINING.dataset_dir
holdout_split = TRAINING.holdout_split
load_labelled_images = TRAINING.load_labelled_images


@pytest.fixture(scope="module")
def digit_files() -> list[Path]:
    files = sorted(dataset_dir().glob("[0-9]_*.png"))
    if not files:
        if os.environ.get("CI"):
            pytest.fail(f"captcha digit data set not found in {dataset_dir()}: CI must measure it")
        pytest.skip(f"captcha digit data set not found in {dataset_dir()} (set ASHARE_CAPTCHA_DIGITS)")
    return files


@pytest.fixture(scope="module")
def split(digit_files: list[Path]) -> tuple[list[Path], list[Path]]:
    return holdout_split(digit_files)


@pytest.fixture(scope="module")
def recognizer() -> CaptchaRecognizer:
    return CaptchaRecognizer.default()


def _glyphs(paths: list[Path]) -> dict[str, list[np.ndarray]]:
    glyphs: dict[str, list[np.ndarray]] = {}
    for path in paths:
        glyphs.setdefault(path.name[0], []).append(load_gray(path))
    return glyphs


def _pixels_key(gray: np.ndarray) -> str:
    return hashlib.sha1(np.ascontiguousarray(gray, dtype=np.uint8).tobytes()).hexdigest()


def _random_text(rng: np.random.Generator) -> str:
    return "".join(str(d) for d in rng.integers(0, 10, 4))


def _accuracy(
    recognizer: CaptchaRecognizer, glyphs: dict[str, list[np.ndarray]], n: int, seed: int, **compose: object
) -> tuple[float, list[tuple[str, str]]]:
    rng = np.random.default_rng(seed)
    misses = []
    for _ in range(n):
        text = _random_text(rng)
        image = compose_captcha(text, rng, glyphs=glyphs, **compose)  # type: ignore[arg-type]
        try:
            got = recognizer.read(image)
        except CaptchaUnreadable as exc:
            got = f"unreadable: {exc.code}"
        if got != text:
            misses.append((text, got))
    return 1 - len(misses) / n, misses


def _ink_column_runs(image: Image.Image) -> list[int]:
    """Widths of runs of columns containing ink (<200): independent of the recogniser's own segmenter."""
    columns = (np.asarray(image.convert("L")) < 200).any(axis=0)
    runs, width = [], 0
    for has_ink in columns:
        if has_ink:
            width += 1
        elif width:
            runs.append(width)
            width = 0
    return runs + ([width] if width else [])


# --------------------------------------------------------------------------- single digits


def test_split_is_clean_and_bundled_model_never_saw_the_held_back_digits(
    split: tuple[list[Path], list[Path]], recognizer: CaptchaRecognizer
) -> None:
    train, held = split
    assert held and len(held) + len(train) >= 700
    held_pixels = {_pixels_key(load_gray(p)) for p in held}
    assert held_pixels.isdisjoint(_pixels_key(load_gray(p)) for p in train)
    assert {p.name[0] for p in held} == set("0123456789")
    assert held_pixels.isdisjoint(_pixels_key(g) for g in recognizer.glyphs)
    assert recognizer.meta.get("train_files") == len(train)


def test_held_back_real_digits_are_classified_at_least_98_percent(
    split: tuple[list[Path], list[Path]], recognizer: CaptchaRecognizer
) -> None:
    _, held = split
    wrong = [(p.name, recognizer.classify_digit(load_gray(p))) for p in held]
    wrong = [(name, got) for name, got in wrong if got[0] != name[0]]
    accuracy = 1 - len(wrong) / len(held)
    assert accuracy >= 0.98, f"held-back digit accuracy {accuracy:.3f}; misses {wrong[:10]}"


def test_classify_digit_returns_digit_and_probability(
    split: tuple[list[Path], list[Path]], recognizer: CaptchaRecognizer
) -> None:
    digit, confidence = recognizer.classify_digit(Image.open(split[1][0]))
    assert digit == split[1][0].name[0]
    assert 0.0 < confidence <= 1.0


# --------------------------------------------------------------------------- whole captchas


def test_realistic_composed_captchas_are_read_at_least_97_percent(
    digit_files: list[Path], recognizer: CaptchaRecognizer
) -> None:
    accuracy, misses = _accuracy(recognizer, _glyphs(digit_files), 300, seed=20261121)
    assert accuracy >= 0.97, f"whole-image accuracy {accuracy:.3f}; misses {misses[:10]}"


def test_captchas_built_only_from_held_back_digits_are_read(
    split: tuple[list[Path], list[Path]], recognizer: CaptchaRecognizer
) -> None:
    accuracy, misses = _accuracy(recognizer, _glyphs(split[1]), 150, seed=7)
    assert accuracy >= 0.97, f"held-back whole-image accuracy {accuracy:.3f}; misses {misses[:10]}"


def test_clean_non_touching_captchas_are_all_read(
    digit_files: list[Path], recognizer: CaptchaRecognizer
) -> None:
    accuracy, misses = _accuracy(
        recognizer, _glyphs(digit_files), 100, seed=3, noise=0.0, specks=(0, 0), gap=(9, 12)
    )
    assert accuracy == 1.0, misses


def test_touching_digits_are_split(digit_files: list[Path], recognizer: CaptchaRecognizer) -> None:
    glyphs = _glyphs(digit_files)
    rng = np.random.default_rng(11)
    touching = [compose_captcha(_random_text(rng), rng, glyphs=glyphs, gap=(-1, 0)) for _ in range(5)]
    assert sum(len(_ink_column_runs(img)) < 4 for img in touching) >= 3, "fixture must really touch"
    accuracy, misses = _accuracy(recognizer, glyphs, 120, seed=11, gap=(-1, 0))
    assert accuracy >= 0.95, f"touching accuracy {accuracy:.3f}; misses {misses[:10]}"


def test_all_four_digits_in_one_blob_are_split(recognizer: CaptchaRecognizer) -> None:
    rng = np.random.default_rng(5)
    image = compose_captcha("2580", rng, gap=(-1, -1), y_jitter=0, noise=0.0, specks=(0, 0))
    assert len(_ink_column_runs(image)) == 1
    assert recognizer.read(image) == "2580"


def test_every_input_kind_is_accepted(tmp_path: Path, recognizer: CaptchaRecognizer) -> None:
    image = compose_captcha("9031", 42)
    path = tmp_path / "c.png"
    image.save(path)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    for source in (image, path, str(path), buffer.getvalue(), np.asarray(image)):
        assert recognizer.read(source) == "9031"


def test_compose_is_deterministic_and_realistic() -> None:
    first, second = compose_captcha("4721", 99), compose_captcha("4721", 99)
    assert first.size == (92, 38) and first.mode == "RGB"
    assert first.tobytes() == second.tobytes()
    clean = compose_captcha("4820", 1, noise=0.0, specks=(0, 0))
    runs = _ink_column_runs(clean)
    assert len(runs) == 4 and all(6 <= w <= 14 for w in runs), runs
    gray = np.asarray(clean.convert("L"))
    assert ((gray > 60) & (gray < 200)).any(), "digits must be antialiased"


# --------------------------------------------------------------------------- failures


def test_unreadable_images_raise_with_chinese_reason(recognizer: CaptchaRecognizer) -> None:
    rng = np.random.default_rng(2)
    cases = {
        "blank": Image.new("RGB", (92, 38), "white"),
        "black": Image.new("RGB", (92, 38), "black"),
        "five digits": compose_captcha("12345", rng, gap=(5, 6)),
        "two digits": compose_captcha("47", rng),
        "noise": Image.fromarray(rng.integers(0, 256, (38, 92, 3), dtype=np.uint8)),
    }
    for name, image in cases.items():
        with pytest.raises(CaptchaUnreadable) as caught:
            recognizer.read(image)
        assert isinstance(caught.value, ValueError), name
        assert str(caught.value).startswith("验证码无法识别"), name
        assert caught.value.reason, name


def test_unreadable_and_low_confidence_images_are_kept_for_retraining(tmp_path: Path) -> None:
    keeper = CaptchaRecognizer.default(failures_dir=tmp_path / "kept")
    blank = Image.new("RGB", (92, 38), "white")
    with pytest.raises(CaptchaUnreadable):
        keeper.read(blank)
    kept = sorted((tmp_path / "kept").glob("*.png"))
    assert len(kept) == 1 and "blank" in kept[0].name
    assert Image.open(kept[0]).size == (92, 38)

    doubtful = CaptchaRecognizer.default(min_confidence=1.01)  # every read counts as doubtful
    image = compose_captcha("6174", 8)
    assert doubtful.read(image, failures_dir=tmp_path / "doubt") == "6174"
    saved = sorted((tmp_path / "doubt").glob("*.png"))
    assert len(saved) == 1 and "low-confidence" in saved[0].name and "guess6174" in saved[0].name
    assert np.array_equal(np.asarray(Image.open(saved[0])), np.asarray(image))

    plain = CaptchaRecognizer.default()
    assert plain.save_failure(image, "whatever") is None  # no folder configured: nothing written


def test_labelled_failures_feed_the_training_script(
    tmp_path: Path, split: tuple[list[Path], list[Path]], digit_files: list[Path]
) -> None:
    train_main = TRAINING.main
    extra = tmp_path / "labelled"
    extra.mkdir()
    compose_captcha("3907", 4).save(extra / "3907_from_failures.png")
    compose_captcha("1111", 4, gap=(-1, -1)).save(extra / "unlabelled-x.png")  # ignored: no label
    crops, labels = load_labelled_images([extra])
    assert labels == list("3907") and all(c.shape == (38, 28) for c in crops)

    out = tmp_path / "model.npz"
    assert train_main(["--data", str(dataset_dir()), "--extra", str(extra), "--out", str(out)]) == 0
    retrained = CaptchaRecognizer.load(out)
    assert retrained.meta["train_files"] == len(split[0])
    assert retrained.meta["extra_folders"] == [str(extra)]
    assert len(retrained.glyphs) == len(CaptchaRecognizer.default().glyphs) + 4  # the 4 labelled digits
    held = split[1]
    correct = sum(retrained.classify_digit(load_gray(p))[0] == p.name[0] for p in held)
    assert correct / len(held) >= 0.98
    assert retrained.read(compose_captcha("5286", 12)) == "5286"
    assert out.stat().st_size < 2 * 1024 * 1024


def test_bundled_model_is_small() -> None:
    model = ROOT / "src/ashare_gateway/brokers/ths/captcha/captcha_model.npz"
    assert model.stat().st_size < 2 * 1024 * 1024


# --------------------------------------------------------------------------- command line


def test_main_captcha_prints_one_line_per_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good, blank, missing = tmp_path / "good.png", tmp_path / "blank.png", tmp_path / "missing.png"
    compose_captcha("0426", 3).save(good)
    Image.new("RGB", (92, 38), "white").save(blank)
    status = main_captcha([str(good), str(blank), str(missing)])
    lines = capsys.readouterr().out.splitlines()
    assert status == 1
    assert lines[0] == f"{good}\t0426"
    assert lines[1].startswith(f"{blank}\t无法识别: ")
    assert lines[2].startswith(f"{missing}\t无法识别: ")
    assert main_captcha([str(good)]) == 0
