"""What every list of appeals shows on each row, worked out once per page instead of once per row.

``appeal.get_status_display()`` builds a dictionary of every status, each label translated, for every appeal it is
called on, and ``{% url %}`` resolves its pattern for every row: on a workbench page of 50 appeals that was a good
part of the rows' cost. :func:`prepare_rows` gives each appeal of the page ``status_label`` (the same words) and
``url`` (the same address) from one translation of each status and one ``reverse()``; :func:`prepare_workbench_rows`
gives the workbench's rows the two sentences each row had translated for it (``{% blocktranslate %}``): the words
are translated once per page, the same message ids.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # not in the stubs
from django.utils.translation import gettext as _

from comity.appeals.models import STATUS_CHOICES, Appeal
from comity.structure.models import Community

#: A stand-in appeal id: the page's address pattern is reversed once with it, and each row puts its own id there.
_ANY_ID = 987654321


def prepare_rows(appeals: Iterable[Appeal], community: Community, url_name: str) -> None:
    """Set ``status_label`` and ``url`` (``url_name`` with the community's and the appeal's id) on each appeal."""
    labels = {value: str(label) for value, label in STATUS_CHOICES}
    before, after = reverse(url_name, args=[community.pk, _ANY_ID]).rsplit(str(_ANY_ID), 1)
    for appeal in appeals:
        appeal.status_label = labels.get(appeal.status, appeal.status)  # type: ignore[attr-defined]
        appeal.url = f"{before}{appeal.pk}{after}"  # type: ignore[attr-defined]


def prepare_workbench_rows(appeals: Iterable[Appeal]) -> None:
    """Set ``select_label`` (the row's checkbox label) and ``due_label`` (when it is due, as the ``date`` filter
    writes ``SHORT_DATETIME_FORMAT`` in the current time zone) on each appeal of a workbench page."""
    select = _("Select %(number)s")
    due = _("due %(due)s")
    for appeal in appeals:
        appeal.select_label = select % {"number": appeal.number}  # type: ignore[attr-defined]
        if appeal.due_at is not None:
            when = date_format(template_localtime(appeal.due_at), "SHORT_DATETIME_FORMAT")
            appeal.due_label = due % {"due": when}  # type: ignore[attr-defined]


def page_number(request: HttpRequest) -> int:
    """The page a list is asked for, as a number (anything else is the first page, as ``Paginator.get_page`` takes
    it): what a cached list varies on instead of the query's text."""
    text = request.GET.get("page", "")
    return int(text) if text.isdigit() and len(text) < 9 else 1
