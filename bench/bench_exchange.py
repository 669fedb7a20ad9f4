"""In-process cost of the paper exchange's calls against the number of open orders.

Why: a strategy that keeps many orders resting must not make every other call slower (issue 15: cost
flat in open orders). This measures the exchange alone (no HTTP, no journal): ``balance()`` (what
/balance serves), ``positions()``, a limit buy that rests plus its cancel (what /buy + /cancel do), and
``entrusts()`` / ``trades()`` (当日委托 / 当日成交, which are linear in their rows by nature), each with
0, 1,000 and 5,000 resting buys beside them. The clock is frozen at 10:00 on a trading day, so the
catch-up is the same no-op for every point and only the cost of the call itself is measured. The time is
the process's CPU time per call (``time.process_time``), not wall time: on a shared machine the wall
time of a 1 ms call mostly measures the other jobs (SQLite in WAL mode with ``synchronous=NORMAL`` does
not wait for the disk on commit, so CPU time is nearly all of a call's cost).

Usage: ``python bench/bench_exchange.py [--opens 0,1000,5000] [--repeat 200]``; prints a table with the
median per call and its ratio to the 0-open point.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if not any(Path(p, "ashare_gateway").is_dir() for p in sys.path if p):  # no `pip install -e .`
    sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import event  # noqa: E402

from ashare_gateway.brokers.sim import SimExchange  # noqa: E402
from ashare_gateway.domain.clock import ManualClock  # noqa: E402
from ashare_gateway.domain.models import OrderRequest, Side  # noqa: E402
from ashare_gateway.domain.sessions import TradingCalendar  # noqa: E402

NOW = "2026-11-20 10:00:00"
CODE = "600000"
USER = "bench"


def _exchange(path: Path, open_orders: int) -> SimExchange:
    ex = SimExchange(path, clock=ManualClock(NOW), calendar=TradingCalendar())
    ex.create_account(USER, "bench-password", cash=Decimal("100000000"))  # room for 5,000 resting buys
    broker = ex.broker(USER)
    floor = broker.quote(CODE).limit_down
    for i in range(open_orders):  # resting buys at the limit-down band, spread over 20 ticks
        broker.place_order(OrderRequest(CODE, Side.BUY, 100, floor + Decimal(i % 20) / 100))
    return ex


def _median_us(call, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        call()
        samples.append(time.process_time() - start)
    return statistics.median(samples) * 1e6


def statements_per_call(ex: SimExchange, call) -> list[str]:
    """The SQL statements one call sends to the paper database (SQLAlchemy's ``before_cursor_execute``)."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        table = re.search(r"(?:FROM|INTO|UPDATE)\s+(\w+)", statement)
        seen.append(f"{statement.split(None, 1)[0]} {table.group(1) if table else ''}")

    event.listen(ex.db, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(ex.db, "before_cursor_execute", record)
    return seen


def count_statements() -> dict[str, list[str]]:
    """Statements of a resting buy and of its cancel (the catch-up is a no-op: the clock is frozen)."""
    with tempfile.TemporaryDirectory() as tmp:
        ex = _exchange(Path(tmp) / "paper.sqlite3", 10)
        broker = ex.broker(USER)
        price = broker.quote(CODE).limit_down
        broker.cancel(broker.place_order(OrderRequest(CODE, Side.BUY, 100, price)).contract_no)  # warm
        acks = []
        buy = statements_per_call(
            ex, lambda: acks.append(broker.place_order(OrderRequest(CODE, Side.BUY, 100, price)))
        )
        cancel = statements_per_call(ex, lambda: broker.cancel(acks[0].contract_no))
        ex.db.dispose()
        return {"buy": buy, "cancel": cancel}


def measure(open_orders: int, repeat: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        ex = _exchange(Path(tmp) / "paper.sqlite3", open_orders)
        broker = ex.broker(USER)
        price = broker.quote(CODE).limit_down

        def place_cancel() -> None:
            ack = broker.place_order(OrderRequest(CODE, Side.BUY, 100, price))
            broker.cancel(ack.contract_no)

        out = {
            "balance": _median_us(broker.balance, repeat),
            "positions": _median_us(broker.positions, repeat),
            "place+cancel": _median_us(place_cancel, repeat),
            "entrusts": _median_us(broker.today_entrusts, max(5, repeat // 20)),
            "entrusts page 100": _median_us(lambda: broker.today_entrusts_page(None, 100), repeat),
            "trades": _median_us(broker.today_trades, max(5, repeat // 20)),
        }
        ex.db.dispose()
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opens", default="0,1000,5000")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    opens = [int(x) for x in args.opens.split(",")]
    for call, statements in count_statements().items():
        print(f"SQL statements per {call}: {len(statements)} ({', '.join(statements)})")
    results = {n: measure(n, args.repeat) for n in opens}
    base = results[opens[0]]
    print(f"{'call':<14}" + "".join(f"{n:>9,} open (×)" for n in opens))
    for call in base:
        cells = "".join(f"{results[n][call]:>9.0f} µs {results[n][call] / base[call]:>4.1f}" for n in opens)
        print(f"{call:<14}{cells}")


if __name__ == "__main__":
    main()
