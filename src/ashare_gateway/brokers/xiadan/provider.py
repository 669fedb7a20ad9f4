"""The service's provider for ``--broker xiadan``: a real xiadan.exe driven through pywinauto (Windows only).

One adapter per account, reused across connects (so one keep-alive per client). The flavour decides
the layout table: 'ht' for 华泰 (通讯密码 required), 'universal' for the generic 同花顺 build.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from ...domain.errors import BrokerUnavailable
from ...domain.messages import LOGIN_FAILED
from ..base import Broker, ConnectInfo, Credentials
from ..ths.adapter import XiadanBroker
from ..ths.layouts import layout_for
from ..ths.timeouts import Timeouts


class XiadanProvider:
    kind = "xiadan"

    def __init__(
        self,
        exe_path: str | None = None,
        flavour: str = "ht",
        *,
        keepalive_interval: float | None = 60.0,
        timeouts: Timeouts | None = None,
    ) -> None:
        self.exe_path = exe_path
        self.layout = layout_for(flavour)
        self.keepalive_interval = keepalive_interval
        self.timeouts = timeouts
        self._brokers: dict[str, XiadanBroker] = {}
        self._proofs: dict[str, bytes] = {}

    def _new(self) -> XiadanBroker:
        from ...desktop.win32 import Win32Driver  # Windows only: pywinauto is imported here, lazily

        return XiadanBroker(
            Win32Driver(), self.layout, timeouts=self.timeouts, keepalive_interval=self.keepalive_interval
        )

    def connect(self, exe_path: str | None) -> tuple[Broker, ConnectInfo]:
        broker = self._brokers.get("") or self._new()
        info = broker.connect(exe_path or self.exe_path)
        self._brokers[""] = broker
        return broker, info

    def login(self, credentials: Credentials) -> tuple[Broker, ConnectInfo]:
        existing = self._brokers.get(credentials.user)
        # A client that is up and logged in would not ask again: check the passwords against the ones that
        # logged it in, or anyone could get a session with any password.
        running = existing is not None and existing.driver.is_alive()
        if running and not hmac.compare_digest(self._proofs.get(credentials.user, b""), _proof(credentials)):
            raise BrokerUnavailable(LOGIN_FAILED, status_code=401)
        broker = existing or self._new()
        if credentials.exe_path is None and self.exe_path:
            credentials = Credentials(
                credentials.user, credentials.password, credentials.comm_password, self.exe_path
            )
        info = broker.login(credentials)
        self._brokers[credentials.user] = broker
        self._proofs[credentials.user] = _proof(credentials)
        return broker, info


_SALT = secrets.token_bytes(16)  # per process: the proofs never leave memory


def _proof(credentials: Credentials) -> bytes:
    """A salted digest of the passwords, so the plaintext is not kept to compare later logins."""
    material = f"{credentials.password}\0{credentials.comm_password or ''}".encode()
    return hashlib.scrypt(material, salt=_SALT, n=2**12, r=8, p=1)
