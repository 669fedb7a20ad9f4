"""``serve --start-at/--speed/--holidays`` and ``ashare-gateway clock`` run as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_inprocess import run_cli
from tests.process import serve_process

EXE = [sys.executable, "-m", "ashare_gateway.cli"]


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*EXE, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_clock_command_moves_a_served_simulated_market(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the in-process commands look for data/ here, as the subprocess does
    closures = tmp_path / "closures.txt"
    closures.write_text("# days announced later\n2026-12-03\n", encoding="utf-8")
    args = ("--start-at", "2026-12-02 15:20", "--speed", "0", "--holidays", str(closures))
    with serve_process(tmp_path, *args) as (url, lines):
        shown = cli("clock", "show", "--url", url, cwd=tmp_path)  # once as its own process, as a user runs it
        assert (
            shown.returncode == 0
            and "2026-12-02 15:20:00  盘后固定价格交易  交易日  模拟时钟" in shown.stdout
        )
        phase = run_cli("clock", "next-phase", "--url", url)
        assert "2026-12-02 15:30:00  日终清算" in phase.stdout
        day = run_cli("clock", "next-day", "--url", url)  # 12-03 is the user's closure
        assert day.returncode == 0 and "2026-12-04 09:15:00  开盘集合竞价" in day.stdout
    text = "\n".join(lines)
    assert "模拟时钟：从 2026-12-02 15:20 开始" in text
    assert "交易日历的公告数据截至 2026-12-31" in text  # within 60 days of the calendar's end


def test_clock_command_against_a_real_hours_gateway_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with serve_process(tmp_path) as (url, _lines):
        moved = run_cli("clock", "next-day", "--url", url)
        assert moved.returncode == 2 and "模拟时钟未开启" in moved.stderr
        assert "真实时钟" in run_cli("clock", "--url", url).stdout


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("--broker", "xiadan", "--start-at", "2026-12-02 09:15"), "只能用于纸面交易所"),
        (("--start-at", "2026-12-02 9点"), "--start-at 格式错误"),
        (("--start-at", "2026-12-02 09:15", "--demo-market"), "不能与 --demo-market"),
        (("--start-at", "2026-12-02 09:15", "--speed", "-1"), "--speed"),
        (("--holidays", "missing.txt"), "休市日文件不存在"),
    ],
    ids=["gui-broker", "bad-time", "with-demo-market", "bad-speed", "missing-closures"],
)
def test_bad_clock_options_are_refused_with_a_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple, text: str
) -> None:
    monkeypatch.chdir(tmp_path)  # missing.txt is looked for where the user runs the command
    done = run_cli("serve", "--port", "1", "--data-dir", str(tmp_path / "d"), *args)
    assert done.returncode == 2 and text in done.stdout + done.stderr, done.stdout + done.stderr


def test_an_unknown_clock_action_is_refused() -> None:
    done = run_cli("clock", "rewind")
    assert done.returncode == 2 and "未知的操作" in done.stderr
