"""``QuickSelect`` draws exactly the HTML of Django's ``Select``, without a template per option."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.urls import reverse

from comity.foundation.widgets import QuickSelect

CHOICES = [
    ("", "Any"),
    ("a&b", "A & <b>"),
    ("Group", [("1", "One"), ("2", "Two")]),
    (3, "Three"),
]


@pytest.mark.parametrize("value", [None, "", "a&b", "2", 3, ["1", "a&b"]])
@pytest.mark.parametrize("multiple", [False, True])
def test_quick_select_draws_what_djangos_select_draws(value: Any, multiple: bool) -> None:
    base = forms.SelectMultiple if multiple else forms.Select
    quick_class = (
        type("QuickMultiple", (QuickSelect,), {"allow_multiple_selected": True}) if multiple else QuickSelect
    )
    attrs = {"id": "id_x", "class": "filter", "required": True, "disabled": False}
    django = base(attrs=attrs, choices=CHOICES).render("x", value)
    quick = quick_class(attrs=attrs, choices=CHOICES).render("x", value)
    assert quick == _squeeze(django)


def _squeeze(html: str) -> str:
    """Django's templates put new lines and indentation between the tags; the browser ignores them."""
    return "".join(line.strip() for line in html.splitlines())


def test_the_workbench_filters_still_select_what_was_asked(world: Any, client_for: Any) -> None:
    page = client_for("committee_staff").get(
        reverse("appeals:queue", args=[world.harmony.pk]), {"status": "open", "area": world.building.pk}
    )
    html = page.content.decode()
    assert '<option value="open" selected>' in html
    assert f'<option value="{world.building.pk}" selected>Building 1</option>' in html
