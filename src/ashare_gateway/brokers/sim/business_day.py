"""The business day: which trading day an order, a trade or a 当日 view belongs to at a given moment.

A broker keeps showing today's 当日委托/当日成交 after the market closes, until its night settlement
(日终清算); only then do night orders (夜市委托) for the next trading day open (dossier §6, [NIGHT]:
"broker-held, typically ~15:30/after clearing until the next morning"). The paper broker settles at
17:00: the after-hours session ends at 15:30, and 15:30–17:00 is the clearing window in which new
orders are refused, as most brokers' systems do while they clear. Sale proceeds become withdrawable
(可取) on the next trading day (dossier §4, [CASH-a]), not at the settlement.
"""

from __future__ import annotations

import datetime as dt

from ...domain.sessions import CLEARING_END, CLEARING_START, TradingCalendar


class BusinessDay:
    def __init__(self, calendar: TradingCalendar) -> None:
        self.calendar = calendar

    def date(self, now: dt.datetime) -> dt.date:
        """The trading day of orders and 当日 records now: today until the settlement, else the next one."""
        today = now.date()
        if self.calendar.always_open:
            return today
        if self.calendar.is_trading_day(today) and now.time() < CLEARING_END:
            return today
        return self.calendar.next_trading_day(today)

    def clearing(self, now: dt.datetime) -> bool:
        """15:30–17:00 of a trading day: the books are being settled; no new orders."""
        if self.calendar.always_open or not self.calendar.is_trading_day(now.date()):
            return False
        return CLEARING_START <= now.time() < CLEARING_END

    def proceeds_locked_from(self, now: dt.datetime) -> dt.date:
        """Sale proceeds of trades on or after this day are not yet withdrawable (可取 on T+1)."""
        today = now.date()
        if self.calendar.always_open or self.calendar.is_trading_day(today):
            return today
        return self.calendar.previous_trading_day(today)
