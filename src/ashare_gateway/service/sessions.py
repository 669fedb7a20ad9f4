"""Sessions of the ``/api/trader`` dialect (spec §4): unguessable ids, 30-minute idle expiry, auto-login.

A session binds a caller to one connected client (one broker instance). Sessions live in memory: a
restarted gateway logs in again from ``config.ini`` and callers reconnect, as with the real service.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from ..domain import messages as msg
from ..domain.errors import InvalidParameter, InvalidSession

IDLE_TIMEOUT = dt.timedelta(minutes=30)


@dataclass(slots=True)
class Session:
    session_id: str
    client_key: str  # which connected client (ClientHandle.key) this session drives
    account: str
    created_at: dt.datetime
    last_active: dt.datetime
    is_auto_login: bool = False
    account_name: str = "default"  # the gateway account (config.ini [Account:NAME]) it is bound to


class SessionStore:
    def __init__(self, now: Callable[[], dt.datetime], idle_timeout: dt.timedelta = IDLE_TIMEOUT) -> None:
        self._now = now
        self._idle = idle_timeout
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}
        # One auto-login session per gateway account; a call without a session id uses the default
        # account's (None when config.ini names several accounts: such a call must say which).
        self.auto_sessions: dict[str, str] = {}
        self.default_account: str | None = "default"
        self.account_names: list[str] = ["default"]

    @property
    def auto_session_id(self) -> str | None:
        """The default account's auto-login session id (the only one with a single account)."""
        return self.auto_sessions.get(self.default_account) if self.default_account else None

    def auto_for(self, name: str) -> str | None:
        with self._lock:
            return self.auto_sessions.get(name)

    def create(
        self, client_key: str, account: str, *, auto: bool = False, account_name: str = "default"
    ) -> Session:
        self.sweep()  # sessions nobody came back for would otherwise pile up, one per /connect
        now = self._now()
        session = Session(
            str(uuid.uuid4()), client_key, account, now, now, is_auto_login=auto, account_name=account_name
        )
        with self._lock:
            self._sessions[session.session_id] = session
            if auto:
                self.auto_sessions[account_name] = session.session_id
        return session

    def get(self, session_id: str | None, *, touch: bool = True) -> Session:
        """The caller's session; with no id, the default account's auto-login session (no idle-out)."""
        if not session_id and self.default_account is None:
            raise InvalidParameter(msg.ACCOUNT_REQUIRED.format(names="、".join(self.account_names)))
        with self._lock:
            sid = session_id or self.auto_session_id
            session = self._sessions.get(sid) if sid else None
            if session is None:
                raise InvalidSession(msg.INVALID_SESSION)
            now = self._now()
            if not session.is_auto_login and now - session.last_active > self._idle:
                del self._sessions[session.session_id]
                raise InvalidSession(msg.INVALID_SESSION)
            if touch:
                session.last_active = now
            return session

    def end(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)
            self._forget_auto(session_id)

    def end_client(self, client_key: str) -> None:
        """A client closed: every session on it ends."""
        with self._lock:
            for sid in [s for s, v in self._sessions.items() if v.client_key == client_key]:
                del self._sessions[sid]
                self._forget_auto(sid)

    def _forget_auto(self, session_id: str) -> None:
        for name in [n for n, sid in self.auto_sessions.items() if sid == session_id]:
            del self.auto_sessions[name]

    def sweep(self) -> int:
        """Drop idle sessions; returns how many."""
        with self._lock:
            now = self._now()
            dead = [
                s
                for s, v in self._sessions.items()
                if not v.is_auto_login and now - v.last_active > self._idle
            ]
            for sid in dead:
                del self._sessions[sid]
            return len(dead)
