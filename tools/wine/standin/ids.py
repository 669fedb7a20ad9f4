"""Window messages and control IDs the stand-in shares between its windows (client-automation.md §2-§4).

Kept apart from the windows that use them so that every module names the same number the same way.
"""

from __future__ import annotations

import win32con

WM_APP_CONTROL = win32con.WM_APP + 1  # a test-hook request is waiting (control.py thread → GUI thread)
WM_APP_ACTION = win32con.WM_APP + 2  # a deferred action is waiting (App.later)
WM_APP_HIDE = win32con.WM_APP + 3  # a dialog checks whether the main window is minimised (dialogs.py)
REFRESH_CMD = 32790  # WM_COMMAND: refresh the current page (F5)
COPY_CMD = 0xE122  # WM_COMMAND to a grid: copy (ID_EDIT_COPY), no keys involved
DLGC_WANTARROWS, DLGC_WANTALLKEYS, DLGC_WANTCHARS = 0x1, 0x4, 0x80
LOOKUP_TIMER = 7

ID_TITLE, ID_TEXT_TIP, ID_TEXT_CONFIRM = 1365, 1004, 1040
ID_OK, ID_CANCEL, ID_YES, ID_NO = 1, 2, 6, 7
ID_CAPTCHA_EDIT, ID_CAPTCHA_IMAGE, ID_CAPTCHA_STATUS = 2404, 2405, 2406
ID_LOCK_EDIT = 1039
ID_EXCHANGE_COMBO = 1003
ID_TREE = 129
ID_FRAME = 0xE900  # the frame under the main window that holds every page (puppet: PAGE = 59648, 59649)
ID_PANE = 0xE901  # the page on screen carries this id (panes.py); the other pages are parked
SWITCH_TIMER = 8
ID_GRID_CONTAINER = 200
ID_SAVE_EDIT = 1001  # the Vista-style save dialog's file-name edit: NOT the old dialog's 1152
LOGIN_EDIT_IDS = {"user": 1001, "password": 1002, "comm_password": 1005}
LOGIN_LABELS = {"user": "资金账号", "password": "交易密码", "comm_password": "通讯密码"}
