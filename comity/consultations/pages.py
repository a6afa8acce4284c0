"""Cached bodies of the consultation pages (``comity.structure.fragments``), with what they share: the viewer's
roles among the values varied on, and fresh one-time tokens in the create forms of a part served from the cache.

Votes and the opinion map's recomputation are written without an audit entry, so they do not bump the community's
data version: a part that shows them varies on :func:`comity.consultations.selectors.votes_version` and
:func:`comity.consultations.selectors.analysis_version`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from comity.consultations.models import Consultation
from comity.foundation.idempotency import TOKEN_FIELD, new_token
from comity.structure.fragments import cached_fragment
from comity.structure.scope import scope_for

#: A one-time token in a cached part (``comity.foundation.idempotency``).
ONCE_TOKEN = re.compile(rf'name="{TOKEN_FIELD}" value="[^"]*"')


def fresh_once_tokens(html: str) -> str:
    """``html`` (a cached part) with a new one-time token in each create form, as if rendered now: a token is
    claimed once, so two servings of the part must not share one."""
    if TOKEN_FIELD not in html:
        return html
    return ONCE_TOKEN.sub(lambda _match: f'name="{TOKEN_FIELD}" value="{new_token()}"', html)


def viewer_roles(request: HttpRequest, community_id: int) -> list[str]:
    """The viewer's roles in the community, to vary a part cached per account on (a role granted or taken shows at
    once, whatever the write that did it)."""
    return sorted(str(role) for role in scope_for(request.user).roles_in(community_id))


def cached_body(
    request: HttpRequest,
    consultation: Consultation,
    name: str,
    *vary: Any,
    render: Callable[[str], str],
) -> SafeString:
    """The body ``name`` of a consultation's page for the viewer's account, from the cache or ``render(token)``."""
    html = cached_fragment(
        request,
        consultation.community,
        name,
        consultation.pk,
        consultation.status,
        viewer_roles(request, consultation.community_id),
        *vary,
        render=render,
        per="user",
    )
    return mark_safe(fresh_once_tokens(html))  # rendered by our own autoescaping templates
