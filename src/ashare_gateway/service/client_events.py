"""``client.restarted`` and ``client.locked``: a GUI client's process and desktop, compared pass by pass.

Asked on every pass of the order watch (so only while somebody listens), after its reads: the broker's
:class:`~ashare_gateway.brokers.client_state.ClientState` is cheap (a pid and a desktop check, no window
read). ``client.restarted`` when the pid differs from the one last seen (the client died and was
started again — by the gateway's session on its next call, or by the user); ``client.locked`` when the
Windows session locks or disconnects (``locked: true`` with the reason) and again when it takes input
again (``locked: false``). What was seen is kept while nobody listens, so a listener that comes back
hears of a restart in between; the first sighting of a client is a baseline, except that a desktop
already locked then is reported (it is a state the listener needs, not history).
"""

from __future__ import annotations

from ..brokers.client_state import ClientState, ReportsClientState
from .clients import ClientHandle
from .events import EventBus, EventType


class ClientStateWatch:
    def __init__(self, bus: EventBus) -> None:
        self.bus = bus
        self._seen: dict[str, ClientState] = {}  # by client key

    def look(self, handle: ClientHandle) -> None:
        if not isinstance(handle.broker, ReportsClientState):
            return  # the paper broker: no process, no desktop
        now = handle.broker.client_state()
        before = self._seen.get(handle.key)
        if now.pid is None and before is not None:
            now = ClientState(before.pid, now.locked)  # not running right now: wait for the next process
        self._seen[handle.key] = now
        base = {"broker": handle.kind, "pid": now.pid}
        if before is not None and now.pid != before.pid and before.pid is not None:
            self.bus.publish(EventType.CLIENT_RESTARTED, handle.account, {**base, "previous_pid": before.pid})
        was_locked = before.locked if before is not None else None
        if now.locked != was_locked and (before is not None or now.locked is not None):
            data = {**base, "locked": now.locked is not None, "reason": now.locked or ""}
            self.bus.publish(EventType.CLIENT_LOCKED, handle.account, data)
