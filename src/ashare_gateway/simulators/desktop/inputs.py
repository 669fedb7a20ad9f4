"""The input rules of the fake Windows: where input goes, and the misuse a real client punishes silently.

A part the :class:`~ashare_gateway.simulators.desktop.desktop.FakeDesktop` holds (``desktop.inputs``),
not a base class: input aimed under a modal dialog is lost, input to a hidden control is lost, keys
while the Windows session is locked or disconnected are lost (``desktop.session``), a value
that does not fit the field was typed into the wrong one, typing appends unless the text was selected
({HOME}+{END} or Ctrl+A where the build honours it). Each misuse is recorded as an event that the tests
require to stay empty. What the rules need to see of the desktop is :class:`InputHost`; what differs per
client (the value rules, the "blocked" text, what Ctrl+A and other keys do) comes from the client.
"""

from __future__ import annotations

import re
from typing import Protocol

from .keys import Key
from .widgets import Widget, root_of, title_of


class InputHost(Protocol):
    """What the input rules read and call on the desktop that holds them."""

    _minimised: Widget | None

    def _visible_windows(self) -> list[Widget]: ...
    def _visible(self, w: Widget) -> bool: ...
    def _record(self, kind: str, detail: str) -> None: ...
    def _edit_ctrl_a(self) -> bool: ...
    def _edit_key(self, key: Key, w: Widget) -> None: ...
    def _edited(self, w: Widget, *, typed: bool) -> None: ...
    def session_locked(self) -> str | None: ...


class InputRules:
    def __init__(self, host: InputHost, *, value_rules: dict[str, tuple[str, str]], blocked: str) -> None:
        self.host = host
        self.value_rules = value_rules  # field role → (full-match pattern, label)
        self.blocked = blocked  # formatted with action, window, control and blocker

    def accept(self, w: Widget, action: str) -> bool:
        """Real input goes to the topmost modal window: anything aimed below it is lost."""
        host = self.host
        visible = host._visible_windows()
        root = root_of(w)
        if visible and visible[-1] is not root and visible[-1].role == "dialog":
            detail = self.blocked.format(
                action=action, window=title_of(root), control=w.control_id, blocker=title_of(visible[-1])
            )
            self.misuse("input_while_modal", detail)
            return False
        locked = host.session_locked() if action == "按键" else None
        if locked is not None:  # a locked or disconnected desktop: keys go nowhere (messages still land)
            self.misuse("keys_while_locked", f"{action}控件{w.control_id}时{locked}（按键丢失）")
            return False
        if host._minimised is not None and root is host._minimised and action == "按键":
            self.misuse("keys_while_minimised", f"{action}最小化窗口的控件{w.control_id}（按键丢失）")
            return False
        if not host._visible(w):
            self.misuse("invisible_control", f"{action}不可见的控件{w.control_id}（{w.role}）")
            return False
        return True

    def misuse(self, what: str, detail: str) -> None:
        self.host._record("misuse", f"{what}: {detail}")

    def check_value(self, w: Widget, text: str) -> None:
        """A value that does not fit the field was meant for another; an emptied field holds none."""
        if text and w.role in self.value_rules:
            pattern, label = self.value_rules[w.role]
            if not re.fullmatch(pattern, text):
                self.misuse("wrong_field", f"{label}框（{w.control_id}）收到“{text}”")

    def type_into_edit(self, w: Widget, keys: list[Key]) -> None:
        typed = changed = False
        for key in keys:
            if key.mods == {"ctrl"} and key.name == "a":
                w.select_all = self.host._edit_ctrl_a()
            elif key.name == "HOME" and not key.mods:
                w.caret_home, w.select_all = True, False
            elif key.name == "END" and key.mods == {"shift"}:
                w.select_all = w.caret_home  # Shift+End selects from the caret to the end
                w.caret_home = False
            elif key.name == "END" and not key.mods:
                w.caret_home, w.select_all = False, False
            elif key.name in ("BACKSPACE", "BS", "DELETE", "DEL"):
                if w.select_all:
                    w.text = ""
                elif not w.caret_home:
                    w.text = w.text[:-1]
                w.select_all = False
                changed = True
            elif key.is_char:
                if w.select_all:
                    w.text = key.name
                    w.select_all = False
                else:
                    if not typed and w.text:
                        self.misuse("appended", f"向已有内容“{w.text}”的输入框{w.control_id}追加输入")
                    w.text = key.name + w.text if w.caret_home else w.text + key.name
                w.caret_home = False
                typed = changed = True
            else:
                self.host._edit_key(key, w)
        if changed:
            self.check_value(w, w.text)
            self.host._edited(w, typed=True)
