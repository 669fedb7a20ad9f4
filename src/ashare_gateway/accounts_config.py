"""The gateway's accounts: ``config.ini`` ``[Account:NAME]`` sections, or the one implicit ``default``.

One section per account, each its own client, lane and provider::

    [Account:ht]
    broker = xiadan
    exe_path = C:\\htwt\\xiadan.exe
    user = 666600001234
    password = ...
    comm_password = ...
    max_order_value = 50000      ; any [Risk] key: this account's limits

Why every key is checked against what the account's flavour reads (its plug-in's options model, the
common keys and the risk keys): a mistyped ``max_order_vaule`` silently ignored would be a risk limit the
user believes in and does not have. Passwords are held in :class:`Credentials`, whose repr hides them,
and never appear in an error message.
"""

from __future__ import annotations

import configparser
import re
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, InstanceOf, ValidationError

from . import registry
from .brokers.base import Credentials
from .domain import messages as msg
from .domain.errors import InvalidParameter

if TYPE_CHECKING:  # pragma: no cover - types only
    from .config import Settings

DEFAULT_ACCOUNT = "default"
SECTION_PREFIX = "Account:"
NAME_RULE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
COMMON_KEYS = ("broker", "user", "password", "comm_password", "exe_path")


class AccountConfig(BaseModel):
    """One gateway account: which flavour, where its client is, how it logs in, its own options."""

    model_config = ConfigDict(frozen=True)

    name: str
    broker: str
    credentials: InstanceOf[Credentials] | None = None
    exe_path: str | None = None
    options: InstanceOf[BaseModel]
    section: str | None = None  # the config.ini section, when it holds risk keys of its own

    def __repr__(self) -> str:  # the credentials' own repr hides the passwords; say so plainly anyway
        return f"AccountConfig(name={self.name!r}, broker={self.broker!r}, exe_path={self.exe_path!r})"

    __str__ = __repr__


def check_name(name: str) -> str:
    if not NAME_RULE.match(name):
        raise InvalidParameter(msg.BAD_ACCOUNT_NAME.format(name=name[:40]))
    return name


def risk_keys() -> tuple[str, ...]:
    from .service.risk import RiskLimits

    return tuple(f.name for f in fields(RiskLimits))


def options_for(kind: str, values: dict[str, Any], where: str) -> BaseModel:
    """The flavour's options model from ``values``; a bad value is a Chinese message naming the key."""
    model = registry.get(kind).options
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "?"
        raw = values.get(key, "")
        raise InvalidParameter(f"配置{where} {key} 的值无效：{raw}") from None


def implicit_account(settings: Settings) -> AccountConfig:
    """The single account of a gateway without ``[Account:NAME]`` sections: from --broker and [Account]."""
    model = registry.get(settings.broker).options
    values = {"flavour": settings.flavour} if "flavour" in model.model_fields else {}
    return AccountConfig(
        name=DEFAULT_ACCOUNT,
        broker=settings.broker,
        credentials=settings.credentials,
        exe_path=settings.exe_path,
        options=options_for(settings.broker, values, "（命令行）"),
    )


def read_accounts(parser: configparser.ConfigParser, path: Path, default_broker: str) -> list[AccountConfig]:
    """The ``[Account:NAME]`` sections, in file order ([] if there are none)."""
    from .config import read_credentials

    names = [s for s in parser.sections() if s.startswith(SECTION_PREFIX)]
    if names and parser.has_section("Account"):
        raise InvalidParameter("配置文件不能同时有[Account]和[Account:名称]：多个账户时每个账户一节")
    accounts = []
    for section_name in names:
        section = parser[section_name]
        name = check_name(section_name[len(SECTION_PREFIX) :].strip())
        where = f"[{section_name}]"
        kind = section.get("broker", fallback=default_broker).strip() or default_broker
        plugin = registry.get(kind)
        own = set(plugin.options.model_fields)
        risk = set(risk_keys())
        unknown = [k for k in section if k not in (*COMMON_KEYS, *own, *risk)]
        if unknown:
            allowed = "、".join([*COMMON_KEYS, *sorted(own), *sorted(risk)])
            raise InvalidParameter(f"配置{where} 未知的键：{'、'.join(unknown)}（可用：{allowed}）")
        exe_path = section.get("exe_path", fallback="").strip() or None
        has_login = bool(section.get("user", fallback="").strip() or section.get("password", fallback=""))
        credentials = read_credentials(section, path, exe_path) if has_login else None
        if credentials is None and any(k in risk for k in section):
            raise InvalidParameter(f"配置{where} 设置了风控限额，但没有 user：限额按券商账户记录")
        accounts.append(
            AccountConfig(
                name=name,
                broker=kind,
                credentials=credentials,
                exe_path=exe_path,
                options=options_for(kind, {k: section[k].strip() for k in own if k in section}, where),
                section=section_name if any(k in risk for k in section) else None,
            )
        )
    return check_own_clients(accounts)


def check_own_clients(accounts: list[AccountConfig]) -> list[AccountConfig]:
    """Several desktop accounts: each names its own client exe (refused otherwise, at start-up).

    Why: their clients show one window title, so the gateway tells them apart only by the exe path
    (exe path → pid → windows). Two accounts without a path, or with one path, would attach to one
    client, and the second account's orders would go out under the first one's login.
    """
    from .desktop.win32_process import normal_exe

    desktop = [a for a in accounts if registry.get(a.broker).has(registry.Capability.DESKTOP_CLIENT)]
    if len(desktop) < 2:
        return accounts
    missing = [a.name for a in desktop if not a.exe_path]
    if missing:
        raise InvalidParameter(msg.ACCOUNT_EXE_MISSING.format(names="、".join(missing)))
    seen: dict[str, str] = {}
    for a in desktop:
        other = seen.setdefault(normal_exe(a.exe_path or ""), a.name)
        if other != a.name:
            raise InvalidParameter(msg.ACCOUNT_EXE_SHARED.format(first=other, second=a.name, path=a.exe_path))
    return accounts


def file_accounts(settings: Settings) -> list[AccountConfig]:
    """The ``[Account:NAME]`` sections of the settings' config.ini ([] without any)."""
    if settings.config_path is None:
        return []
    from .config import parse_ini

    return read_accounts(parse_ini(settings.config_path), settings.config_path, settings.broker)


def accounts_of(settings: Settings) -> list[AccountConfig]:
    """The accounts a gateway serves: those given, else config.ini's sections, else the implicit one."""
    return list(settings.accounts) or file_accounts(settings) or [implicit_account(settings)]
