"""批量新股申购 / 新股批量申购: the offers grid and 一键申购 (1006), through the 申购确认."""

from __future__ import annotations

import win32con

from ashare_gateway.domain.errors import GatewayError
from ashare_gateway.simulators.xiadan import texts

from . import win as w
from .ids import ID_TEXT_CONFIRM, ID_YES
from .page import Page


class IpoPage(Page):
    kind = "ipo"
    grid_top = 40

    def controls(self) -> list[list]:
        return [w.button("一键申购", 1006, (10, 8, 50, 15))]

    def on_command(self, cid: int, code: int) -> bool:
        if cid == 1006 and code == win32con.BN_CLICKED:
            self.apply()
            return True
        return False

    def apply(self) -> None:
        app, dialogs = self.app, self.app.dialogs
        offers = app.backend.ipo_offers()
        if not offers:
            dialogs.message(texts.IPO_NONE)
            return
        lines = "\n".join(f"{o['申购代码']} {o['证券名称']} {o['申购价格']:.2f}" for o in offers)
        text = texts.IPO_CONFIRM.format(n=len(offers), lines=lines)
        if dialogs.modal(texts.IPO_TITLE, text, "yesno", text_id=ID_TEXT_CONFIRM) != ID_YES:
            return
        try:
            result = app.backend.auto_ipo()
        except GatewayError as exc:
            dialogs.message(exc.message)
            return
        self.refresh()
        n = len(result.applied)
        dialogs.message(texts.IPO_OK.format(n=n) if n else texts.IPO_NONE)
