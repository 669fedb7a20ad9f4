"""Conditional orders over HTTP, against the paper exchange priced by a scripted replay.

The replay file scripts 600000's path on 2026-11-20 (prices between rows hold). Each test moves the
ManualClock along that path and runs evaluation rounds (``evaluate()``, what the scheduler's thread runs
every second), then reads what happened over HTTP: the condition, the journal, the broker's entrusts,
the event stream's table.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ashare_gateway.config import Settings
from ashare_gateway.domain.clock import ManualClock
from tests.conftest import Served, serve

DAY = "2026-11-20"  # a Friday
# (time, last): 8.70 → dips to 8.40 → recovers to 8.80 → falls to 8.50 → 9.10 → 9.00 → 8.60.
PATH = [
    ("09:30:00", "8.70"),
    ("10:00:30", "8.60"),
    ("10:01:00", "8.40"),
    ("10:01:30", "8.80"),
    ("10:02:00", "8.50"),
    ("10:03:00", "9.10"),
    ("10:04:00", "9.00"),
    ("10:05:00", "8.60"),
]


def write_path(folder: Path, path: list[tuple[str, str]] = PATH, day: str = DAY) -> Path:
    """A replay CSV of 600000 (ticks layout), one row per scripted moment, volume rising."""
    file = folder / "path.csv"
    with file.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["time", "code", "last", "volume", "prev_close", "name"])
        for i, (t, last) in enumerate(path):
            writer.writerow([f"{day} {t}", "600000", last, 100_000 * (i + 1), "8.66", "浦发银行"])
    return file


@pytest.fixture
def replayed(tmp_path: Path) -> Iterator[Served]:
    clock = ManualClock(f"{DAY} 10:00:00")
    quotes = f"replay:{write_path(tmp_path)}"
    settings = Settings(data_dir=tmp_path / "data", demo_market=False, quotes=quotes)
    with serve(settings, clock) as s:
        yield s


def at(served: Served, hhmmss: str) -> None:
    """Move the market to ``hhmmss`` today and run one evaluation round."""
    served.clock.set(f"{DAY} {hhmmss}")
    assert served.gateway.conditions is not None
    served.gateway.conditions.evaluate()


def create(api: httpx.Client, body: dict) -> httpx.Response:
    return api.post("/conditions", json=body)


def conditions(api: httpx.Client, state: str | None = None) -> list[dict]:
    r = api.get("/conditions", params={"state": state} if state else None)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def sells_of(api: httpx.Client, amount: int) -> list[dict]:
    rows = api.get("/today-entrusts").json()["data"]
    return [e for e in rows if e["证券代码"] == "600000" and e["委托数量"] == amount]


def event_types(served: Served) -> list[str]:
    return [str(e.type) for e in served.gateway.live.bus.since(0)]


STOP = {
    "type": "stop_loss",
    "security": "600000",
    "side": "sell",
    "amount": 300,
    "trigger_price": 8.45,
    "price_type": "trigger_offset",
    "ticks": 2,
}


def test_a_stop_loss_triggers_exactly_once_when_the_replay_crosses_it(replayed: Served) -> None:
    with replayed.client() as api:
        r = create(api, STOP)
        assert r.status_code == 200, r.text
        (made,) = r.json()["data"]
        assert made["state"] == "armed" and made["trigger_price"] == "8.45"
        for t in ("10:00:10", "10:00:40"):  # 8.70, 8.60: above the stop
            at(replayed, t)
        assert conditions(api)[0]["state"] == "armed" and sells_of(api, 300) == []
        at(replayed, "10:01:05")  # 8.40: crossed
        (fired,) = conditions(api)
        assert fired["state"] == "submitted", fired
        assert fired["trigger_last"] == "8.40" and fired["idempotency_key"] == f"condition:{made['id']}"
        assert fired["order"]["price"] == "8.38"  # the trigger-time last minus two ticks
        for t in ("10:01:10", "10:02:05", "10:05:05"):  # later crossings never send again
            at(replayed, t)
        (order,) = sells_of(api, 300)
        assert order["合同编号"] == fired["合同编号"] and order["委托价格"] == 8.38
        journal = api.get(f"{replayed.url}/api/journal/orders").json()["data"]
        assert [j["idempotency_key"] for j in journal] == [fired["idempotency_key"]]
        assert event_types(replayed).count("condition.triggered") == 1
        assert conditions(api, "submitted") == [conditions(api)[0]] and conditions(api, "armed") == []


def test_oco_bracket_the_first_leg_to_fire_cancels_the_other(replayed: Served) -> None:
    take = {**STOP, "type": "take_profit", "trigger_price": 9.05, "price_type": "limit", "price": 9.0}
    stop = {**STOP, "trigger_price": 8.30}  # below the dip to 8.40: this leg must not fire
    with replayed.client() as api:
        r = create(api, {"oco": [stop, take]})
        assert r.status_code == 200, r.text
        stop_id, take_id = (c["id"] for c in r.json()["data"])
        for t in ("10:01:05", "10:02:05", "10:03:05"):  # 8.40, 8.50, then 9.10 crosses the take-profit
            at(replayed, t)
        rows = {c["id"]: c for c in conditions(api)}
        assert rows[take_id]["state"] == "submitted"
        assert rows[stop_id]["state"] == "cancelled" and str(take_id) in rows[stop_id]["message"]
        at(replayed, "10:05:05")
        assert len(sells_of(api, 300)) == 1
        types = event_types(replayed)
        assert types.count("condition.triggered") == 1 and types.count("condition.cancelled") == 1


def test_a_trailing_stop_follows_the_peak(replayed: Served) -> None:
    trail = {**STOP, "type": "trailing_stop", "trail_percent": 4, "amount": "all"}
    trail.pop("trigger_price")
    with replayed.client() as api:
        r = create(api, trail)
        assert r.status_code == 200, r.text
        # Peak 8.70 at creation: stop 8.35. The dip to 8.40 stays above it; the peak 9.10 moves the stop to
        # 8.73 (9.10 × 0.96 = 8.736, down to the tick); 9.00 holds; 8.60 fires.
        for t, state in (("10:01:05", "armed"), ("10:03:05", "armed"), ("10:04:05", "armed")):
            at(replayed, t)
            assert conditions(api)[0]["state"] == state
        assert conditions(api)[0]["extreme"] == "9.10"
        at(replayed, "10:05:05")
        (fired,) = conditions(api)
        assert fired["state"] == "submitted" and fired["trigger_last"] == "8.60"
        assert fired["order"]["amount"] == 1000  # all of the demo account's 600000


def test_an_untriggered_condition_expires_at_the_close(replayed: Served) -> None:
    with replayed.client() as api:
        stop = {**STOP, "trigger_price": 8.0}
        assert create(api, stop).status_code == 200
        at(replayed, "14:56:00")
        assert conditions(api)[0]["state"] == "armed"
        at(replayed, "15:00:00")
        (done,) = conditions(api)
        assert done["state"] == "expired" and sells_of(api, 300) == []
        assert "condition.expired" in event_types(replayed)


def test_cancel_before_the_trigger_and_never_after(replayed: Served) -> None:
    with replayed.client() as api:
        first = create(api, STOP).json()["data"][0]["id"]
        second = create(api, {**STOP, "amount": 200}).json()["data"][0]["id"]
        r = api.delete(f"/conditions/{first}")
        assert r.status_code == 200 and r.json()["data"]["state"] == "cancelled"
        at(replayed, "10:01:05")
        assert sells_of(api, 300) == [] and len(sells_of(api, 200)) == 1
        late = api.post(f"/conditions/{second}/cancel")
        assert late.status_code == 409 and "已下单" in late.json()["message"]
        assert api.delete("/conditions/999").status_code == 404
        assert api.delete("/conditions/abc").status_code == 400


def test_a_time_condition_fires_at_its_time(replayed: Served) -> None:
    with replayed.client() as api:
        body = {**STOP, "type": "time", "at": "10:30:00", "amount": 100, "price_type": "limit", "price": 8.5}
        body.pop("trigger_price")
        assert create(api, body).status_code == 200
        at(replayed, "10:29:59")
        assert conditions(api)[0]["state"] == "armed"
        at(replayed, "10:30:00")
        assert conditions(api)[0]["state"] == "submitted"


@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"type": "stop"}, "条件类型无效"),
        ({"side": "buy"}, "只能是卖出"),
        ({"trigger_price": 8.451}, "最小"),
        ({"trigger_price": 8.8}, "已被现价8.70越过"),
        ({"amount": "all", "side": "buy", "type": "breakout_above", "trigger_price": 9}, "amount=all"),
        ({"price_type": "limit", "price": 12.0}, "涨跌停"),
        ({"ticks": 21}, "ticks"),
        ({"valid": "2026-11-19"}, "有效期"),
        ({"valid": "2027-11-19"}, "有效期"),
        ({"security": "999999"}, "证券代码"),
        ({"amount": 0}, "数量"),
        ({"price_type": "fok"}, "委托价格类型无效"),
    ],
)
def test_bad_conditions_are_refused_with_the_reason(replayed: Served, change: dict, text: str) -> None:
    with replayed.client() as api:
        r = create(api, {**STOP, **change})
        assert r.status_code == 400, r.text
        assert text in r.json()["message"]
        assert conditions(api) == []


def test_a_desktop_broker_with_synthetic_quotes_is_refused(tmp_path: Path) -> None:
    clock = ManualClock(f"{DAY} 10:00:00")
    for quotes in ("offline", f"replay:{write_path(tmp_path)}"):
        settings = Settings(
            data_dir=tmp_path / quotes[:4], demo_market=False, broker="xiadan-fake", quotes=quotes
        )
        with serve(settings, clock) as s, s.client() as api:
            r = create(api, STOP)
            assert r.status_code == 400 and "模拟或回放" in r.json()["message"], r.text


def test_a_refused_order_fails_the_condition_and_says_why(replayed: Served) -> None:
    with replayed.client() as api:
        assert create(api, {**STOP, "amount": 5000}).status_code == 200  # the demo account holds 1000
        at(replayed, "10:01:05")
        (failed,) = conditions(api)
        assert failed["state"] == "failed" and failed["message"], failed
        assert sells_of(api, 5000) == []
        assert "condition.failed" in event_types(replayed)
        at(replayed, "10:02:05")  # a failed condition is not tried again
        assert len(api.get(f"{replayed.url}/api/journal/orders").json()["data"]) == 1


def test_the_kill_switch_holds_a_fired_condition(replayed: Served) -> None:
    with replayed.client() as api:
        assert create(api, STOP).status_code == 200
        r = api.post(f"{replayed.url}/api/admin/kill-switch", json={"on": True})
        assert r.status_code == 200
        at(replayed, "10:01:05")
        (held,) = conditions(api)
        assert held["state"] == "failed" and "紧急停止" in held["message"], held
        assert sells_of(api, 300) == []


def test_evaluating_reads_no_client_so_the_lane_stays_free(replayed: Served) -> None:
    """Quotes come from the quote source: a round that fires nothing puts no job on the client's lane."""
    with replayed.client() as api:
        assert create(api, {**STOP, "trigger_price": 8.0}).status_code == 200
        (handle,) = replayed.gateway.service.clients.all()
        before = handle.lane.completed
        for t in ("10:00:40", "10:01:05", "10:03:05"):
            at(replayed, t)
        assert handle.lane.completed == before


def test_an_armed_condition_survives_a_restart(tmp_path: Path) -> None:
    quotes = f"replay:{write_path(tmp_path)}"
    settings = Settings(data_dir=tmp_path / "data", demo_market=False, quotes=quotes)
    with serve(settings, ManualClock(f"{DAY} 10:00:00")) as s, s.client() as api:
        made = create(api, STOP).json()["data"][0]
    with serve(settings, ManualClock(f"{DAY} 10:00:40")) as s, s.client() as api:
        (kept,) = conditions(api)
        assert kept["id"] == made["id"] and kept["state"] == "armed"
        at(s, "10:01:05")
        assert conditions(api)[0]["state"] == "submitted" and len(sells_of(api, 300)) == 1
