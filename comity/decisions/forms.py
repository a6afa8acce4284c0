"""Forms of the decision pages. They parse and label; the services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from comity.decisions.models import (
    BallotKind,
    CostMethod,
    Decision,
    Elector,
    Impact,
    MediationOutcome,
)
from comity.decisions.selectors import retable_candidates, scope_areas, subjects_for
from comity.decisions.services.drafting import MAX_OPTIONS
from comity.decisions.services.inputs import CostPlanData, DecisionData
from comity.engine.decisions.rules import PRESETS
from comity.engine.money import Fen, yuan_to_fen
from comity.structure.fields import in_natural_order
from comity.structure.models import Area, Community, Person, Unit

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
#: Years a vote's times may fall in. Outside them a typo (0202, 9999) would overflow the conversion to UTC.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def sane_moment(value: Any) -> None:
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise forms.ValidationError(
            _("Give a date between the years %(first)s and %(last)s."),
            code="out_of_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _model_field(form: forms.BaseForm, name: str) -> Any:
    """A choice field of ``form`` whose queryset, choices or labels a form sets per request."""
    return form.fields[name]


def rule_choices() -> list[tuple[str, str]]:
    chinese = (get_language() or "").startswith("zh")
    return [(name, rule.title_zh if chinese else rule.title) for name, rule in PRESETS.items()]


class DecisionForm(forms.ModelForm):  # type: ignore[type-arg]
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For an approval or ranked ballot: one option per line."),
    )

    class Meta:
        model = Decision
        fields = [
            "title",
            "agenda",
            "rule_name",
            "area",
            "subject",
            "ballot_kind",
            "options",
            "max_approvals",
            "secret",
            "opens_at",
            "closes_at",
            "retables",
        ]
        widgets = {
            "agenda": forms.Textarea(attrs={"rows": 6}),
            "opens_at": DATETIME_WIDGET,
            "closes_at": DATETIME_WIDGET,
        }

    def __init__(self, *args: Any, community: Community, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule_name"] = forms.ChoiceField(
            label=_("Decision rule"), choices=rule_choices(), initial="civil-code-278-ordinary"
        )
        _model_field(self, "area").queryset = Area.objects.filter(
            pk__in=[a.pk for a in scope_areas(community)]
        )
        in_natural_order(self.fields["area"])
        _model_field(self, "subject").queryset = subjects_for(community)
        _model_field(self, "retables").queryset = retable_candidates(community)
        self.fields["retables"].required = False
        for name in ("opens_at", "closes_at"):
            self.fields[name].validators.append(sane_moment)
        # The same bound on every database (the model field's own maximum is the database's integer range).
        self.fields["max_approvals"] = forms.IntegerField(
            label=self.fields["max_approvals"].label,
            help_text=self.fields["max_approvals"].help_text,
            required=False,
            min_value=1,
            max_value=MAX_OPTIONS,
            error_messages={
                "max_value": _(
                    "A limit applies only to an approval ballot, and to no more than its number of options."
                )
            },
        )
        if self.instance.pk:
            self.fields["options"].initial = "\n".join(o.label for o in self.instance.options.all())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens_at, closes_at = data.get("opens_at"), data.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", _("Voting must close after it opens."))
        return data

    def option_list(self) -> list[str]:
        return [
            line.strip() for line in (self.cleaned_data.get("options") or "").splitlines() if line.strip()
        ]

    def data_for_service(self) -> DecisionData:
        data = {key: self.cleaned_data.get(key) for key in self.Meta.fields if key != "options"}
        return cast(DecisionData, data)


class AffectedUnitForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    impact = forms.ChoiceField(label=_("How it is affected"), choices=Impact.choices)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "unit").queryset = units


def _fen(value: Decimal | None) -> Fen | None:
    """Yuan as typed, to the nearest fen (half to even, as ``Decimal`` rounds)."""
    return None if value is None else yuan_to_fen(value.quantize(Decimal("0.01")))


#: Floors a building may have (basements below zero), and the largest compensation per unit, in CNY.
LOWEST_FLOOR, HIGHEST_FLOOR = -10, 200
MAX_COST = Decimal("1000000000")
MAX_COEFFICIENT = Decimal("100")


def _floor_map(text: str, *, maximum: Decimal) -> dict[str, str]:
    """``3: 10, 4: 20`` or one per line → ``{"3": "10", "4": "20"}``; a clear error otherwise."""
    values: dict[str, str] = {}
    for part in text.replace("\n", ",").replace("，", ",").split(","):
        if not part.strip():
            continue
        floor, sep, value = part.replace("：", ":").partition(":")
        try:
            number = Decimal(value.strip())
            if not sep or not number.is_finite() or number < 0:
                raise InvalidOperation
            floor_number = int(floor.strip())
        except (InvalidOperation, ValueError) as error:
            raise forms.ValidationError(
                _("Write “floor: value” pairs separated by commas, e.g. 3: 10, 4: 20 (not “%(part)s”).")
                % {"part": part.strip()}
            ) from error
        if not LOWEST_FLOOR <= floor_number <= HIGHEST_FLOOR:
            raise forms.ValidationError(
                _("Floors run from %(low)s to %(high)s (not “%(part)s”).")
                % {"low": LOWEST_FLOOR, "high": HIGHEST_FLOOR, "part": part.strip()}
            )
        if number > maximum:
            raise forms.ValidationError(
                _("A value may be at most %(max)s (not “%(part)s”).") % {"max": maximum, "part": part.strip()}
            )
        values[str(floor_number)] = str(number)
    return values


class CostPlanForm(forms.Form):
    total = forms.DecimalField(
        label=_("Total cost (CNY)"),
        min_value=Decimal("0"),
        max_value=MAX_COST,
        decimal_places=2,
        max_digits=14,
    )
    method = forms.ChoiceField(label=_("How the cost is shared"), choices=CostMethod.choices)
    floor_values = forms.CharField(
        label=_("Values per floor"),
        required=False,
        help_text=_(
            "Percentage per floor for a floor table (e.g. 3: 10, 4: 20, 5: 30, 6: 40), or a coefficient per floor "
            "(e.g. 1: 0, 2: 0, 3: 0.7); empty for the usual coefficients."
        ),
    )
    subsidy_percent = forms.DecimalField(
        label=_("Subsidy (percent of the cost)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
        max_digits=5,
        required=False,
    )
    subsidy_cap = forms.DecimalField(
        label=_("Subsidy cap (CNY)"),
        min_value=Decimal("0"),
        max_value=MAX_COST,
        decimal_places=2,
        max_digits=14,
        required=False,
    )
    compensation = forms.CharField(
        label=_("Compensation per unit by floor (CNY)"),
        required=False,
        help_text=_("e.g. 1: 5000, 2: 2000 pays each unit of floor 1 CNY 5,000."),
    )

    def clean_floor_values(self) -> dict[str, str]:
        # percentages of a floor table are at most 100; coefficients are checked against the same bound
        return _floor_map(self.cleaned_data.get("floor_values") or "", maximum=MAX_COEFFICIENT)

    def clean_compensation(self) -> dict[str, str]:
        return _floor_map(self.cleaned_data.get("compensation") or "", maximum=MAX_COST)

    def data_for_service(self) -> CostPlanData:
        data = self.cleaned_data
        return {
            "total_fen": yuan_to_fen(Decimal(data["total"]).quantize(Decimal("0.01"))),
            "method": data["method"],
            "floor_values": data["floor_values"],
            "subsidy_percent": data.get("subsidy_percent") or Decimal("0"),
            "subsidy_cap_fen": _fen(data.get("subsidy_cap")),
            "compensation": {
                k: yuan_to_fen(Decimal(v).quantize(Decimal("0.01"))) for k, v in data["compensation"].items()
            },
        }


class ExtendForm(forms.Form):
    closes_at = forms.DateTimeField(
        label=_("New closing time"), widget=DATETIME_WIDGET, validators=[sane_moment]
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000, required=False
    )


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Your statement"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    elector = forms.IntegerField(widget=forms.HiddenInput)


class MediationForm(forms.Form):
    objection = forms.ChoiceField(label=_("About"), required=False)
    held_on = forms.DateField(
        label=_("Held on"), widget=DATE_WIDGET, initial=timezone.localdate, validators=[sane_moment]
    )
    attendees = forms.CharField(label=_("Who took part"), max_length=500)
    record = forms.CharField(label=_("Record"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=MediationOutcome.choices)

    def __init__(self, *args: Any, objections: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "objection").choices = [("", _("The proposal as a whole"))] + [
            (str(o.pk), f"#{o.pk} · {o.text[:60]}") for o in objections
        ]


class ProxyForm(forms.Form):
    elector = forms.ModelChoiceField(label=_("Elector"), queryset=Elector.objects.none())
    proxy = forms.ModelChoiceField(label=_("Proxy"), queryset=Person.objects.none())
    document = forms.CharField(
        label=_("Written authorization"),
        max_length=200,
        help_text=_("Where the signed authorization is kept, e.g. its file number."),
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE_WIDGET, validators=[sane_moment])

    def __init__(self, *args: Any, electors: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "elector").queryset = electors
        _model_field(self, "elector").label_from_instance = lambda e: f"{e.units} · {e.name}"
        _model_field(self, "proxy").queryset = people


class PaperBallotForm(forms.Form):
    elector = forms.ModelChoiceField(label=_("Elector"), queryset=Elector.objects.none())
    reference = forms.CharField(label=_("Number on the paper ballot"), max_length=60)

    def __init__(self, *args: Any, electors: Any, decision: Decision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "elector").queryset = electors
        _model_field(self, "elector").label_from_instance = lambda e: f"{e.units} · {e.name}"
        add_ballot_fields(self, decision)
        if "choice" in self.fields:
            self.fields["choice"].label = _("Marked on the paper")


def add_ballot_fields(form: forms.Form, decision: Decision) -> None:
    """The choice fields of the decision's ballot: yes/no/abstain, approvals, or a rank per option."""
    if decision.ballot_kind == BallotKind.MOTION:
        form.fields["choice"] = forms.ChoiceField(
            label=_("Choice"),
            choices=[
                ("yes", pgettext_lazy("ballot choice", "Yes")),
                ("no", pgettext_lazy("ballot choice", "No")),
                ("abstain", pgettext_lazy("ballot choice", "Abstain")),
            ],
            widget=forms.RadioSelect,
        )
    elif decision.ballot_kind == BallotKind.APPROVAL:
        form.fields["selection"] = forms.MultipleChoiceField(
            label=_("Options approved"),
            choices=[(str(o.position), o.label) for o in decision.options.all()],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
    else:
        count = decision.options.count()
        for option in decision.options.all():
            form.fields[f"rank_{option.position}"] = forms.TypedChoiceField(
                label=option.label,
                choices=[("", "–")] + [(str(i), str(i)) for i in range(1, count + 1)],
                coerce=int,
                required=False,
            )


def ballot_values(form: forms.Form, decision: Decision) -> dict[str, Any]:
    if decision.ballot_kind == BallotKind.MOTION:
        return {"choice": form.cleaned_data.get("choice")}
    if decision.ballot_kind == BallotKind.APPROVAL:
        return {"selection": form.cleaned_data.get("selection") or []}
    return {
        "selection": {
            name.removeprefix("rank_"): value
            for name, value in form.cleaned_data.items()
            if name.startswith("rank_") and value not in (None, "")
        }
    }


class BallotForm(forms.Form):
    """One ballot; the elector it is for travels as a plain ``elector`` field and the service checks it."""

    def __init__(self, *args: Any, decision: Decision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_ballot_fields(self, decision)


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"), max_length=40, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
