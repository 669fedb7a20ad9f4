"""The connect-time fingerprint under Wine (issue 14 "At connect"): the real ``Win32Driver`` +
``XiadanBroker`` check the stand-in at connect, read the xiadan.ini written beside its exe, refuse an
order in 精简模式 (the stand-in's ``compact`` knob: no menu tree, a small window) without the exchange
seeing it, and trade again once the mode is left (tests/wine/scenarios/fingerprint_scenario.py).
Opt-in like every Wine test (ASHARE_WINE=1).
"""

from __future__ import annotations

import pytest

from tests.wine.conftest import ENABLED, SKIP_REASON, run_against_standin

pytestmark = [pytest.mark.wine, pytest.mark.skipif(not ENABLED, reason=SKIP_REASON)]

STEPS = ["fingerprint_ok", "fingerprint_again", "compact_refused", "compact_left"]
# puppet's layout of xiadan.ini (puppet/util.py:173-187): [SYSTEM_SET], value fields 4 and 5 = name, value.
INI = (
    "[SYSTEM_SET]\r\nGUI_ORDER_CONFIRM=0;0;0;买入时是否需要确认;yes\r\nSET_MRJG=0;0;0;默认买入价格;empty\r\n"
)


@pytest.fixture(scope="module")
def fingerprint_run(wine, make_standin):
    standin = make_standin(logged_in=True, flavour="ht", cancel_confirm="real")
    (standin.folder / "xiadan.ini").write_bytes(INI.encode("gb18030"))
    return run_against_standin(
        wine, standin, "fingerprint_scenario.py", timeout=240, log_name="fingerprint_ht.log"
    )


@pytest.mark.parametrize("step", STEPS)
def test_fingerprint_against_the_standin(fingerprint_run, step: str) -> None:
    assert fingerprint_run.data is not None, fingerprint_run.explain()
    entry = fingerprint_run.entries("steps").get(step)
    assert entry is not None, f"step {step!r} did not run\n{fingerprint_run.explain()}"
    assert entry["ok"], entry["detail"]
    if step == "fingerprint_ok":
        settings = entry["detail"]["settings"]
        assert settings["order_confirm"]["value"] == "是" and settings["buy_price_default"]["value"] == "空"
        assert settings["cancel_confirm"]["value"] == "未知"
        assert entry["detail"]["source"] == r"C:\htzqzyb2\xiadan.ini"
    if step == "compact_refused":
        assert entry["detail"]["message"].startswith("客户端处于精简模式")
