"""Credentials at rest (WordPress application passwords, OAuth tokens): Fernet tokens under a key from settings.

* The key is ``IGNY8_SECRET_KEY``: a Fernet key (``Fernet.generate_key()``) or any passphrase, which is
  stretched with scrypt. ``IGNY8_SECRET_KEY_PREVIOUS`` is the key before the last rotation: it still
  decrypts, and a value it decrypts is sealed again under the current key the next time it is read.
* Outside production an unset key is generated once and kept in ``<data_dir>/secret.key`` (mode 0600), so
  a demo needs no setup. In production an unset key is refused: the service does not start without it.
* A stored value carries the prefix ``fernet:``; a value without it is a legacy plaintext row (written before
  encryption existed). It is read as it is and encrypted in place on its first read.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from igny8.config import Settings

log = logging.getLogger(__name__)

SEALED_PREFIX = "fernet:"
KEY_FILE_NAME = "secret.key"
# A fixed salt: the passphrase is a server secret chosen by the operator, not a person's password shared
# across sites, and every process must derive the same key from it without storing anything.
_KDF_SALT = b"igny8/secret-box/v1"
_key_file_lock = threading.Lock()

GENERATE_HINT = (
    'generate one with `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`'
)


class SecretKeyMissing(RuntimeError):
    """Production without IGNY8_SECRET_KEY: stored credentials could not be encrypted or read."""


class SecretUnreadable(ValueError):
    """A stored secret does not decrypt with the configured keys (the key changed, or the row was altered)."""


def _fernet_for(key_text: str) -> Fernet:
    """A Fernet key as given, or a passphrase stretched with scrypt into one."""
    raw = key_text.strip().encode()
    try:
        if len(base64.b64decode(raw, altchars=b"-_", validate=True)) == 32:
            return Fernet(raw)
    except (binascii.Error, ValueError):
        pass
    derived = Scrypt(salt=_KDF_SALT, length=32, n=2**14, r=8, p=1).derive(raw)
    return Fernet(base64.urlsafe_b64encode(derived))


@dataclass(frozen=True)
class SecretBox:
    """Seals and opens secrets; the first key encrypts, every key decrypts."""

    keys: tuple[Fernet, ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise ValueError("a SecretBox needs at least one key")

    @classmethod
    def from_keys(cls, *key_texts: str) -> SecretBox:
        return cls(tuple(_fernet_for(text) for text in key_texts if text))

    @property
    def _multi(self) -> MultiFernet:
        return MultiFernet(list(self.keys))

    @staticmethod
    def is_sealed(stored: str) -> bool:
        return stored.startswith(SEALED_PREFIX)

    def seal(self, secret: str) -> str:
        return SEALED_PREFIX + self._multi.encrypt(secret.encode("utf-8")).decode("ascii")

    def open(self, stored: str, *, what: str = "a stored credential") -> str:
        """The secret; legacy plaintext (no prefix) comes back as it is. Raises SecretUnreadable."""
        if not self.is_sealed(stored):
            return stored
        try:
            return self._multi.decrypt(stored.removeprefix(SEALED_PREFIX).encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise SecretUnreadable(
                f"{what} cannot be decrypted with the configured IGNY8_SECRET_KEY: the key changed since it was "
                "saved (set IGNY8_SECRET_KEY_PREVIOUS to the old key), or save the credential again"
            ) from exc

    def reseal(self, stored: str) -> str | None:
        """A replacement for ``stored`` when it is plaintext or sealed under a previous key; None if current."""
        if not self.is_sealed(stored):
            return self.seal(stored)
        token = stored.removeprefix(SEALED_PREFIX).encode("ascii")
        try:
            self.keys[0].decrypt(token)
            return None
        except InvalidToken:
            pass
        try:
            return SEALED_PREFIX + self._multi.rotate(token).decode("ascii")
        except InvalidToken:
            return None  # unreadable under every key: open() reports it


def _load_or_create_key_file(data_dir: Path) -> str:
    """The generated key under data_dir, created once (0600) and shared by every process using that folder."""
    path = data_dir / KEY_FILE_NAME
    with _key_file_lock:
        if not path.exists():
            data_dir.mkdir(parents=True, exist_ok=True)
            staging = data_dir / f".{KEY_FILE_NAME}.{os.getpid()}.{threading.get_ident()}"
            fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "w", encoding="ascii") as handle:
                    handle.write(Fernet.generate_key().decode("ascii") + "\n")
                try:
                    os.link(staging, path)  # atomic: a process that lost the race reads the winner's key
                    log.warning(
                        "generated the key that encrypts stored credentials: %s (back it up; set IGNY8_SECRET_KEY "
                        "in production)",
                        path,
                    )
                except FileExistsError:
                    pass
            finally:
                staging.unlink(missing_ok=True)
        if path.stat().st_mode & 0o077:
            log.warning("%s is readable by other users; run `chmod 600 %s`", path, path)
        return path.read_text(encoding="ascii").strip()


@lru_cache(maxsize=8)
def _box(environment: str, data_dir: Path, current: str | None, previous: str | None) -> SecretBox:
    if current is None:
        if environment == "production":
            raise SecretKeyMissing(
                "IGNY8_SECRET_KEY is not set: in production the key that encrypts stored credentials must come "
                f"from the environment; {GENERATE_HINT}, keep it safe, and set it for every IGNY8 process"
            )
        current = _load_or_create_key_file(data_dir)
    return SecretBox.from_keys(current, previous or "")


def secret_box_for(settings: Settings) -> SecretBox:
    """The box for these settings (cached). Raises SecretKeyMissing in production without a key."""
    current = settings.secret_key.get_secret_value() if settings.secret_key is not None else None
    previous = settings.secret_key_previous.get_secret_value() if settings.secret_key_previous is not None else None
    return _box(settings.environment, settings.data_dir, current or None, previous or None)


def default_secret_box() -> SecretBox:
    """The box of the process's settings, for callers that were not handed one."""
    from igny8.config import get_settings

    return secret_box_for(get_settings())
