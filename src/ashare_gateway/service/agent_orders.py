"""Orders from AI agents: nothing is sent on the first call. A call proposes (validated, shown with the
risk limits that will apply, given a proposal id); only sending that id back confirms it, once, before
it expires. A confirmed order goes through the normal order path (journal, risk, lane) with the
Idempotency-Key ``mcp-<proposal id>``, which marks its origin in the journal and makes a repeated
confirmation replay the first answer instead of ordering twice.

Several accounts: a proposal is made for one gateway account (``account``, or the only one) and bound
to it; ``confirm`` sends it on that account's auto-login session and never on another, whatever
happened in between. Without a name and with several accounts the proposal is refused (the same 400
text as an HTTP call without ``account=``).
"""

from __future__ import annotations

import dataclasses
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..domain.errors import Conflict, InvalidParameter, InvalidSession
from ..domain.models import Side
from . import validation
from .order_events import AGENT_KEY_PREFIX
from .risk import RiskGuard
from .trader import TraderService

TEXTS = {
    "unknown": "提案不存在或已过期：{pid}（请重新提出）",
    "used": "提案已确认过：{pid}",
    "side": "买卖方向只能是 buy 或 sell：{side}",
    "how": "这只是提案，尚未发送。确认无误后调用 confirm 并传回 proposal_id；{ttl:g}秒内有效。",
    "no_session": "账户{name}没有自动登录的会话，智能体无法用它交易",
}


class ProposalKind(StrEnum):
    ORDER = "order"
    CANCEL = "cancel"


@dataclass(frozen=True)
class Proposal:
    id: str
    kind: ProposalKind
    summary: str
    body: dict[str, Any]
    side: Side | None
    expires_at: float  # monotonic
    account: str  # the gateway account (config.ini [Account:NAME]) it was proposed for and sends on


class ProposalBook:
    def __init__(
        self,
        service: TraderService,
        risk: RiskGuard,
        *,
        ttl: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.service, self.risk, self.ttl = service, risk, ttl
        self._clock = clock
        self._open: dict[str, Proposal] = {}
        self._used: set[str] = set()
        self._lock = threading.Lock()

    def session_for(self, account: str | None) -> tuple[str, str]:
        """(gateway account name, its auto-login session id): the account named, else the only one."""
        name = self.service.account_name(account)
        try:
            return name, self.service.resolve(None, name) or ""
        except InvalidSession:
            raise InvalidParameter(TEXTS["no_session"].format(name=name)) from None

    def _add(
        self,
        kind: ProposalKind,
        summary: str,
        body: dict[str, Any],
        side: Side | None,
        account: str | None,
    ) -> dict:
        name, session_id = self.session_for(account)
        broker_account = self.service.handle_for(session_id).account
        pid = secrets.token_hex(8)
        proposal = Proposal(pid, kind, summary, body, side, self._clock() + self.ttl, name)
        with self._lock:
            now = self._clock()
            self._open = {k: p for k, p in self._open.items() if p.expires_at > now}
            self._open[pid] = proposal
        return {
            "proposal_id": pid,
            "dry_run": True,
            "summary": summary,
            "account": name,
            "broker_account": broker_account,
            "expires_in_seconds": self.ttl,
            "kill_switch": self.risk.kill_switch(broker_account),
            "risk_limits": _limits(dataclasses.asdict(self.risk.limits(broker_account))),
            "next_step": TEXTS["how"].format(ttl=self.ttl),
        }

    def propose_order(
        self, side: str, code: str, price: float | str, amount: int, account: str | None = None
    ) -> dict:
        try:
            which = Side(side)
        except ValueError:
            raise InvalidParameter(TEXTS["side"].format(side=side)) from None
        body = {"security": code, "price": price, "amount": amount}
        req = validation.limit_order(which, body)  # the same checks an HTTP order gets, before any proposal
        summary = f"{which.label} {req.code} {req.amount}股，限价 {req.price} 元"
        return self._add(ProposalKind.ORDER, summary, body, which, account)

    def propose_cancel(self, contract_no: str, account: str | None = None) -> dict:
        text = str(contract_no).strip()
        if not text or not (text.isascii() and text.isalnum()) or len(text) > 32:
            raise InvalidParameter("合同编号格式错误")
        return self._add(ProposalKind.CANCEL, f"撤销委托 {text}", {"entrust_no": text}, None, account)

    def confirm(self, pid: str) -> dict:
        """Send what the proposal says. Each id works once; a repeat is refused, never re-sent."""
        with self._lock:
            if pid in self._used:
                raise Conflict(TEXTS["used"].format(pid=pid))
            proposal = self._open.pop(pid, None)
            if proposal is None or proposal.expires_at <= self._clock():
                raise InvalidParameter(TEXTS["unknown"].format(pid=pid))
            self._used.add(pid)
        _, session_id = self.session_for(proposal.account)  # its own account's session, now
        if proposal.kind is ProposalKind.CANCEL:
            no = self.service.cancel(session_id, proposal.body["entrust_no"])
            return {"done": proposal.summary, "account": proposal.account, "合同编号": no}
        assert proposal.side is not None
        ack = self.service.limit_order(session_id, proposal.side, proposal.body, key=AGENT_KEY_PREFIX + pid)
        return {
            "done": proposal.summary,
            "account": proposal.account,
            "合同编号": ack.contract_no,
            "委托编号": ack.entrust_no,
            "message": ack.message,
            "idempotency_key": AGENT_KEY_PREFIX + pid,
        }


def _limits(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: sorted(v) if isinstance(v, frozenset) else v for k, v in values.items() if v not in (None, False)
    }
