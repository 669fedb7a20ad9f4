"""Settings: command-line options, and the spec's ``config.ini`` (§8.1) for auto-login.

Passwords read from config.ini are held in :class:`Credentials`, whose repr hides them; they are never
logged or returned.
"""

from __future__ import annotations

import configparser
import logging
from pathlib import Path

from pydantic import Field, InstanceOf
from pydantic_settings import BaseSettings, SettingsConfigDict

from .accounts_config import AccountConfig
from .brokers.base import Credentials
from .domain.errors import InvalidParameter
from .secrets import check_token, decrypt, is_encrypted
from .serve_choices import DEFAULT_HOST, DEFAULT_PORT
from .token_file import TOKEN_FILE
from .token_file import read_token_file as read_token_file  # shared with the SDK, which stands alone

log = logging.getLogger(__name__)


class Settings(BaseSettings):
    """Everything ``serve`` runs with. Read from keyword arguments (the CLI's flags), else environment
    variables ``ASHARE_GATEWAY_<FIELD>`` (e.g. ``ASHARE_GATEWAY_TOKEN``, ``ASHARE_GATEWAY_BROKER``), else the
    defaults below; ``config.ini`` adds the accounts (:func:`read_accounts`). The token, the webhook key
    and the credentials never appear in the repr (so not in a log or a traceback either)."""

    model_config = SettingsConfigDict(env_prefix="ASHARE_GATEWAY_", extra="ignore", validate_default=False)

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    data_dir: Path = Field(default_factory=lambda: Path("data"))
    broker: str = "sim"
    config_path: Path | None = None
    demo_market: bool | None = None  # None: demo (always open) only when no config.ini is given
    credentials: InstanceOf[Credentials] | None = Field(default=None, repr=False)
    exe_path: str | None = None
    # The gateway accounts (config.ini [Account:NAME]); empty: one account, "default", from the fields
    # above (broker, credentials, exe_path, flavour), which is the seed's single-client set-up.
    accounts: list[InstanceOf[AccountConfig]] = Field(default_factory=list)
    deadline: float = 30.0
    pacing: float = 0.0
    # Order requests per account inside the service at once; the others wait on the event loop (0: no
    # limit). See service/order_gate.py.
    orders_in_flight: int = Field(default=4, ge=0)
    # The paper exchange's calls run in the request's own thread, orders on the event loop itself (no
    # thread hand-offs: service/inline_lane.py). False: on worker threads, as a desktop client's are.
    inline_paper: bool = True
    read_freshness: float = 0.5  # identical reads within this many seconds share one client read
    journal_sync: str = "FULL"  # FULL: the pre-send write survives a power cut; NORMAL: a process crash
    duplicate_window: float = 0.0
    flavour: str = "ht"  # xiadan layout: ht (华泰, 通讯密码 required) or universal (other brokers)
    # The quote source the user chose (brokers.sim.sources.SPEC_HELP), None if none: the paper exchange
    # then walks its offline table, and a GUI broker has no quotes at all (never the paper's made-up ones).
    quotes: str | None = None
    start_at: str | None = None  # the paper market's simulated clock starts here (real hours)
    speed: float = 1.0  # simulated seconds per wall-clock second (0: moves only when told)
    holidays_path: Path | None = None  # extra market closures, one YYYY-MM-DD per line
    # The HTTP perimeter (api/security.py): a token is required when binding anything but loopback.
    token: str | None = Field(default=None, repr=False)
    allow_ips: list[str] = Field(default_factory=list)
    rate_limit: float = 0.0  # requests per second per client address; 0 = none
    cors_origins: list[str] = Field(default_factory=list)  # browser pages allowed to call the API
    allowed_hosts: list[str] = Field(default_factory=list)  # Host names served besides loopback
    forwarded_allow_ips: list[str] = Field(default_factory=list)  # proxies whose X-Forwarded-For counts
    # Live events and webhooks (service/live.py); config.ini [webhooks] and [mcp] add to these.
    events_poll: float = 1.0  # seconds between looks at each client's entrusts/trades, only while listened to
    webhooks: list[str] = Field(default_factory=list)
    webhook_secret: str | None = Field(default=None, repr=False)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "paper.sqlite3"

    @property
    def journal_path(self) -> Path:
        return self.data_dir / "journal.sqlite3"

    @property
    def always_open(self) -> bool:
        if self.start_at is not None:
            return False  # a simulated clock is there to walk through the real timetable
        return (
            self.demo_market
            if self.demo_market is not None
            else self.credentials is None and not any(a.credentials for a in self.accounts)
        )


def parse_ini(path: Path) -> configparser.ConfigParser:
    """A config.ini as saved by Windows editors (UTF-8 with or without BOM, or GBK)."""
    if not path.is_file():
        raise InvalidParameter(f"配置文件不存在：{path}")
    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=("#", ";"))
    for encoding in ("utf-8-sig", "gbk"):
        try:
            parser.read_string(path.read_text(encoding=encoding))
            break
        except UnicodeDecodeError:
            continue
        except configparser.Error as exc:
            raise InvalidParameter(f"配置文件格式错误：{path}（{exc.message}）") from None
    return parser


def read_config_ini(path: Path) -> tuple[Credentials | None, str | None]:
    """The [Account] credentials and [Trader] exe_path of a spec §8.1 config.ini.

    A config.ini with ``[Account:NAME]`` sections instead (several accounts) gives no single
    credentials here; :func:`~ashare_gateway.accounts_config.read_accounts` reads those sections."""
    parser = parse_ini(path)
    exe_path = parser.get("Trader", "exe_path", fallback=None) or None
    if not parser.has_section("Account"):
        return None, exe_path
    return read_credentials(parser["Account"], path, exe_path), exe_path


def read_credentials(
    section: configparser.SectionProxy, path: Path, exe_path: str | None
) -> Credentials | None:
    """user / password / comm_password of one account section (passwords decrypted, never logged)."""
    user = section.get("user", fallback="").strip()
    raw_password = section.get("password", fallback="")
    raw_comm = section.get("comm_password", fallback="")
    if (raw_password and not is_encrypted(raw_password)) or (raw_comm and not is_encrypted(raw_comm)):
        log.warning("%s holds plaintext passwords: run `ashare-gateway encrypt-config %s`", path, path)
    password = decrypt(raw_password)
    comm = decrypt(raw_comm) if raw_comm else None
    if not user or not password:
        raise InvalidParameter(f"配置文件[{section.name}]缺少 user 或 password")
    return Credentials(user=user, password=password, comm_password=comm, exe_path=exe_path)


def find_config(explicit: Path | None) -> Path | None:
    """An explicit --config, else a config.ini in the working directory (the spec's "same folder")."""
    if explicit is not None:
        return explicit
    here = Path("config.ini")
    return here if here.is_file() else None


def write_token_file(data_dir: Path, token: str) -> Path:
    """Store the API token readable by the owner only (0600); a blank or short token is refused."""
    import os

    check_token(token)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / TOKEN_FILE
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(token + "\n")
    os.replace(tmp, path)
    return path
