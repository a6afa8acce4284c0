"""Writes about accounts: one-time sign-in codes, unlocking, and passwords set with a code or changed."""

from comity.accounts.services.preferences import set_large_text
from comity.accounts.services.sign_in import (
    IssuedCode,
    issue_sign_in_code,
    note_password_changed,
    set_password_with_code,
    unlock_sign_in,
)

__all__ = [
    "IssuedCode",
    "issue_sign_in_code",
    "note_password_changed",
    "set_large_text",
    "set_password_with_code",
    "unlock_sign_in",
]
