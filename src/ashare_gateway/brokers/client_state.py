"""What a GUI client's process and desktop look like now: its pid, and whether the desktop takes input.

Why a capability of its own: the live event stream reports ``client.restarted`` (the client's process
is another one than before: it died and was started again, by us or by the user) and ``client.locked``
(the Windows session is locked or disconnected, so keystrokes and clicks go nowhere) — facts only a
desktop client has. The paper broker does not offer it; the watcher skips brokers that do not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ..domain.errors import BrokerUnavailable, InputLost
from ..domain.messages import DESKTOP_LOCKED, LOCKED_MID_ORDER


@dataclass(frozen=True, slots=True)
class ClientState:
    pid: int | None  # the client's process id; None while no client process runs
    locked: str | None = (
        None  # why the desktop takes no input ("工作站已锁定", "远程会话已断开"); None: it does
    )


@runtime_checkable
class ReportsClientState(Protocol):
    def client_state(self) -> ClientState:
        """Cheap (no window is read, nothing is typed): safe to ask on every pass of the watcher."""
        ...


def driver_state(driver: object) -> ClientState:
    """A desktop driver's :class:`ClientState`, from its optional ``process_id()`` and
    ``session_locked()`` (a driver without them reports no pid and an unlocked desktop)."""
    pid = getattr(driver, "process_id", None)
    locked = getattr(driver, "session_locked", None)
    return ClientState(pid() if pid else None, locked() if locked else None)


def require_input(driver: object, action: str) -> None:
    """Refuse ``action`` (a flow that types keys) while the desktop takes no input: a locked workstation
    or a disconnected RDP session swallows typed keys, so the flow would fail late and misleadingly
    (a code "not found", a wait that times out) or go on by messages alone after minutes of retries.
    Asked before anything is touched, with the driver's reason (工作站已锁定 / 远程会话已断开)."""
    reason = driver_state(driver).locked
    if reason is not None:
        raise BrokerUnavailable(DESKTOP_LOCKED.format(reason=reason, action=action))


def input_lost(driver: object) -> InputLost | None:
    """The error that stops a flow already under way when the desktop has stopped taking input since
    :func:`require_input` passed (the lock landed between two fields, before the submit click, at a
    confirm), or None while it still takes input. Asked before each field, click and confirm that
    matters: nothing more is typed into a desktop that swallows it (``messages.LOCKED_MID_ORDER``, with
    the driver's reason; a cancel re-words it with :func:`lost_during`). The xiadan order entry, its
    cancel and hexin's flash order ask it."""
    reason = driver_state(driver).locked
    return None if reason is None else InputLost(LOCKED_MID_ORDER.format(reason=reason), reason=reason)


def stop_if_input_lost(driver: object) -> None:
    """Raise :func:`input_lost`'s error while the desktop takes no input; nothing when it does."""
    lost = input_lost(driver)
    if lost is not None:
        raise lost


def send_unless_lost(driver: object, send: Callable[[], None]) -> None:
    """Send keys (``send``) with the desktop asked first. A driver that refuses them itself (the Win32
    driver's last line, ``win32_session.refuse_keys_if_locked``: the lock landed just now) stops the
    flow the same way: no key was sent, so it is :class:`InputLost`, not the driver's error."""
    stop_if_input_lost(driver)
    try:
        send()
    except BrokerUnavailable:
        stop_if_input_lost(driver)
        raise


@contextmanager
def lost_during(message: str) -> Iterator[None]:
    """Word an :class:`InputLost` raised inside for the flow under way (``message`` with ``{reason}``):
    a cancel types its code filter through the order entry, whose refusal names an order."""
    try:
        yield
    except InputLost as exc:
        raise InputLost(message.format(reason=exc.reason), reason=exc.reason) from None
