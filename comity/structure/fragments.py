"""Rendered parts of a community's pages, cached until the community's data changes.

A page that shows everyone with the same roles the same thing, and whose data changes only through audited writes
of the community, renders its main part once per *data version* (``comity.foundation.caching``) and serves it from
the cache until an audited write bumps the version or ``seconds`` pass (the bound on what depends on the clock:
"overdue", "3 hours ago", a deadline that passed). The key holds:

- the community, its data version, the fragment's name and the values the page varies on (page, filters…);
- the language and the time zone the part is rendered in;
- the viewer, as ``per`` says: ``"everyone"`` (no one's in particular), ``"roles"`` (the viewer's roles in the
  community, the subjects they act for and the streets they oversee — what permission checks read), or ``"user"``
  (the viewer's own account, for a part that names what they did or may do).

A form in a cached part keeps working: the part is rendered with a placeholder for the CSRF token, and the viewer's
own token is put in its place each time it is served, so a part rendered for one user never carries another's
token; a create form's one-time token is new at each serving. A ``per="user"`` part also varies on what ``"roles"``
does (roles, subjects, streets, staff flags), so a role granted or taken shows at once.

A part that also shows what unaudited writes change (statement votes, secret ballots, notifications' bookkeeping)
must pass a version of its own among ``vary`` or not be cached this way. The template tag ``{% fragment %}``
(``comity/structure/templatetags/fragments.py``) is the same in a template.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any, Literal

from django.core.cache import cache
from django.db import models
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from comity.foundation.caching import community_key
from comity.foundation.idempotency import TOKEN_FIELD, new_token
from comity.structure.scope import scope_for

Per = Literal["everyone", "roles", "user"]

#: Seconds a part stays cached at most, whatever the data version says.
DEFAULT_SECONDS = 60

#: What a cached part holds where the viewer's CSRF token goes.
CSRF_PLACEHOLDER = "comity-csrf-placeholder-3f9c2a7e"
#: A create form's one-time token (``comity.foundation.idempotency``) in a rendered part.
_ONCE_TOKEN = re.compile(rf'name="{TOKEN_FIELD}" value="[^"]*"')


def viewer_key(request: HttpRequest, community_id: int, per: Per) -> str:
    """Who a part is rendered for, as ``per`` says (see the module's docstring)."""
    if per == "everyone":
        return "all"
    user: Any = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return "anon"
    scope = scope_for(user)
    # What the permission checks read of the viewer; a part cached for one account varies on it too, so that a
    # role, subject or street granted or taken shows at once, whatever the write that did it.
    profile = (
        sorted(str(role) for role in scope.roles_in(community_id)),
        sorted(scope.acting_subject_ids),
        sorted(scope.street_ids),
        bool(user.is_staff),
        bool(user.is_superuser),
        scope.is_platform_staff,
    )
    digest = hashlib.blake2b(repr(profile).encode(), digest_size=8).hexdigest()
    return f"u{user.pk}:{digest}" if per == "user" else f"r{digest}"


def fragment_key(
    request: HttpRequest, community: models.Model | int, name: str, vary: tuple[object, ...], per: Per
) -> str:
    community_id = int(community.pk if isinstance(community, models.Model) else community)
    varied = hashlib.blake2b(repr(vary).encode(), digest_size=12).hexdigest() if vary else "-"
    return community_key(
        community_id,
        "fragment",
        name,
        get_language() or "",
        timezone.get_current_timezone_name(),
        viewer_key(request, community_id, per),
        varied,
    )


def with_token(request: HttpRequest, html: str) -> SafeString:
    """``html`` with the viewer's CSRF token where the placeholder is, and a new one-time token in each create
    form: a one-time token is claimed once, so two servings of a cached part must not share one."""
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    if TOKEN_FIELD in html:
        html = _ONCE_TOKEN.sub(lambda _match: f'name="{TOKEN_FIELD}" value="{new_token()}"', html)
    return mark_safe(html)  # rendered by our own autoescaping templates


def part_renderer(
    request: HttpRequest, template: str, context: Callable[[], dict[str, Any]]
) -> Callable[[str], str]:
    """A ``render`` for :func:`cached_fragment`: ``template`` with ``context()`` and the token it is given."""

    def render(token: str) -> str:
        return str(render_to_string(template, {**context(), "csrf_token": token}, request=request))

    return render


def cached_fragment(
    request: HttpRequest,
    community: models.Model | int,
    name: str,
    *vary: object,
    render: Callable[[str], str],
    per: Per = "roles",
    seconds: int = DEFAULT_SECONDS,
) -> SafeString:
    """The part ``name`` of a page, from the cache or rendered by ``render(csrf_token)`` and cached.

    ``render`` receives the token to put in the part's forms (the placeholder when the part is cached: pass it to
    the template as ``csrf_token``).
    """
    key = fragment_key(request, community, name, vary, per)
    html: str | None = cache.get(key)
    if html is None:
        html = str(render(CSRF_PLACEHOLDER))
        cache.set(key, html, timeout=seconds)
    return with_token(request, html)
