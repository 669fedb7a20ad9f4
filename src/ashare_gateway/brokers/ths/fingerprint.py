"""The connect-time fingerprint: check the client on screen against its layout before trading on it.

Why: an adapter written for one build, driving another, types into whatever has the IDs it knows. A
renamed 合同编号 column makes every cancel look for a row that is never found and every outcome read
from 当日委托 empty; a missing 数量 edit, a page under another menu name or the compact mode (精简模式:
no menu tree) leave orders half-entered. So at connect (and login) the adapter checks, in this order:

1. the main window's class (``Layout.main_class_re``) and the menu tree 129 (none: 精简模式) — either
   wrong stops everything, reads included: the program is not the one the layout describes;
2. the menu tree's items for every page of the layout (``DesktopDriver.tree_paths``: every driver
   lists them; under Windows ``desktop/win32_tree.py`` walks the tree item by item);
3. each page of ``fingerprint_data.PAGE_NEEDS``: navigated to, its controls present with their class;
4. the 当日委托 and 撤单 tables: the columns the parsers need.

A mismatch stops only the operations that page carries (``PAGE_GUARDS``): orders when the 买入 page or
当日委托 differ, cancels when the 撤单 page does, and so on. Reads go on unless (1) failed: every read
checks its own table's header before parsing (``tables.expect``) and fails naming what it found, and
no read types into an order field. The refusal is a ``ClientMismatch`` naming exactly what differs; the
service raises it before the journal and the lane (``service/client_guard.py``), and the session's
navigation refuses a blocked page as a second line (``ClientSession.page_guard``).

The client settings (``client_settings.py``) are read from ``xiadan.ini`` at the same time.

The check is taken again after the session restarts a dead client (``ClientSession.after_restart``),
before the operation that found it dead goes on: a broker's update installed on the restart can bring
up another build, and the fingerprint of the old one would let an order into it. The operation's own
navigation then meets the new fingerprint's refusal (``ClientSession.navigate`` checks its gate after
the restart). A check that fails outright after a restart refuses everything until the next connect.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import operator
import re
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ...domain.errors import GatewayError
from ..client_check import ClientMismatch, Guarded
from . import fingerprint_data as fd
from .client_settings import EFFECTS, Reading, Value, local_file, read_settings
from .layouts import COLUMNS
from .pageproof import active_pane

log = logging.getLogger(__name__)


class Trigger(Enum):
    """What the fingerprint was taken for (``/health`` ``fingerprint.trigger``)."""

    CONNECT = "connect"
    LOGIN = "login"
    RESTART = "restart"  # the session restarted a dead client and logged in again


@dataclass(frozen=True, slots=True)
class Problem:
    text: str
    blocks: frozenset[Guarded]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    flavour: str
    problems: tuple[Problem, ...] = ()
    checked: tuple[str, ...] = ()  # pages whose controls were checked
    compact: bool = False
    seconds: float = 0.0
    at: str = ""
    trigger: Trigger = Trigger.CONNECT

    def blocked(self, guarded: Guarded) -> list[str]:
        return [p.text for p in self.problems if guarded in p.blocks]

    def refusal(self, guarded: Guarded) -> ClientMismatch | None:
        texts = self.blocked(guarded)
        if not texts:
            return None
        if self.compact:
            return ClientMismatch(texts[0])
        refused = [fd.GUARD_NAMES[g] for g in Guarded if self.blocked(g)]
        allowed = [fd.GUARD_NAMES[g] for g in Guarded if not self.blocked(g)]
        text = fd.MISMATCH.format(
            flavour=fd.FLAVOUR_NAMES.get(self.flavour, self.flavour),
            what="；".join(dict.fromkeys(texts)),
            refused="、".join(refused),
            allowed=("仍可" + "、".join(allowed)) if allowed else "全部操作均已停止",
        )
        return ClientMismatch(text)

    def report(self) -> dict[str, Any]:
        return {
            "ok": not self.problems,
            "compact_mode": self.compact,
            "problems": [p.text for p in self.problems],
            "refused": [g.value for g in Guarded if self.blocked(g)],
            "checked_pages": list(self.checked),
            "seconds": round(self.seconds, 3),
            "checked_at": self.at,
            "trigger": self.trigger.value,
        }


@dataclass
class _Run:
    """One fingerprint being taken: the problems found so far."""

    problems: list[Problem] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    no_menu: set[str] = field(default_factory=set)  # pages whose menu item is missing

    def add(self, text: str, blocks: frozenset[Guarded]) -> None:
        self.problems.append(Problem(text, blocks))


class FingerprintMixin:
    """Mixed into ``XiadanBroker``: ``fingerprint_client()`` at connect; ``refusal``/``client_report``."""

    fingerprint: Fingerprint | None = None
    settings: dict[str, Reading] | None = None
    settings_source: str = ""

    # --- what the service asks (no window is touched) ------------------------------------------------
    def refusal(self, guarded: Guarded) -> ClientMismatch | None:
        return self.fingerprint.refusal(guarded) if self.fingerprint is not None else None

    def client_report(self) -> dict[str, Any]:
        return {
            "client": self.kind,
            "flavour": self.layout.flavour,
            "exe_path": self.session.exe_path,
            "fingerprint": self.fingerprint.report() if self.fingerprint is not None else None,
            "settings": self._settings_report(),
            "settings_source": self.settings_source,
        }

    def _settings_report(self) -> dict[str, dict[str, str]]:
        readings = dict(self.settings or {})
        learnt = self.result_popups
        if learnt is not None:  # what the first confirmed flow showed beats the file
            readings["result_popups"] = Reading(Value.YES if learnt else Value.NO, "首笔委托")
        return {
            name: {
                "value": r.value.value,
                "source": r.source,
                "effect": EFFECTS.get(name, EFFECTS["default"]),
            }
            for name, r in readings.items()
        }

    def _page_guard(self, page: str) -> None:
        """The session's gate before it shows a page: a page whose operations are blocked is refused."""
        guarded = fd.NAVIGATION_GUARDS.get(page)
        refusal = self.refusal(guarded) if guarded is not None else None
        if refusal is not None:
            raise refusal

    # --- taking it (inside the adapter's lock) -------------------------------------------------------
    def fingerprint_after_restart(self) -> None:
        """``ClientSession.after_restart``: the restarted client checked before anything is typed into it.

        Why: a restart can bring up another build (a broker's update installs on restart); the old
        fingerprint would let the pending order through. A check that itself fails leaves a fingerprint
        refusing everything (a fingerprint of ``None`` would refuse nothing)."""
        log.warning("the client was restarted: taking its fingerprint again")
        try:
            self.fingerprint_client(Trigger.RESTART)
        except GatewayError as exc:
            text = fd.RESTART_UNCHECKED.format(reason=exc.message)
            self.fingerprint = Fingerprint(
                flavour=self.layout.flavour,
                problems=(Problem(text, fd.STRUCTURAL),),
                at=dt.datetime.now().isoformat(timespec="seconds"),
                trigger=Trigger.RESTART,
            )
            raise

    def fingerprint_client(self, trigger: Trigger = Trigger.CONNECT) -> Fingerprint:
        started = time.perf_counter()
        restarts = self.session.restarts
        self.fingerprint = None  # the check itself navigates: the gate stays open meanwhile
        self.session.page_guard = self._page_guard
        read = getattr(self.driver, "client_file", None) or local_file
        self.settings, self.settings_source = read_settings(self.session.exe_path, read)
        run = _Run()
        compact = self._check_structure(run)
        if not run.problems:  # a wrong window or 精简模式: its pages cannot be checked
            self._check_menu(run)
            for page in fd.PAGE_NEEDS:
                self._check_page(page, run)
        if self.session.restarts != restarts and self.fingerprint is not None:
            return self.fingerprint  # the client died meanwhile: the check taken after its restart stands
        self.fingerprint = Fingerprint(
            flavour=self.layout.flavour,
            problems=tuple(run.problems),
            checked=tuple(run.checked),
            compact=compact,
            seconds=time.perf_counter() - started,
            at=dt.datetime.now().isoformat(timespec="seconds"),
            trigger=trigger,
        )
        if run.problems:
            log.warning("client fingerprint: %s", "; ".join(p.text for p in run.problems))
        log.info("client fingerprint taken in %.3f s", self.fingerprint.seconds)
        return self.fingerprint

    def _check_structure(self, run: _Run) -> bool:
        """The main window's class and its menu tree; True when the tree is missing (精简模式)."""
        main = self.session.main
        info = next((w for w in self.driver.top_windows() if w.handle == main), None)
        expected = self.layout.main_class_re
        if info is not None and not re.search(expected, info.class_name):
            run.add(fd.MAIN_CLASS.format(found=info.class_name, expected=expected), fd.STRUCTURAL)
            return False
        tree = self.driver.find_control(main, control_id=self.layout.tree_id, class_name=fd.TREE_CLASS)
        if tree is None:
            run.add(fd.COMPACT.format(tree_id=self.layout.tree_id), fd.STRUCTURAL)
            return True
        return False

    def _check_menu(self, run: _Run) -> None:
        """Every page's menu path in the tree as the driver lists it (``DesktopDriver.tree_paths``).

        A tree that cannot be read is reported and refuses nothing: each checked page is then still
        visited, and a missing item shows there."""
        tree = self.driver.find_control(
            self.session.main, control_id=self.layout.tree_id, class_name=fd.TREE_CLASS
        )
        try:
            have = {tuple(p) for p in self.driver.tree_paths(tree)} if tree is not None else set()
        except GatewayError as exc:
            run.add(fd.MENU_UNREADABLE.format(reason=exc.message), frozenset())
            return
        by_tree = self.layout.navigation == "tree"
        for page, path in self.layout.menu.items():
            if tuple(path) in have or (not by_tree and page in self.layout.commands):
                continue
            # A read page's own read fails naming the item: reported, it refuses nothing else.
            run.add(fd.MISSING_MENU.format(path="/".join(path)), fd.PAGE_GUARDS.get(page, frozenset()))
            run.no_menu.add(page)

    def _check_page(self, page: str, run: _Run) -> None:
        name, blocks = fd.PAGE_NAMES[page], fd.PAGE_GUARDS[page]
        if page in run.no_menu:
            return
        needs = [(n, operator.attrgetter(n.attr)(self.layout)) for n in fd.PAGE_NEEDS[page]]
        try:
            self.session.navigate(page, needs[0][1])
        except GatewayError as exc:
            wrong = self._missing(needs, name)
            for text in wrong or [fd.PAGE_UNREACHABLE.format(page=name, reason=exc.message)]:
                run.add(text, blocks)
            return
        wrong = self._wait_for(needs, name)
        run.checked.append(page)
        for text in wrong:
            run.add(text, blocks)
        if not wrong and page in fd.PAGE_COLUMNS:
            for text in self._check_columns(page, name):
                run.add(text, blocks)

    def _wait_for(self, needs: list, name: str) -> list[str]:
        """The page's controls, given the time a healthy client takes to show them; what is missing."""
        with contextlib.suppress(GatewayError):
            self.timeouts.wait(lambda: not self._missing(needs, name), self.timeouts.control, f"{name}控件")
        return self._missing(needs, name)

    def _missing(self, needs: list, name: str) -> list[str]:
        # Only the page on screen counts: the other pages stay alive with the same ids (pageproof.py).
        pane = active_pane(self.driver, self.session.main, self.layout.pane_path)
        shown: dict[int, set[str]] = {}
        for c in self.driver.children(pane) if pane is not None else []:
            shown.setdefault(c.control_id, set()).add(c.class_name)
        wrong = []
        for need, cid in needs:
            classes = shown.get(cid)
            if not classes:
                wrong.append(fd.MISSING_CONTROL.format(page=name, control_id=cid, class_name=need.class_name))
            elif need.class_name not in classes:
                found = "/".join(sorted(classes))
                wrong.append(
                    fd.WRONG_CLASS.format(page=name, control_id=cid, found=found, class_name=need.class_name)
                )
        return wrong

    def _check_columns(self, page: str, name: str) -> list[str]:
        try:
            table = self._parse(self.session.control(self.layout.grid_id, f"{name}表格"))
        except GatewayError as exc:
            return [fd.UNREADABLE_TABLE.format(page=name, reason=exc.message)]
        if table.kind != "entrusts":
            return [fd.NOT_THE_TABLE.format(page=name, header="、".join(table.header[:8]))]
        header = set(table.header)
        return [
            fd.MISSING_COLUMN.format(page=name, column=COLUMNS[f][0])
            for f in fd.PAGE_COLUMNS[page]
            if not any(alias in header for alias in COLUMNS[f])
        ]
