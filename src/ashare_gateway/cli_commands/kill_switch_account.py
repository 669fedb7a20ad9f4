"""``kill-switch --account`` when no gateway answers: the switch is written straight into the journal,
keyed by *broker* account, so a gateway account name is looked up in config.ini (``[Account:NAME]``
``user``). A running gateway resolves the name itself (``/api/admin/kill-switch``).

Why refuse what cannot be resolved: a switch stored under a name no account reads would stop nothing
while the user believes the account is stopped.
"""

from __future__ import annotations

from pathlib import Path

from ..accounts_config import SECTION_PREFIX
from ..config import find_config, parse_ini
from ..domain import messages as msg

TEXTS = {
    "no_user": "config.ini 的[Account:{name}]没有 user：不知道它的资金账号，无法离线设置紧急停止",
    "ambiguous": "账户{value}有歧义：它是网关账户{value}，也是网关账户{other}的资金账号；请写账户名",
}


def configured_users(config: Path | None) -> dict[str, str]:
    """Gateway name → its ``user`` ("" when the section has none), from config.ini's sections."""
    path = find_config(config)
    if path is None or not path.is_file():
        return {}
    parser = parse_ini(path)
    return {
        section[len(SECTION_PREFIX) :].strip(): parser[section].get("user", fallback="").strip()
        for section in parser.sections()
        if section.startswith(SECTION_PREFIX)
    }


def broker_account(value: str, config: Path | None) -> str:
    """The broker account the offline switch is stored under; raises ValueError with the reason.

    Without ``[Account:NAME]`` sections there is one account and ``value`` is its broker account
    number, as before names existed."""
    users = configured_users(config)
    if not users:
        return value
    owner = next((name for name, user in users.items() if user == value), None)
    if value in users:
        if owner is not None and owner != value:
            raise ValueError(TEXTS["ambiguous"].format(value=value, other=owner))
        if not users[value]:
            raise ValueError(TEXTS["no_user"].format(name=value))
        return users[value]
    if owner is not None:
        return value
    raise ValueError(msg.UNKNOWN_ACCOUNT.format(name=value, names="、".join(users)))
