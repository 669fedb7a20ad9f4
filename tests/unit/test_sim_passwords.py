"""Paper-account password hashes: scrypt, and the remembered proofs of passwords already checked."""

from __future__ import annotations

from ashare_gateway.brokers.sim import passwords


def test_a_hash_verifies_its_own_password_only() -> None:
    stored = passwords.hash_password("s3cret-pw")
    assert stored.startswith("scrypt$") and "s3cret-pw" not in stored
    assert passwords.verify_password("s3cret-pw", stored)
    assert not passwords.verify_password("s3cret-px", stored)
    assert not passwords.verify_password("", stored)


def test_a_remembered_proof_is_for_that_password_and_that_hash_only() -> None:
    stored = passwords.hash_password("right-pw")
    other = passwords.hash_password("right-pw")  # same password, its own salt
    assert passwords.verify_password("right-pw", stored)  # proved once: remembered
    # A wrong password against the same hash, the right one against a hash it was never checked with,
    # and a hash whose digest was tampered with are each decided by scrypt, not by the memory.
    assert not passwords.verify_password("wrong-pw", stored)
    assert passwords.verify_password("right-pw", other)
    scheme, salt, digest = stored.split("$")
    tampered = f"{scheme}${salt}${'0' * len(digest)}"
    assert not passwords.verify_password("right-pw", tampered)
    assert passwords.verify_password("right-pw", stored)


def test_the_memory_holds_no_password_and_stays_bounded(monkeypatch) -> None:
    monkeypatch.setattr(passwords, "_PROVED", set())
    monkeypatch.setattr(passwords, "_PROVED_MAX", 3)
    hashes = [passwords.hash_password(f"pw-{i}") for i in range(5)]
    for i, stored in enumerate(hashes):
        assert passwords.verify_password(f"pw-{i}", stored)
    assert 0 < len(passwords._PROVED) <= 3
    assert all(b"pw-" not in proof for proof in passwords._PROVED)


def test_a_malformed_hash_is_no_match() -> None:
    for stored in ("", "scrypt$00", "bcrypt$00$00", "plain"):
        assert not passwords.verify_password("pw", stored)
