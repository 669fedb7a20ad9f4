"""Passwords at rest: config.ini values stored encrypted, never printed, never logged.

``ashare-gateway encrypt-config config.ini`` rewrites ``password`` and ``comm_password`` as
``enc:<scheme>:<ciphertext>``. On Windows the scheme is DPAPI (bound to the Windows user, nothing to
keep); elsewhere it is Fernet with a key from the system keyring when one works, else from a key file
readable only by the user (``~/.config/ashare-gateway/secret.key``, mode 0600). Plaintext values still
work, and the gateway warns about them at start-up.
"""

from __future__ import annotations

import base64
import os
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
    path.parent.mkdir(parents=True, exist_ok=True)
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


def encrypt_config_file(path: Path) -> int:
    """Encrypt the plaintext secrets of a config.ini in place, keeping its comments; returns how many."""
    raw = path.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        encoding, text = "gbk", raw.decode("gbk")
    lines, changed = [], 0
    for line in text.splitlines(keepends=True):
        name, sep, value = line.partition("=")
        stripped = value.strip()
        if sep and name.strip() in SECRET_FIELDS and stripped and not is_encrypted(stripped):
            ending = "\r\n" if line.endswith("\r\n") else ("\n" if line.endswith("\n") else "")
            line = f"{name.rstrip()} = {encrypt(stripped)}{ending}"
            changed += 1
        lines.append(line)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text("".join(lines), encoding=encoding)
    os.replace(tmp, path)
    return changed


def new_token() -> str:
    """An API token: 32 random bytes, URL-safe."""
    import secrets as _secrets

    return _secrets.token_urlsafe(32)
