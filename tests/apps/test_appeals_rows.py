"""The rows of the appeal lists, worked out once per page (``appeals.views.listing``), say what the template tags
they replace said: the status label, the address, the checkbox label and the due time, in both languages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django import forms
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from comity.appeals.models import STATUS_CHOICES, Appeal
from comity.appeals.views.listing import prepare_rows, prepare_workbench_rows
from comity.foundation.widgets import QuickSelect, choices_in_one_query
from comity.structure.models import Community

ORIGINAL = Template(
    "{% load i18n %}"
    "{% blocktranslate with number=a.number %}Select {{ number }}{% endblocktranslate %}|"
    '{% blocktranslate with due=a.due_at|date:"SHORT_DATETIME_FORMAT" %}due {{ due }}{% endblocktranslate %}'
)


def _appeals() -> list[Appeal]:
    due = datetime(2026, 3, 4, 17, 5, tzinfo=UTC)
    return [
        Appeal(pk=40 + index, number=f"2026-0000{index}", status=value, due_at=due)
        for index, (value, _label) in enumerate(STATUS_CHOICES)
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("url_name", ["appeals:detail", "appeals:public_detail"])
def test_rows_say_what_the_template_tags_said(world: Any, language: str, url_name: str) -> None:
    appeals = _appeals()
    with translation.override(language):
        prepare_rows(appeals, world.harmony, url_name)
        prepare_workbench_rows(appeals)
        for appeal in appeals:
            assert appeal.status_label == appeal.get_status_display()  # type: ignore[attr-defined]
            assert appeal.url == reverse(url_name, args=[world.harmony.pk, appeal.pk])  # type: ignore[attr-defined]
            said = ORIGINAL.render(Context({"a": appeal}))
            assert f"{appeal.select_label}|{appeal.due_label}" == said  # type: ignore[attr-defined]
    assert len({appeal.status_label for appeal in appeals}) == len(STATUS_CHOICES)  # type: ignore[attr-defined]


class _Pick(forms.Form):
    community = forms.ModelChoiceField(queryset=Community.objects.order_by("name"), widget=QuickSelect)


def test_choices_read_in_one_query_draw_the_same_select_and_still_validate(world: Any) -> None:
    drawn = str(_Pick(initial={"community": world.harmony.pk})["community"])
    form = _Pick({"community": str(world.harmony.pk)})
    choices_in_one_query(form.fields["community"])
    with CaptureQueriesContext(connection) as queries:
        assert str(_with_initial(form, world.harmony.pk)["community"]) == drawn
    assert len(queries) == 0  # read once, when the choices were listed
    assert form.is_valid()
    assert form.cleaned_data["community"] == world.harmony
    wrong = _Pick({"community": "999999"})
    choices_in_one_query(wrong.fields["community"])
    assert not wrong.is_valid()


def _with_initial(form: _Pick, pk: int) -> _Pick:
    """The same field list, unbound, so that it draws what an unbound form with this initial value draws."""
    unbound = _Pick(initial={"community": pk})
    unbound.fields = form.fields
    return unbound
