"""The browser for the page tests: Debian's Chromium driven by Playwright, and screenshot artefacts.

No browser can be downloaded here, so the system Chromium is the browser (.ci/run installs it, with the
CJK fonts the page's Chinese needs). Screenshots go to ``test-artifacts/browser/`` (git-ignored) and
each is checked not to be blank.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageStat

CHROMIUM = os.environ.get("ASHARE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("ASHARE_TEST_ARTIFACTS") or ROOT / "test-artifacts")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """One Chromium per test module (per xdist worker): a launch costs about a second of CPU, and each
    test still gets its own context (``page``), so no cookie or storage passes from one to the next."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed: .ci/run installs Debian's chromium for the browser tests")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A desktop-sized page that fails the test on any script error."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as a test artefact and check it is not blank (pixel variance)."""
    ARTIFACTS.joinpath("browser").mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "browser" / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    with Image.open(path) as image:
        stat = ImageStat.Stat(image.convert("L"))
    assert stat.stddev[0] > 10, f"{path} looks blank (stddev {stat.stddev[0]:.1f})"
    return path
