"""Create forms are safe to send twice.

Going back after sending a form shows it filled in again, and sending it again — or a double click, or a
flaky connection that retries — must not create a second appeal, proposal or statement without a word. Each
create form carries a one-time token (:class:`OnceTokenFormMixin`, or ``{% once_token %}`` in a template).
When the form is posted, the token is *claimed* with the cache's atomic ``add`` (atomic in Redis and in the
local-memory cache alike), keyed by the user, the form's scope and the token:

* the first claim wins and the view runs; when it redirects to what it created, the key keeps that URL;
* a later POST with the same token creates nothing and is sent to that URL with the message
  "This was already sent: here it is.";
* a POST while the first one is still running (a double click racing) waits a moment for it, then gets the same
  message without creating anything;
* when the view answers with the form again (a validation error, a confirmation to give), the claim is
  released, so the corrected form can be sent with the same token;
* going back, a browser may fetch the form anew — with a new token — and fill in what was typed: the same
  content from the same person in the same form within half an hour is a repeat too.

A POST without a token is not protected and runs as before (old pages, scripts, tests of the form alone).
The REST API offers the same through the ``Idempotency-Key`` header (:func:`claim` and :class:`Claim` directly).
See ``docs/architecture.md`` ("Create forms are safe to send twice").
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

#: The hidden field (and POST key) of the token.
TOKEN_FIELD = "once_token"
#: How long a claim is remembered: long enough for "back" a day later, short enough for the cache.
TTL_SECONDS = 24 * 60 * 60
#: How long the same content sent again by the same person counts as a repeat, whatever its token: going back,
#: a browser may fetch the form anew (a new token) and fill in what was typed.
SAME_CONTENT_SECONDS = 30 * 60
#: How long a repeated POST waits for a first one still running before answering.
PENDING_WAIT_SECONDS = 5.0
_PENDING = "pending"
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

ALREADY_SENT = _("This was already sent: here it is.")


def new_token() -> str:
    """A fresh one-time token (URL-safe, 32 characters)."""
    return secrets.token_urlsafe(24)


def _usable(token: str) -> bool:
    return 8 <= len(token) <= 255 and set(token) <= _TOKEN_CHARS


class State(StrEnum):
    UNPROTECTED = "unprotected"  # no (usable) token: run as usual
    CLAIMED = "claimed"  # this request is the first: run, then complete or release
    DONE = "done"  # already created: ``url`` is what was created
    PENDING = "pending"  # a first request with this token is still running


@dataclass
class Claim:
    """The outcome of :func:`claim`; a ``CLAIMED`` claim must end with :meth:`complete` or :meth:`release`."""

    state: State
    key: str = ""
    url: str = ""

    @property
    def repeated(self) -> bool:
        return self.state in {State.DONE, State.PENDING}

    def complete(self, url: str) -> None:
        """Remember what was created, for the repeats."""
        if self.state == State.CLAIMED:
            cache.set(self.key, url, TTL_SECONDS)
            self.state, self.url = State.DONE, url

    def release(self) -> None:
        """Nothing was created (the form came back with errors): the token may be sent again."""
        if self.state == State.CLAIMED:
            cache.delete(self.key)
            self.state = State.UNPROTECTED


def claim(user: Any, token: str | None, *, scope: str, wait: float | None = None) -> Claim:
    """Claim ``token`` for ``user`` in ``scope`` (e.g. ``"appeals.new:7"``), atomically.

    A ``PENDING`` answer has waited up to ``wait`` seconds (default :data:`PENDING_WAIT_SECONDS`) for the first
    request to finish; if it finished meanwhile the answer is ``DONE`` with its URL.
    """
    token = (token or "").strip()
    if not token or not _usable(token) or not getattr(user, "is_authenticated", False):
        return Claim(State.UNPROTECTED)
    digest = hashlib.sha256(f"{user.pk}\0{scope}\0{token}".encode()).hexdigest()
    key = f"once:{digest}"
    if cache.add(key, _PENDING, TTL_SECONDS):
        return Claim(State.CLAIMED, key)
    deadline = time.monotonic() + (PENDING_WAIT_SECONDS if wait is None else wait)
    while True:
        value = cache.get(key)
        if value is None:  # released meanwhile (the first one failed validation): this one may try
            if cache.add(key, _PENDING, TTL_SECONDS):
                return Claim(State.CLAIMED, key)
            continue
        if value != _PENDING:
            return Claim(State.DONE, key, str(value))
        if time.monotonic() >= deadline:
            return Claim(State.PENDING, key)
        time.sleep(0.1)


def safe_to_send_twice(
    scope: Callable[[HttpRequest, dict[str, Any]], str] | str,
    *,
    pending_url: Callable[[HttpRequest, dict[str, Any]], str] | None = None,
    ignore: tuple[str, ...] = (),
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a create view whose form carries a token: a repeated POST is redirected to what was created.

    The view keeps its usual shape — redirect after creating, render the form again otherwise. A redirect
    (3xx) completes the claim with its ``Location``; any other answer releases it. ``scope`` names the form
    (a string, or a function of the request and the view's keyword arguments); ``pending_url`` is where a
    repeat goes when the first request has not finished (the form's own page by default); ``ignore`` names POST
    fields that do not make the content different (what the page adds by itself, such as the candidates shown).
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method != "POST":
                return view(request, *args, **kwargs)
            name = scope(request, kwargs) if callable(scope) else f"{scope}:{sorted(kwargs.items())}"
            sent = _fingerprint(request, name, frozenset(ignore))
            earlier = cache.get(sent) if sent else None
            if earlier:  # the same form sent again after the page was fetched anew (a new token)
                messages.info(request, ALREADY_SENT)
                return redirect(earlier)
            attempt = claim(request.user, request.POST.get(TOKEN_FIELD), scope=name)
            if attempt.repeated:
                messages.info(request, ALREADY_SENT)
                if attempt.url:
                    return redirect(attempt.url)
                return redirect(pending_url(request, kwargs) if pending_url else request.get_full_path())
            try:
                response = view(request, *args, **kwargs)
            except BaseException:
                attempt.release()
                raise
            if 300 <= response.status_code < 400 and response.get("Location"):
                attempt.complete(response["Location"])
                if sent:
                    cache.set(sent, response["Location"], SAME_CONTENT_SECONDS)
            else:
                attempt.release()
            return response

        return wrapped

    return decorate


def _fingerprint(request: HttpRequest, scope: str, ignore: frozenset[str]) -> str:
    """A key for exactly what was typed and chosen, by this user in this form. Files are left out: a browser
    never restores them, so the form sent again after "back" has the same text but no files."""
    if not getattr(request.user, "is_authenticated", False) or TOKEN_FIELD not in request.POST:
        return ""
    skipped = {TOKEN_FIELD, "csrfmiddlewaretoken", *ignore}
    fields = sorted(
        (key, value) for key, values in request.POST.lists() if key not in skipped for value in values
    )
    text = repr((request.user.pk, scope, fields))
    return f"once-sent:{hashlib.sha256(text.encode()).hexdigest()}"


class OnceTokenFormMixin(forms.Form):
    """A hidden one-time token in a create form. A form shown again after an error keeps the posted token."""

    once_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=255)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[TOKEN_FIELD].initial = new_token()
