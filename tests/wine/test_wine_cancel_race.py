"""The cancel race under Wine (issue 14, docs/clients.md row 20): the 可撤 grid changes between the
adapter's read and its click — the stand-in's ``cancel_reorder`` places an order exactly like the
target (same code, price, amount: the 撤单确认 cannot tell them apart) and inserts it on top as the
selection keys land. A cancel by 合同编号 must then cancel that order or refuse with a clear message;
it must never cancel the order slipped in (tests/wine/scenarios/cancel_race_scenario.py).
Opt-in like every Wine test (ASHARE_WINE=1).
"""

from __future__ import annotations

import pytest

from tests.wine.conftest import ENABLED, SKIP_REASON, run_against_standin, step_detail

pytestmark = [pytest.mark.wine, pytest.mark.skipif(not ENABLED, reason=SKIP_REASON)]


@pytest.fixture(scope="module")
def race_run(wine, make_standin):
    standin = make_standin(logged_in=True, flavour="ht", cancel_confirm="real")
    return run_against_standin(
        wine, standin, "cancel_race_scenario.py", timeout=240, log_name="cancel_race_ht.log"
    )


def test_a_cancel_while_the_grid_moves_never_cancels_another_order(race_run) -> None:
    race = step_detail(race_run, "race")
    assert race["reorders"] == 1, f"the grid was never reordered: the test proves nothing\n{race}"
    (slipped,) = race["slipped_in"]
    assert race["cancelable"][slipped], f"the order slipped in was cancelled instead: {race}"
    target = race["cancelable"][race["contract_no"]]
    if race["result"] == "cancelled":
        assert not target, f"the cancel said done, the order is still cancelable: {race}"
    else:  # refused: a clear message, nothing cancelled
        assert race["result"] == "OrderRejected", race
        assert target and "未点击撤单" in race["message"] and race["contract_no"] in race["message"], race


def test_the_same_cancel_with_the_grid_left_alone_cancels_only_its_order(race_run) -> None:
    again = step_detail(race_run, "again")
    (slipped,) = again["slipped_in"]
    assert not again["cancelable"][again["contract_no"]], again
    assert again["cancelable"][slipped], again
    assert again["reorders"] == 1, again


def test_a_price_typed_over_the_clients_own_fill_is_the_price_ordered(race_run) -> None:
    """The read-back proves the keys landed only for a field that was empty first (entry.py ``_type``)."""
    detail = step_detail(race_run, "typed_over_the_client_fill")
    assert detail["contract_no"], detail
