"""批量新股申购: apply only for the issues the account has a quota for, and say what was skipped and why.

Why this much care: the page lists every issue of the day, including those the account has no quota
for (可申购数量 / 华泰 申购数量 0), and nothing is ticked until 全选 (1098), which ticks them all. The
peers' way (easytrader ``auto_ipo``, clienttrader.py:323-347): read the grid, click 全选, untick each
row without quota by a click on its check cell (``_click_grid_by_row``: x 10, y 30 + 16·row in the
grid's own pixels), then 申购 (1006). The grid has no keyboard way to untick a row that any peer shows,
so the click is by coordinates (``Layout.grid_geometry``), posted to the grid, never on the screen.

A click that lands on the wrong row (another DPI, another row height) must not cost money: when the
client's 申购确认 names codes, it must name no issue without quota (else 否 and a refusal), and an issue
with a quota it does not name is reported as skipped, not as applied.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from ...desktop.driver import DesktopDriver
from ...domain import messages as msg
from ...domain.errors import OrderRejected
from ...domain.models import IpoApplied, IpoResult, IpoSkipped
from . import tables
from .outcome import run_flow
from .popups import Popup
from .session import ClientSession
from .timeouts import Timeouts

log = logging.getLogger(__name__)

_CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")


@dataclass(frozen=True, slots=True)
class IpoRow:
    """One row of the 新股申购 grid, at its place in the grid (the check cell to click is by row)."""

    index: int
    code: str
    name: str
    quota: int  # 可申购数量 / 申购数量 / 申购上限: 0 when the account may not apply


def ipo_rows(table: tables.Table) -> list[IpoRow]:
    """Every row of the IPO table, in grid order, with its quota (0 for none)."""
    rows = []
    for index, row in enumerate(tables.expect(table, "ipo").rows):
        code = tables.to_code(tables._get(row, "ipo_code"))
        quota = tables.to_int(tables._get(row, "ipo_limit", "0"))
        rows.append(IpoRow(index, code, tables._get(row, "ipo_name"), max(0, quota)))
    return rows


def confirm_codes(text: str, listed: set[str]) -> set[str] | None:
    """The listed codes a 申购确认 names; None when it names none of them (a build that only counts)."""
    named = {c for c in _CODE.findall(text) if c in listed}
    return named or None


class IpoSubscriber:
    """One 批量新股申购 run on the client behind ``session``."""

    def __init__(
        self,
        driver: DesktopDriver,
        session: ClientSession,
        timeouts: Timeouts,
        parse: Callable[[int], tables.Table],
    ) -> None:
        self.driver = driver
        self.session = session
        self.timeouts = timeouts
        self.parse = parse

    def subscribe(self) -> IpoResult:
        layout = self.session.layout
        grid = self.session.navigate("ipo", layout.grid_id)
        rows = [r for r in ipo_rows(self.parse(grid)) if r.code]
        entitled = [r for r in rows if r.quota > 0]
        skipped = [IpoSkipped(r.code, r.name, msg.IPO_NO_QUOTA) for r in rows if r.quota <= 0]
        if not entitled:
            return IpoResult(entitled=0, applied=[], skipped=skipped)
        select_all = self.session.find(layout.ipo_select_all_id)
        if select_all is not None:
            self.driver.click(select_all)  # ticks every row, those without quota too
            geometry = layout.grid_geometry
            for row in rows:
                if row.quota <= 0:
                    log.info("unticking %s (row %d): no quota", row.code, row.index)
                    self.driver.click_at(grid, *geometry.row_point(row.index))
        named: set[str] | None = None

        def check(popup: Popup) -> None:
            nonlocal named
            named = confirm_codes(popup.classified.text, {r.code for r in rows})
            wrong = sorted(named & {r.code for r in rows if r.quota <= 0}) if named else []
            if wrong:
                self.session.popups.decline(popup)
                raise OrderRejected(msg.IPO_CONFIRM_WRONG.format(codes="、".join(wrong)))

        self.driver.click(self.session.control(layout.ipo_submit_id, "申购按钮"))
        run_flow(self.session.popups, self.session, self.timeouts, "新股申购", check)
        applied = [r for r in entitled if named is None or r.code in named]
        skipped += [IpoSkipped(r.code, r.name, msg.IPO_NOT_CONFIRMED) for r in entitled if r not in applied]
        return IpoResult(
            entitled=len(entitled),
            applied=[IpoApplied(r.code, r.name, r.quota) for r in applied],
            skipped=skipped,
        )
