"""One-time sign-in codes: how they look, and how what a person types is read back.

Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown as two groups of four, so a code
can be read out over the counter or the phone: ``K7PM-3XQA``. 31⁸ ≈ 8.5 × 10¹¹ codes; with the lockout after a
few wrong tries (django-axes) guessing one within its 24 hours is hopeless.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8


def new_code() -> str:
    """A fresh code in its canonical form (no separator)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def readable(code: str) -> str:
    """``K7PM3XQA`` → ``K7PM-3XQA``."""
    return f"{code[:4]}-{code[4:]}"


def normalise(typed: str) -> str:
    """What a person typed, read generously: case, spaces and dashes do not matter; O/I/L read as 0/1/1 are
    mapped to the characters the alphabet has none of, so they simply fail to match."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())
