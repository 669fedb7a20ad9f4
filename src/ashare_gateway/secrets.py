"""Passwords at rest: config.ini values stored encrypted, never printed, never logged.

``ashare-gateway encrypt-config config.ini`` rewrites ``password`` and ``comm_password`` as
``enc:<scheme>:<ciphertext>``. On Windows the scheme is DPAPI (bound to the Windows user, nothing to
keep); elsewhere it is Fernet with a key from the system keyring when one works, else from a key file
readable only by the user (``~/.config/ashare-gateway/secret.key``, mode 0600). Plaintext values still
work, and the gateway warns about them at start-up.
"""

from __future__ import annotations

import base64
import configparser
import os
import re
import sys
from pathlib import Path

from .domain.errors import InvalidParameter

PREFIX = "enc:"
SECRET_FIELDS = ("password", "comm_password")
KEYRING_SERVICE = "ashare-gateway"
KEYRING_NAME = "config-key"


def key_file() -> Path:
    base = os.environ.get("ASHARE_GATEWAY_KEY_FILE")
    if base:
        return Path(base)
    return Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "ashare-gateway" / "secret.key"


def _fernet_key(create: bool) -> bytes:
    """The Fernet key: from the keyring if one is usable, else the key file (created on first use)."""
    from cryptography.fernet import Fernet

    try:  # keyring is optional and often has no backend on servers
        import keyring

        stored = keyring.get_password(KEYRING_SERVICE, KEYRING_NAME)
        if stored:
            return stored.encode()
    except Exception:  # any keyring failure means: use the key file
        pass
    path = key_file()
    if path.is_file():
        return path.read_bytes().strip()
    if not create:
        raise InvalidParameter(f"找不到解密密钥：{path}（请在加密配置的机器和用户下运行）")
    key = Fernet.generate_key()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key


def encrypt(plain: str) -> str:
    if sys.platform == "win32":
        import win32crypt  # pywin32, Windows only

        blob = win32crypt.CryptProtectData(plain.encode(), "ashare-gateway", None, None, None, 0)
        return f"{PREFIX}dpapi:{base64.b64encode(blob).decode()}"
    from cryptography.fernet import Fernet

    return f"{PREFIX}fernet:{Fernet(_fernet_key(create=True)).encrypt(plain.encode()).decode()}"


def decrypt(value: str) -> str:
    """A config value as given: ``enc:...`` is decrypted, anything else is plaintext."""
    if not value.startswith(PREFIX):
        return value
    try:
        scheme, data = value[len(PREFIX) :].split(":", 1)
    except ValueError:
        raise InvalidParameter("配置中的加密值格式错误") from None
    if scheme == "dpapi":
        if sys.platform != "win32":
            raise InvalidParameter("该配置用 Windows DPAPI 加密，只能在加密它的 Windows 用户下解密")
        import win32crypt

        return win32crypt.CryptUnprotectData(base64.b64decode(data), None, None, None, 0)[1].decode()
    if scheme == "fernet":
        from cryptography.fernet import Fernet, InvalidToken

        try:
            return Fernet(_fernet_key(create=False)).decrypt(data.encode()).decode()
        except InvalidToken:
            raise InvalidParameter("配置中的加密密码无法解密（密钥不匹配）") from None
    raise InvalidParameter(f"未知的加密方式：{scheme}")


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


_SECTION = re.compile(r"\s*\[(?P<name>[^\]]+)\]")
# configparser's own syntax: key, then "=" or ":", then the value up to an inline "; " or " #" comment.
_OPTION = re.compile(r"(?P<key>[^=:\s][^=:]*?)\s*[=:]\s*(?P<value>.*?)(?P<tail>\s+[#;].*)?")


def encrypt_config_file(path: Path) -> int:
    """Encrypt the plaintext secrets of a config.ini in place, keeping its comments; returns how many.

    The file is read with the gateway's own parser (:func:`ashare_gateway.config.parse_ini`: keys in
    any case, ``=`` or ``:``, inline ``; comment``), so what is encrypted is exactly the password the
    gateway would use. The result is parsed again before it replaces the file: if any secret would
    still be plain text, nothing is written and the reason is raised. The file keeps its mode.
    """
    from .config import parse_ini  # config imports this module

    parsed = parse_ini(path)
    raw = path.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        encoding, text = "gbk", raw.decode("gbk")
    lines, written, section = [], {}, None
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        header = _SECTION.match(body)
        option = _OPTION.fullmatch(body.strip()) if body.strip()[:1] not in ("#", ";", "") else None
        if header is not None:
            section = header["name"]
        elif option is not None and section is not None and option["key"].lower() in SECRET_FIELDS:
            value = parsed.get(section, option["key"], fallback="")
            if value and not is_encrypted(value):
                indent = body[: len(body) - len(body.lstrip())]
                written[(section, option["key"].lower())] = token = encrypt(value)
                line = f"{indent}{option['key']} = {token}{option['tail'] or ''}{ending}"
        lines.append(line)
    if not written:
        return 0
    tmp = path.with_suffix(path.suffix + ".tmp")
    mode = path.stat().st_mode & 0o777
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
        f.write("".join(lines))
    try:
        _check_all_encrypted(written, parse_ini(tmp), path)
    except InvalidParameter:
        tmp.unlink()
        raise
    os.chmod(tmp, mode)
    os.replace(tmp, path)
    return len(written)


def _check_all_encrypted(
    written: dict[tuple[str, str], str], after: configparser.ConfigParser, path: Path
) -> None:
    """The rewritten file reads back as exactly what was written, and holds no plaintext secret."""
    for section in after.sections():
        for name in SECRET_FIELDS:
            value = after.get(section, name, fallback="")
            expected = written.get((section, name))
            if (expected is not None and value != expected) or (value and not is_encrypted(value)):
                raise InvalidParameter(f"无法加密 {path} 中 [{section}] 的 {name}（格式特殊），文件未改动")


MIN_TOKEN_LENGTH = 16
TOKEN_TEXTS = {
    "blank": "API 令牌不能为空",
    "short": f"API 令牌太短：至少{MIN_TOKEN_LENGTH}个字符（用 ashare-gateway token 生成一个）",
    "chars": "API 令牌只能包含可见的 ASCII 字符（不含空格）",
}


class BadToken(ValueError):
    """A token the gateway refuses to run with (blank, short, or unsendable in a header)."""


def check_token(token: str) -> str:
    """The token itself if it is usable; :class:`BadToken` with a Chinese reason otherwise.

    Why a minimum: the token is all that stands between the LAN and the account, and a short one is
    guessed; a blank one would silently mean "no token".
    """
    if not token.strip():
        raise BadToken(TOKEN_TEXTS["blank"])
    if not all(33 <= ord(c) < 127 for c in token):
        raise BadToken(TOKEN_TEXTS["chars"])
    if len(token) < MIN_TOKEN_LENGTH:
        raise BadToken(TOKEN_TEXTS["short"])
    return token


def new_token() -> str:
    """An API token: 32 random bytes, URL-safe."""
    import secrets as _secrets

    return _secrets.token_urlsafe(32)
