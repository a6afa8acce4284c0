"""Steps taken on a page: the one way every action form of a page is posted and answered.

Every step's form posts to the page that shows it, naming itself in a hidden ``step`` field. Then:

* done → a message and a redirect to the page (or where the step says);
* a form with a mistake (the form's own checks, or a service's ``ValidationError`` about named fields) → the page
  again, 400, the error on its field and everything typed kept;
* a step the state does not allow (a page left open while someone else moved things on) → refused with a message
  and a ``303 See Other`` to the page, so the browser is never left on an address that posts again on reload.

The page decides which steps its state offers (it shows only those); a step that is not offered, or whose
``check`` refuses, is refused the same way. Permissions stay the page's business: a step the user may not take is
a 403 before any of this runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

#: The hidden field naming the step a form takes.
STEP_FIELD = "step"

Run = Callable[[dict[str, Any]], Any]
After = Callable[[HttpRequest, Any], None]


class HttpResponseSeeOther(HttpResponseRedirect):
    """A redirect that tells the browser to fetch the page with GET (after a POST)."""

    status_code = 303


@dataclass
class Step:
    """One action offered on a page: its form, what it does with the cleaned data, and what is said when done."""

    form: Any
    run: Run
    #: Said when the step is done ("" says nothing; ``after`` may say more).
    done: str = ""
    #: Where on the page the step's form sits.
    anchor: str = ""
    #: Where to go when done (the page at ``anchor`` by default), or how to find it from what ``run`` returned.
    then: str | Callable[[Any], str] = ""
    #: Raises the state's ``ValidationError`` when the step is no longer possible; run before the form is read.
    check: Callable[[], None] | None = None
    #: Called with the request and what ``run`` returned, once done (extra messages, a receipt kept in the session).
    after: After | None = None
    #: Errors that name no field are about what was typed (shown on the form, 400) rather than a refusal.
    inline: bool = False
    #: Service field names that differ from the form's.
    rename: Mapping[str, str] | None = None


def posted_step(request: HttpRequest, default: str = "") -> str:
    """The step named by a POST (``default`` when the form names none)."""
    return str(request.POST.get(STEP_FIELD, "") or default)


def apply_errors(form: Any, error: ValidationError, rename: Mapping[str, str] | None = None) -> bool:
    """Put a service's field errors on the form's fields (on the form as a whole when the form has no such field).

    False, and the form untouched, when the error names no field: the state refused the step."""
    if not hasattr(error, "error_dict"):
        return False
    rename = rename or {}
    for field, field_errors in error.error_dict.items():
        name = rename.get(field, field)
        for item in field_errors:
            form.add_error(name if name in form.fields else None, item)
    return True


def page_at(url: str, anchor: str = "") -> str:
    """``url`` with ``#anchor`` when there is one."""
    return f"{url}#{anchor}" if anchor else url


def refuse(
    request: HttpRequest, url: str, reasons: list[str] | None = None, *, see_other: bool = True
) -> HttpResponse:
    """Refuse a step the state does not allow: say why, and send the browser to ``url`` with a GET (``303 See
    Other``; a plain ``302`` with ``see_other=False``, as the budgeting pages have always answered)."""
    for reason in reasons or [
        _("That step is not possible at this stage. The page now shows what can be done.")
    ]:
        messages.error(request, reason)
    return HttpResponseSeeOther(url) if see_other else HttpResponseRedirect(url)


def take(
    request: HttpRequest,
    step: Step | None,
    page_url: str,
    render_page: Callable[[], HttpResponse],
    *,
    see_other: bool = True,
) -> HttpResponse:
    """Take a posted step: done → redirect; a mistake → ``render_page()`` as 400; refused → 303 to the page (302
    with ``see_other=False``).

    ``step`` is None when the page's state does not offer the step posted."""
    if step is None:
        return refuse(request, page_url, see_other=see_other)
    refused_at = page_at(page_url, step.anchor)
    if step.check is not None:
        try:
            step.check()
        except ValidationError as error:
            return refuse(request, refused_at, list(error.messages), see_other=see_other)
    if step.form.is_valid():
        try:
            result = step.run(step.form.cleaned_data)
        except ValidationError as error:
            if not apply_errors(step.form, error, step.rename):
                if not step.inline:
                    return refuse(request, refused_at, list(error.messages), see_other=see_other)
                for message in error.messages:
                    step.form.add_error(None, message)
        else:
            if step.done:
                messages.success(request, step.done)
            if step.after is not None:
                step.after(request, result)
            then = step.then(result) if callable(step.then) else step.then
            return HttpResponseRedirect(then or refused_at)
    response = render_page()
    response.status_code = 400
    return response
