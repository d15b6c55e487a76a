"""The team server's secret key, and JIRA tokens sealed with it at rest (issue 14 §3).

A database a team shares is read by more people and machines than one laptop's 0600 file, so
when a secret key is configured — ``FLOWCAST_SECRET_KEY``, or ``FLOWCAST_SECRET_KEY_FILE`` naming
a file only its owner can read — every JIRA token is stored sealed with Fernet (cryptography's
authenticated encryption) under a key derived from it, as ``fernet:v1:<token>``, and opened again
when a profile is read. Without a key (the local default) tokens stay as they were. A sealed
token read without the key, or with another one, is refused in one sentence rather than sent
to JIRA.
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from functools import cache
from pathlib import Path

from data.errors import ConfigError

SECRET_KEY_ENV = "FLOWCAST_SECRET_KEY"
SECRET_KEY_FILE_ENV = "FLOWCAST_SECRET_KEY_FILE"
MIN_SECRET_LENGTH = 32
SEALED_PREFIX = "fernet:v1:"
_DERIVATION = b"flowcast: JIRA tokens at rest\0"


def configured_secret() -> str | None:
    """The secret key from the environment (checked), or None when none is configured."""
    path = os.environ.get(SECRET_KEY_FILE_ENV)
    if path:
        file = Path(path)
        try:
            mode = file.stat().st_mode
            key = file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"Cannot read the secret key file {file} ({exc.strerror}); check "
                f"{SECRET_KEY_FILE_ENV}."
            ) from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigError(
                f"The secret key file {file} can be read by others (mode {stat.S_IMODE(mode):o}); "
                f"make it private with chmod 600 {file}."
            )
    else:
        key = os.environ.get(SECRET_KEY_ENV, "").strip()
        if not key:
            return None
    if len(key) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"A team server needs a secret key of at least {MIN_SECRET_LENGTH} characters in "
            f"{SECRET_KEY_ENV} or a file named by {SECRET_KEY_FILE_ENV}; make one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )
    return key


def required_secret() -> str:
    """The secret key a team server cannot start without."""
    key = configured_secret()
    if key is None:
        raise ConfigError(
            f"A team server needs a secret key of at least {MIN_SECRET_LENGTH} characters in "
            f"{SECRET_KEY_ENV} or a file named by {SECRET_KEY_FILE_ENV}; make one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )
    return key


@cache
def _fernet(secret: str):  # type: ignore[no-untyped-def]
    try:
        from cryptography.fernet import Fernet
    except ImportError:  # pragma: no cover - the team extra brings it
        raise ConfigError(
            "Sealing JIRA tokens with the secret key needs the cryptography package; install "
            "it with pip install 'flowcast[team]', or unset FLOWCAST_SECRET_KEY."
        ) from None

    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(_DERIVATION + secret.encode()).digest()))


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(SEALED_PREFIX)


def seal(token: str) -> str:
    """``token`` sealed under the configured key; unchanged without a key, or when empty or
    already sealed."""
    secret = configured_secret()
    if secret is None or not token or is_sealed(token):
        return token
    return SEALED_PREFIX + _fernet(secret).encrypt(token.encode()).decode()


def try_unseal(value: str) -> str:
    """The token a sealed ``value`` holds when the configured key opens it; else ``value`` as it
    is (a plain token, or a sealed one this process cannot open: ``unsealed`` says why where the
    token is needed)."""
    if not is_sealed(value):
        return value
    secret = configured_secret()
    if secret is None:
        return value
    from cryptography.fernet import InvalidToken

    try:
        return _fernet(secret).decrypt(value[len(SEALED_PREFIX) :].encode()).decode()
    except InvalidToken:
        return value


def unsealed(value: str, profile_id: str) -> str:
    """The plain token, or one sentence saying why a sealed one cannot be opened."""
    opened = try_unseal(value)
    if not is_sealed(opened):
        return opened
    if configured_secret() is None:
        raise ConfigError(
            f"Profile {profile_id!r}'s JIRA token is sealed with the team server's secret key; "
            f"set {SECRET_KEY_ENV} or {SECRET_KEY_FILE_ENV} to the same key and retry."
        )
    raise ConfigError(
        f"Profile {profile_id!r}'s JIRA token was sealed with another secret key; set the key it "
        "was sealed with, or enter the token again in Settings → JIRA connection."
    )
