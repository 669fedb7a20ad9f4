"""HexinBroker: the Broker protocol on a running 同花顺 hexin.exe (8.x or 9.x).

What goes where, and why:

- buys and sells: hexin's own flash-order dialog (:mod:`.flash`), the way ths_http_trader trades. The
  price may be left to the client (its 系统设置 default price), and the client itself says how much can
  be traded (刷新 → 可用), so this adapter offers ``max_amount`` (the service's ``ClientSizing``).
- balance, and positions on 8.x: the sibling xiadan.exe that hexin opens with F12 (another process,
  hence another driver), read by the xiadan adapter. It is the xiadan.exe in hexin.exe's own folder
  (hexin's exe path → its directory → xiadan.exe → that process's windows), never a window found by
  its title alone: another broker's client shows the same 网上股票交易系统5.0. With stored credentials it
  is started and logged in when missing; without, F12 asks hexin to open it and the call waits for it.
- everything else, and whatever a version lacks (positions on 9.x), raises ``NotSupported`` with a
  Chinese message naming the version (``同花顺9.x不支持持仓查询``): a clear answer, never a crash.

hexin.exe is the user's market-data program: the adapter attaches to it and never closes it; /exit only
detaches.
"""

from __future__ import annotations

import dataclasses
import logging
import ntpath
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from ...desktop.driver import VirtualKeyDriver
from ...domain import messages as msg
from ...domain.errors import BrokerUnavailable, NotConnected, NotSupported, OperationTimeout
from ...domain.models import Balance, Entrust, IpoResult, OrderAck, OrderRequest, Position, Quote, Side, Trade
from ..base import EVERYTHING, Broker, Capabilities, ConnectInfo, Credentials, Operation
from ..client_state import ClientState, driver_state, require_input
from ..ths.dialogs import DialogKind
from ..ths.layouts import UNIVERSAL
from ..ths.popups import Popup, Popups
from ..ths.session import answer_one, settle
from ..ths.timeouts import Timeouts
from . import texts
from .flash import FlashOrders
from .layouts import OPERATIONS, V8, HexinLayout
from .version import HexinVersion, layout_for, parse_title

log = logging.getLogger(__name__)


class HexinBroker:
    kind = "hexin"

    def __init__(
        self,
        driver: VirtualKeyDriver,
        trading: Broker | None = None,
        *,
        timeouts: Timeouts | None = None,
        trading_timeout: float = 30.0,
        kind: str = "hexin",
        path_exists: Callable[[str], bool] = os.path.exists,
    ) -> None:
        self.kind = kind
        self.driver = driver  # attached to hexin.exe
        self.trading = trading  # the sibling xiadan.exe's adapter (balance, positions)
        self.timeouts = timeouts or Timeouts()
        self.trading_timeout = trading_timeout
        self.path_exists = path_exists
        self.layout: HexinLayout = V8
        self.version: HexinVersion | None = None
        self.main: int | None = None
        self.main_title = ""
        self.exe_path = ""
        self.credentials: Credentials | None = None
        self._trading_ready = False
        self._own: set[int] = set()  # windows that are not pop-ups: the main window, an open flash dialog
        # Pop-ups look and read like xiadan's (提示 / 委托确认, Static 1004/1040, buttons 6/7/1).
        self.popups = Popups(driver, UNIVERSAL, self.timeouts, lambda: set(self._own))
        self.flash = FlashOrders(driver, self.popups, self.timeouts, self._own)
        self._lock = threading.RLock()

    # =========================================================== lifecycle
    def connect(self, exe_path: str | None = None) -> ConnectInfo:
        with self._op():
            found = self._attach(exe_path)
            main = self._find_main()
            if main is None:
                raise BrokerUnavailable(texts.NOT_RUNNING)
            self.main, self.exe_path = main, found
            self._own.add(main)
            self._settle()
            account = self.credentials.user if self.credentials else ""
            return ConnectInfo(exe_path=found, account=account, main_window_title=self.main_title)

    def login(self, credentials: Credentials) -> ConnectInfo:
        """Attach to the running 同花顺; the credentials are the trading account's, for the sibling xiadan."""
        self.credentials = credentials
        return self.connect(credentials.exe_path)

    def exit(self) -> None:
        with self._lock:
            self._own.clear()
            self.main, self._trading_ready = None, False

    def _attach(self, exe_path: str | None) -> str:
        paths = [exe_path] if exe_path else [p for p in V8.exe_paths if self.path_exists(p)]
        found = next((p for p in paths if self.driver.attach(exe_path=p)), None)
        if found is None and not exe_path and self.driver.attach(title_re=V8.main_title_re):
            found = ""
        if found is None:
            raise BrokerUnavailable(texts.NOT_RUNNING)
        return found

    def _find_main(self) -> int | None:
        """The main window, its version, and the layout that goes with it."""
        pattern = re.compile(V8.main_title_re)
        for w in self.driver.top_windows():
            if w.class_name != "#32770" and pattern.search(w.title):
                version = parse_title(w.title)
                if version is None:
                    raise BrokerUnavailable(texts.UNKNOWN_VERSION.format(title=w.title))
                self.version, self.layout, self.main_title = version, layout_for(version), w.title
                return w.handle
        return None

    def _ready(self) -> int:
        """The main window, with no pop-up in the way; re-attached if 同花顺 was restarted."""
        if self.main is None:
            raise NotConnected(msg.NOT_CONNECTED)
        if not self.driver.is_alive() or self.main not in {w.handle for w in self.driver.top_windows()}:
            self._own.discard(self.main)
            self.main = None
            self._attach(self.exe_path or None)
            main = self._find_main()
            if main is None:
                raise BrokerUnavailable(texts.NOT_RUNNING)
            self.main = main
            self._own.add(main)
        self._settle()
        return self.main

    def _settle(self) -> None:
        settle(self.popups, self.popups.dismiss, "同花顺弹出的对话框无法全部关闭")

    # =========================================================== what a version can do
    def _require(self, operation: str) -> None:
        if operation not in self.layout.supports:
            raise self._unsupported(operation)

    @property
    def capabilities(self) -> Capabilities:
        """What the connected version offers (8.x before connecting): everything else is refused."""
        missing = {
            op: self._unsupported(op.value).message
            for op in Operation
            if op.value not in self.layout.supports
        }
        return EVERYTHING.without(missing)

    def _unsupported(self, operation: str) -> NotSupported:
        text = texts.NOT_SUPPORTED.format(family=self.layout.family, operation=OPERATIONS[operation])
        return NotSupported(text)

    # =========================================================== balance and positions (sibling xiadan)
    def balance(self) -> Balance:
        with self._op():
            self._require("balance")
            return self._sibling("balance").balance()

    def positions(self) -> list[Position]:
        with self._op():
            self._require("positions")
            return self._sibling("positions").positions()

    def _sibling(self, operation: str) -> Broker:
        if self.trading is None:
            raise BrokerUnavailable(texts.NO_TRADING_CLIENT.format(operation=OPERATIONS[operation]))
        if not self._trading_ready:
            self._open_trading()
            self._trading_ready = True
        return self.trading

    def sibling_exe(self) -> str:
        """hexin.exe's own xiadan.exe: the folder of the attached hexin process (its exe path as
        attached, else the process's image path), never a xiadan.exe found elsewhere."""
        hexin = self.exe_path or self.driver.process_exe() or ""
        if not hexin:
            raise BrokerUnavailable(texts.NO_HEXIN_PATH)
        return ntpath.join(ntpath.dirname(hexin), self.layout.trading_exe_name)

    def _open_trading(self) -> None:
        """Attach to the sibling; log in with stored credentials, else ask hexin (F12) and wait."""
        assert self.trading is not None
        trading, sibling = self.trading, self.sibling_exe()
        if self.credentials is not None:  # their exe_path is hexin's: the trading client is the sibling
            trading.login(dataclasses.replace(self.credentials, exe_path=sibling))
            return
        try:
            trading.connect(sibling)
            return
        except BrokerUnavailable:
            pass
        self.driver.type_keys(self._ready(), self.layout.trading_key)

        def attached() -> bool:
            try:
                trading.connect(sibling)
            except BrokerUnavailable:
                return False
            return True

        try:
            self.timeouts.wait_for_start(attached, self.trading_timeout, "同花顺交易客户端登录")
        except OperationTimeout:
            raise BrokerUnavailable(texts.TRADING_NOT_LOGGED_IN.format(path=sibling)) from None

    # =========================================================== orders (flash-order dialog)
    def place_order(self, request: OrderRequest) -> OrderAck:
        with self._op():
            if request.is_market:
                raise self._unsupported("market_order")
            self._require("buy" if request.side is Side.BUY else "sell")
            require_input(self.driver, "委托")  # the quick codes and the flash dialog's fields are keys
            main = self._ready()
            return self.flash.place(
                main, self.layout, request.side, request.code, request.price, request.amount
            )

    def max_amount(self, side: Side, code: str, price: Decimal | None) -> int:
        """The most the client says can be traded (its 可用 after 刷新), at ``price`` or its default."""
        with self._op():
            self._require("buy" if side is Side.BUY else "sell")
            require_input(self.driver, "查询可交易数量")
            return self.flash.max_amount(self._ready(), self.layout, side, code, price)

    # =========================================================== not offered by hexin
    def today_entrusts(self) -> list[Entrust]:
        raise self._unsupported("today_entrusts")

    def today_trades(self) -> list[Trade]:
        raise self._unsupported("today_trades")

    def cancelable_entrusts(self) -> list[Entrust]:
        raise self._unsupported("cancelable_entrusts")

    def cancel(self, contract_no: str) -> None:
        raise self._unsupported("cancel")

    def cancel_all(self) -> int:
        raise self._unsupported("cancel_all")

    def auto_ipo(self) -> IpoResult:
        raise self._unsupported("auto_ipo")

    def client_state(self) -> ClientState:
        """The client's pid and whether the desktop takes input (``brokers/client_state.py``)."""
        return driver_state(self.driver)

    def quote(self, code: str) -> Quote:
        raise self._unsupported("quote")

    # =========================================================== tools
    def refresh(self) -> None:
        with self._op():
            self.driver.type_keys(self._ready(), self.layout.refresh_key)

    def has_pop_dialog(self) -> bool:
        with self._op():
            if self.main is None:
                raise NotConnected(msg.NOT_CONNECTED)
            return bool(self.popups.handles())

    def close_pop_dialog(self) -> bool:
        with self._op():
            if self.main is None:
                raise NotConnected(msg.NOT_CONNECTED)
            return answer_one(self.popups, self._answer_pop_dialog)

    def _answer_pop_dialog(self, popup: Popup) -> None:
        """A question is declined (never confirm what nobody asked for); anything else is dismissed."""
        if popup.kind is DialogKind.CONFIRM:
            self.popups.decline(popup)
        else:
            self.popups.dismiss(popup)

    @contextmanager
    def _op(self) -> Iterator[None]:
        """One operation at a time (the lane already serialises; this guards direct use, as in tests)."""
        with self._lock:
            yield
