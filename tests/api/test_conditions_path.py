"""A cross and recross between two evaluation rounds is seen: each round judges every snapshot since the
last one (service/conditions_path.py), not only the last price.

Over HTTP against the paper exchange priced by a replayed path (tests/api/test_conditions.py's
helpers); the ManualClock jumps over the crossing, as a fast simulated clock or ``POST /api/admin/clock``
does, and one evaluation round runs after the jump.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock
from tests.api.test_conditions import DAY, STOP, at, conditions, create, sells_of, write_path
from tests.conftest import Served, serve

# 8.70 → 9.10 (a peak) → 8.40 (below every stop here) → 8.80 → 9.20: crossed and recrossed in 90 s.
PATH = [
    ("09:30:00", "8.70"),
    ("10:00:30", "9.10"),
    ("10:01:00", "8.40"),
    ("10:01:30", "8.80"),
    ("10:02:00", "9.20"),
]


@pytest.fixture
def replayed(tmp_path: Path) -> Served:
    settings = Settings(
        data_dir=tmp_path / "data", demo_market=False, quotes=f"replay:{write_path(tmp_path, PATH)}"
    )
    with serve(settings, ManualClock(f"{DAY} 10:00:00")) as s:
        yield s  # type: ignore[misc]


def test_a_stop_loss_crossed_and_recrossed_between_two_rounds_fires_once(replayed: Served) -> None:
    with replayed.client() as api:
        (made,) = create(api, STOP).json()["data"]  # stop 8.45 while the last is 8.70
        at(replayed, "10:00:05")
        at(replayed, "10:01:45")  # one round after 9.10 → 8.40 → 8.80: the last price alone never crossed
        (fired,) = conditions(api)
        assert fired["state"] == "submitted", fired["message"]
        # It fired on 8.40; the order is priced from the market it is sent into (8.80 − 2 ticks).
        assert fired["trigger_last"] == "8.40" and fired["order"]["price"] == "8.78"
        at(replayed, "10:02:05")
        assert len(sells_of(api, 300)) == 1 and made["id"] == fired["id"]


def test_a_trailing_stop_sees_the_peak_and_the_fall_between_rounds(replayed: Served) -> None:
    trail = {**STOP, "type": "trailing_stop", "trail_amount": 0.3}
    trail.pop("trigger_price")
    with replayed.client() as api:
        assert create(api, trail).status_code == 200
        at(replayed, "10:00:05")
        # 9.10 raises the peak (stop 8.80); 8.40 is below it. Sampled at 10:01:45 it would read 8.80, and at
        # 10:02:05 9.20, a new peak: never fired.
        at(replayed, "10:02:05")
        (fired,) = conditions(api)
        assert fired["state"] == "submitted", fired["message"]
        assert fired["trigger_last"] == "8.40" and fired["extreme"] == "9.10"


def test_a_condition_never_fires_on_prices_from_before_it_existed(replayed: Served) -> None:
    with replayed.client() as api:
        first = create(api, {**STOP, "trigger_price": 8.0}).json()["data"][0]
        at(replayed, "10:00:05")  # the evaluator has looked at 600000 (a condition on it is armed)
        replayed.clock.set(f"{DAY} 10:01:40")  # after the dip to 8.40, no round in between
        later = create(api, STOP).json()["data"][0]  # stop 8.45 at 8.80: not crossed now
        at(replayed, "10:01:50")
        rows = {c["id"]: c["state"] for c in conditions(api)}
        assert rows == {first["id"]: "armed", later["id"]: "armed"}, rows


def test_a_clock_jump_of_hours_is_walked_whole(replayed: Served) -> None:
    """A jump over two hours of trading (10:00 → 13:30, lunch included) still sees the 10:01 dip: a
    round walks the whole day since the last one, not only the last hour."""
    with replayed.client() as api:
        create(api, STOP)  # stop 8.45 while the last is 8.70
        at(replayed, "10:00:05")
        at(replayed, "13:30:00")  # the last is 9.20 since 10:02; the dip to 8.40 was 2.5 hours ago
        (fired,) = conditions(api)
        assert fired["state"] == "submitted", fired["message"]
        assert fired["trigger_last"] == "8.40"
