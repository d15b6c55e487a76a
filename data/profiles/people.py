"""Who is using Flowcast, by the name a reader knows them by: the display name this machine's
user chose (remembered in app_state), else the full name of the OS account, else its login.

Sign-offs and approvals store this name as the actor, so the weekly review reads "signed off by
Ada Lovelace", not "root"."""

from __future__ import annotations

import getpass
import pwd

from data.errors import ValidationError
from data.store import get_backend

DISPLAY_NAME_KEY = "display_name"
MAX_NAME_LENGTH = 80


def os_full_name() -> str:
    """The OS account's full name (the first GECOS field), else its login, else ''."""
    try:
        login = getpass.getuser()
    except Exception:  # no user database entry (containers)
        return ""
    try:
        full = pwd.getpwnam(login).pw_gecos.split(",")[0].strip()
    except KeyError:
        full = ""
    return full or login


def display_name() -> str:
    """The remembered display name, else the OS account's full name (or login)."""
    return get_backend().get_app_state(DISPLAY_NAME_KEY) or os_full_name()


def has_chosen_name() -> bool:
    return bool(get_backend().get_app_state(DISPLAY_NAME_KEY))


def remember_display_name(name: str | None) -> str:
    """Store ``name`` (trimmed) as the display name and return it; refuses an empty or long one."""
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise ValidationError("Enter your name (as colleagues know you) before signing off.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ValidationError(
            f"A name of {len(cleaned)} characters is too long; use at most {MAX_NAME_LENGTH}."
        )
    if cleaned != get_backend().get_app_state(DISPLAY_NAME_KEY):
        get_backend().set_app_state(DISPLAY_NAME_KEY, cleaned)
    return cleaned
