"""Several desktop accounts in one config.ini: each must name its own client exe (issue 18).

Their clients all show 网上股票交易系统5.0, so the gateway tells them apart only by exe path → pid.
Two accounts without a path (both would fall back to the usual folder) or with one path spelled two
ways would attach to one client, and one account's orders would go out under the other's login:
``serve`` refuses such a file at start-up, naming the accounts, before any client is touched.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

TWO = (
    "[Account:a]\nbroker = xiadan-fake\n{a}user = 1\npassword = secret-pw\n\n"
    "[Account:b]\nbroker = xiadan-fake\n{b}user = 2\npassword = secret-pw\n"
)

REFUSED = [
    (TWO.format(a="exe_path = C:\\ht_A\\xiadan.exe\n", b=""), "账户 b 没有写 exe_path"),
    (TWO.format(a="", b=""), "账户 a、b 没有写 exe_path"),
    (
        TWO.format(a="exe_path = C:\\ht_A\\xiadan.exe\n", b="exe_path = c:/HT_a/./Xiadan.exe\n"),
        "账户 a 和 b 的 exe_path 相同",
    ),
]


def _serve(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "config.ini"
    config.write_text(text, encoding="utf-8")
    args = ["serve", "--config", str(config), "--data-dir", str(tmp_path / "d"), "--port", "1"]
    return subprocess.run(
        [sys.executable, "-m", "ashare_gateway.cli", *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_two_desktop_accounts_without_their_own_exe_are_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    proc = _serve(tmp_path, text)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr.replace("\n", ""), proc.stderr
    assert "secret-pw" not in proc.stderr and "Traceback" not in proc.stderr


def test_one_desktop_account_beside_paper_ones_needs_no_exe_path(tmp_path: Path) -> None:
    """The rule is about telling clients apart: one client (plus paper accounts) is found as before."""
    from ashare_gateway.accounts_config import read_accounts
    from ashare_gateway.config import parse_ini

    text = TWO.replace("xiadan-fake", "sim", 1).format(a="", b="")
    config = tmp_path / "config.ini"
    config.write_text(text, encoding="utf-8")
    accounts = read_accounts(parse_ini(config), config, "sim")
    assert [(a.name, a.broker, a.exe_path) for a in accounts] == [
        ("a", "sim", None),
        ("b", "xiadan-fake", None),
    ]
