"""config.ini passwords encrypted at rest, read back transparently, never in plain sight."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from ashare_gateway.config import read_config_ini
from ashare_gateway.domain.errors import InvalidParameter
from ashare_gateway.secrets import decrypt, encrypt, encrypt_config_file

INI = """[Trader]
# 华泰证券客户端可执行文件路径
exe_path = C:\\htzqzyb2\\xiadan.exe

[Account]
# 资金账号/用户名
user = 12345678
password = trade-secret-1
comm_password = comm-secret-2
"""


@pytest.fixture(autouse=True)
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "keys" / "secret.key"
    monkeypatch.setenv("ASHARE_GATEWAY_KEY_FILE", str(path))
    return path


def test_round_trip_and_key_file_is_private(key_file: Path) -> None:
    token = encrypt("pässwörd")
    assert token.startswith("enc:") and "pässwörd" not in token
    assert decrypt(token) == "pässwörd"
    assert decrypt("plain") == "plain"
    if os.name == "posix" and key_file.exists():  # absent when a working keyring held the key
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_encrypt_config_keeps_comments(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    ini = tmp_path / "config.ini"
    ini.write_text(INI, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        _, exe = read_config_ini(ini)
    assert "plaintext passwords" in caplog.text and "trade-secret-1" not in caplog.text
    assert encrypt_config_file(ini) == 2
    text = ini.read_text(encoding="utf-8")
    assert "trade-secret-1" not in text and "comm-secret-2" not in text
    assert "# 华泰证券客户端可执行文件路径" in text and "user = 12345678" in text
    assert encrypt_config_file(ini) == 0  # already encrypted: nothing to do
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        again, exe2 = read_config_ini(ini)
    assert "plaintext" not in caplog.text
    assert (again.password, again.comm_password, exe2) == ("trade-secret-1", "comm-secret-2", exe)
    assert "trade-secret-1" not in repr(again) and "comm-secret-2" not in str(again)


def test_a_foreign_key_cannot_decrypt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    token = encrypt("x")
    monkeypatch.setenv("ASHARE_GATEWAY_KEY_FILE", str(tmp_path / "other.key"))
    with pytest.raises(InvalidParameter):
        decrypt(token)


def test_gbk_config(tmp_path: Path) -> None:
    ini = tmp_path / "config.ini"
    ini.write_bytes(INI.encode("gbk"))
    assert encrypt_config_file(ini) == 2
    creds, _ = read_config_ini(ini)
    assert creds.password == "trade-secret-1"
    assert "华泰证券" in ini.read_bytes().decode("gbk")


SYNTAXES = """[Account]
User = 12345678
Password: trade-secret-1 ; the trading password
COMM_PASSWORD=comm-secret-2   # 通讯密码

[Other]
password = other-secret-3
"""


def test_encrypt_config_reads_keys_as_the_gateway_does(tmp_path: Path) -> None:
    """Case-insensitive keys, ``:`` as well as ``=``, inline comments: what the gateway reads as the
    password is what is encrypted, and nothing is left in plain text."""
    ini = tmp_path / "config.ini"
    ini.write_text(SYNTAXES, encoding="utf-8")
    assert encrypt_config_file(ini) == 3
    text = ini.read_text(encoding="utf-8")
    for secret in ("trade-secret-1", "comm-secret-2", "other-secret-3"):
        assert secret not in text
    assert "; the trading password" in text and "# 通讯密码" in text  # comments kept
    creds, _ = read_config_ini(ini)
    assert (creds.user, creds.password, creds.comm_password) == (
        "12345678",
        "trade-secret-1",
        "comm-secret-2",
    )


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_encrypt_config_keeps_the_files_mode(tmp_path: Path) -> None:
    ini = tmp_path / "config.ini"
    ini.write_text(INI, encoding="utf-8")
    ini.chmod(0o640)
    assert encrypt_config_file(ini) == 2
    assert stat.S_IMODE(ini.stat().st_mode) == 0o640


def test_encrypt_config_refuses_what_it_cannot_encrypt(tmp_path: Path) -> None:
    """A value continued on an indented line: the gateway reads two lines, the rewrite would not."""
    ini = tmp_path / "config.ini"
    original = "[Account]\nuser = 1\npassword = first-part\n  second-part\n"
    ini.write_text(original, encoding="utf-8")
    with pytest.raises(InvalidParameter, match="无法加密"):
        encrypt_config_file(ini)
    assert ini.read_text(encoding="utf-8") == original  # untouched, and no stray temporary file
    assert [p.name for p in tmp_path.iterdir()] == ["config.ini"] or not list(tmp_path.glob("*.tmp"))
