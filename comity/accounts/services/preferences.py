"""A user's own display preferences."""

from __future__ import annotations

from comity.accounts.models import User
from comity.foundation.services import service


@service(audited=False, reason="a user's own display preference, which changes nothing anyone else sees")
def set_large_text(user: User, large: bool) -> None:
    """Remember on the account whether its pages are shown in large text."""
    user.large_text = large
    user.save(update_fields=["large_text"])
