"""Cached bodies of the consultation pages (``comity.structure.fragments``, which varies a part cached per account
on the viewer's roles and puts fresh one-time tokens in the create forms of each serving).

Votes and the opinion map's recomputation are written without an audit entry, so they do not bump the community's
data version: a part that shows them varies on :func:`comity.consultations.selectors.votes_version` and
:func:`comity.consultations.selectors.analysis_version`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString

from comity.consultations.models import Consultation
from comity.structure.fragments import cached_fragment


def cached_body(
    request: HttpRequest,
    consultation: Consultation,
    name: str,
    *vary: Any,
    render: Callable[[str], str],
) -> SafeString:
    """The body ``name`` of a consultation's page for the viewer's account, from the cache or ``render(token)``."""
    return cached_fragment(
        request,
        consultation.community,
        name,
        consultation.pk,
        consultation.status,
        *vary,
        render=render,
        per="user",
    )
