"""The input rules of the fake Windows: where input goes, and the misuse a real client punishes silently.

A mixin of :class:`~ashare_gateway.simulators.desktop.desktop.FakeDesktop`: input aimed under a modal
dialog is lost, input to a hidden control is lost, a value that does not fit the field was typed into
the wrong one, typing appends unless the text was selected ({HOME}+{END} or Ctrl+A where the build
honours it). Each misuse is recorded as an event that the tests require to stay empty.
"""

from __future__ import annotations

import re
from typing import ClassVar

from .keys import Key
from .widgets import Widget


class InputRulesMixin:
    VALUE_RULES: ClassVar[dict[str, tuple[str, str]]] = {}
    BLOCKED: ClassVar[str] = ""

    def _accept_input(self, w: Widget, action: str) -> bool:
        """Real input goes to the topmost modal window: anything aimed below it is lost."""
        self._last_input = self.clock()
        visible = self._visible_windows()
        root = self._root(w)
        if visible and visible[-1] is not root and visible[-1].role == "dialog":
            detail = self.BLOCKED.format(
                action=action,
                window=self._title_of(root),
                control=w.control_id,
                blocker=self._title_of(visible[-1]),
            )
            self._misuse("input_while_modal", detail)
            return False
        if self._minimised is not None and self._root(w) is self._minimised and action == "按键":
            self._misuse("keys_while_minimised", f"{action}最小化窗口的控件{w.control_id}（按键丢失）")
            return False
        if not self._visible(w):
            self._misuse("invisible_control", f"{action}不可见的控件{w.control_id}（{w.role}）")
            return False
        return True

    def _misuse(self, what: str, detail: str) -> None:
        self._record("misuse", f"{what}: {detail}")

    def _check_value(self, w: Widget, text: str) -> None:
        if w.role in self.VALUE_RULES:
            pattern, label = self.VALUE_RULES[w.role]
            if not re.fullmatch(pattern, text):
                self._misuse("wrong_field", f"{label}框（{w.control_id}）收到“{text}”")

    def _type_into_edit(self, w: Widget, keys: list[Key]) -> None:
        typed = changed = False
        for key in keys:
            if key.mods == {"ctrl"} and key.name == "a":
                w.select_all = self._edit_ctrl_a()
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
                        self._misuse("appended", f"向已有内容“{w.text}”的输入框{w.control_id}追加输入")
                    w.text = key.name + w.text if w.caret_home else w.text + key.name
                w.caret_home = False
                typed = changed = True
            else:
                self._edit_key(key, w)
        if changed:
            self._check_value(w, w.text)
            self._edited(w, typed=True)
