"""The shared way a page's steps are taken: done, a mistake on its field with what was typed kept, or refused by
the state with a message and a redirect the browser follows with GET."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from comity.foundation.steps import Step, apply_errors, posted_step, refuse, take

PAGE = "/c/1/things/5/"


class NameForm(forms.Form):
    name = forms.CharField(max_length=10)


def _request(data: dict[str, str]) -> HttpRequest:
    request = RequestFactory().post(PAGE, data)
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


def _said(request: HttpRequest) -> list[str]:
    return [str(m) for m in get_messages(request)]


def _page(form: NameForm) -> Any:
    return lambda: HttpResponse(f"page {form['name'].value()} {form.errors.get('name', '')}")


def test_a_done_step_says_so_and_goes_to_its_place_on_the_page() -> None:
    request = _request({"step": "rename", "name": "Lotus"})
    form = NameForm(request.POST)
    taken: list[dict[str, Any]] = []
    response = take(request, Step(form, taken.append, "Renamed.", "name"), PAGE, _page(form))
    assert (response.status_code, response["Location"]) == (302, PAGE + "#name")
    assert taken == [{"name": "Lotus"}]
    assert _said(request) == ["Renamed."]


def test_a_form_mistake_comes_back_on_the_page_with_what_was_typed() -> None:
    request = _request({"name": "Far too long a name"})
    form = NameForm(request.POST)
    taken: list[dict[str, Any]] = []
    response = take(request, Step(form, taken.append, "Renamed."), PAGE, _page(form))
    assert response.status_code == 400
    assert "Far too long a name" in response.content.decode()
    assert "at most 10 characters" in response.content.decode()
    assert taken == []
    assert _said(request) == []


def test_a_service_error_about_a_field_goes_on_that_field() -> None:
    def run(data: dict[str, Any]) -> None:
        raise ValidationError({"title": ["That name is taken."]})

    request = _request({"name": "Lotus"})
    form = NameForm(request.POST)
    response = take(request, Step(form, run, rename={"title": "name"}), PAGE, _page(form))
    assert response.status_code == 400
    assert form.errors["name"] == ["That name is taken."]
    assert "Lotus" in response.content.decode()


def test_a_step_the_state_refuses_is_a_see_other_to_the_page_with_the_reason() -> None:
    request = _request({"name": "Lotus"})
    form = NameForm(request.POST)

    def run(data: dict[str, Any]) -> None:
        raise ValidationError("The thing was closed meanwhile.")

    response = take(request, Step(form, run, "Renamed.", "name"), PAGE, _page(form))
    assert (response.status_code, response["Location"]) == (303, PAGE + "#name")
    assert _said(request) == ["The thing was closed meanwhile."]


def test_a_failed_check_refuses_before_the_form_is_read() -> None:
    request = _request({"name": "Far too long a name"})
    form = NameForm(request.POST)

    def check() -> None:
        raise ValidationError("Closed.")

    response = take(request, Step(form, lambda d: None, check=check), PAGE, _page(form))
    assert (response.status_code, response["Location"]) == (303, PAGE)
    assert _said(request) == ["Closed."]


def test_a_step_not_offered_is_refused_in_words() -> None:
    request = _request({"step": "gone"})
    response = take(request, None, PAGE, lambda: HttpResponse("page"))
    assert (response.status_code, response["Location"]) == (303, PAGE)
    assert _said(request) == ["That step is not possible at this stage. The page now shows what can be done."]


def test_an_inline_step_shows_an_unnamed_error_on_its_form() -> None:
    request = _request({"name": "Lotus"})
    form = NameForm(request.POST)

    def run(data: dict[str, Any]) -> None:
        raise ValidationError("These figures cannot be shared.")

    response = take(request, Step(form, run, inline=True), PAGE, _page(form))
    assert response.status_code == 400
    assert form.non_field_errors() == ["These figures cannot be shared."]
    assert _said(request) == []


def test_after_runs_with_what_the_step_returned() -> None:
    request = _request({"name": "Lotus"})
    form = NameForm(request.POST)
    seen: list[Any] = []
    step = Step(
        form, lambda d: d["name"].upper(), then="/elsewhere/", after=lambda r, result: seen.append(result)
    )
    response = take(request, step, PAGE, _page(form))
    assert (response.status_code, response["Location"]) == (302, "/elsewhere/")
    assert seen == ["LOTUS"]


def test_the_posted_step_and_its_default() -> None:
    assert posted_step(_request({"step": "extend"})) == "extend"
    assert posted_step(_request({}), "vote") == "vote"


def test_apply_errors_leaves_an_unnamed_error_to_the_caller() -> None:
    form = NameForm({"name": "x"})
    assert not apply_errors(form, ValidationError("Closed."))
    assert form.errors == {}
    assert apply_errors(form, ValidationError({"other": ["About the whole form."]}))
    assert form.non_field_errors() == ["About the whole form."]


def test_refuse_speaks_each_reason() -> None:
    request = _request({})
    response = refuse(request, PAGE, ["One.", "Two."])
    assert response.status_code == 303
    assert _said(request) == ["One.", "Two."]


def test_where_a_step_leads_may_follow_from_what_it_made() -> None:
    request = _request({"name": "Lotus"})
    form = NameForm(request.POST)
    step = Step(form, lambda d: 42, "Made.", then=lambda made: f"/things/{made}/")
    response = take(request, step, PAGE, _page(form))
    assert (response.status_code, response["Location"]) == (302, "/things/42/")
