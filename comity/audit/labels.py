"""What each audit action code means, in the reader's language, and the recorded changes in words.

Every code a service passes to :func:`comity.foundation.audit.record_audit` has a label here;
``tests/apps/test_audit_labels.py`` walks every ``record_audit(`` call in the code and fails for a code without one.
The audit log page never shows a raw code or a stored value such as ``eligible``: values of a field with choices are
shown by their label, true/false as yes/no.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ACTION_LABELS: dict[str, Any] = {
    # Sign-in and passwords
    "accounts.issue_sign_in_code": _("Sign-in code given to a resident"),
    "accounts.password_change": _("Password changed"),
    "accounts.password_reset": _("Password reset by e-mail"),
    "accounts.set_password_with_code": _("Password set with a sign-in code"),
    "accounts.unlock_sign_in": _("Sign-in unlocked"),
    # Appeals
    "appeal.submit": _("Appeal sent"),
    "appeal.dispatch": _("Appeal passed to who handles it"),
    "appeal.sign_for": _("Appeal accepted by who handles it"),
    "appeal.dispute": _("Handling of an appeal disputed"),
    "appeal.reject_dispute": _("Dispute of an appeal turned down"),
    "appeal.redispatch": _("Appeal passed to someone else"),
    "appeal.start": _("Work on an appeal started"),
    "appeal.reply": _("Appeal answered"),
    "appeal.close": _("Appeal closed"),
    "appeal.visit": _("Resident asked afterwards"),
    "appeal.rate": _("Appeal rated"),
    "appeal.reopen": _("Appeal reopened"),
    "appeal.withdraw": _("Appeal withdrawn"),
    "appeal.merge": _("Appeals joined into one"),
    "appeal.remind": _("Handler reminded of the time limit"),
    "appeal.escalate": _("Appeal sent up to the street office"),
    "appeal.note": _("Note added to an appeal"),
    "appeal.followed": _("Appeal followed"),
    "appeal.unfollowed": _("Appeal no longer followed"),
    "appeal.me_too": _("“Me too” added to an appeal"),
    "appeal.me_too_withdrawn": _("“Me too” taken back"),
    "appeal_settings.update": _("Appeal settings changed"),
    "appeals.export_rates": _("Appeal figures downloaded"),
    "time_limit_policy.create": _("Time limit added"),
    "time_limit_policy.update": _("Time limit changed"),
    "time_limit_policy.delete": _("Time limit removed"),
    "reply_template.create": _("Reply template added"),
    "reply_template.update": _("Reply template changed"),
    "reply_template.delete": _("Reply template removed"),
    # Community budget and funds
    "budgeting.fund_created": _("Fund set up"),
    "budgeting.entry_income": _("Income recorded in a fund"),
    "budgeting.entry_allocation": _("Money set aside for a project"),
    "budgeting.entry_disbursement": _("Payment recorded"),
    "budgeting.entry_return": _("Unspent money returned"),
    "budgeting.imported": _("Budget vote imported from a file"),
    "budgeting.cycle_created": _("Budget round prepared"),
    "budgeting.cycle_cancelled": _("Budget round cancelled"),
    "budgeting.cycle_closed": _("Budget vote closed and projects funded"),
    "budgeting.proposals_opened": _("Budget round opened for proposals"),
    "budgeting.review_started": _("Proposals closed and review started"),
    "budgeting.voting_opened": _("Budget vote opened"),
    "budgeting.proposal_submitted": _("Project proposed"),
    "budgeting.proposal_withdrawn": _("Project proposal withdrawn"),
    "budgeting.proposal_reviewed": _("Project proposal reviewed"),
    "budgeting.proposal_costed": _("Project costed"),
    "budgeting.proposal_supported": _("Project proposal supported"),
    "budgeting.support_withdrawn": _("Support for a proposal taken back"),
    "budgeting.proposal_followed": _("Project proposal followed"),
    "budgeting.proposal_unfollowed": _("Project proposal no longer followed"),
    "budgeting.comment_added": _("Comment on a proposal"),
    "budgeting.comment_hidden": _("Comment on a proposal hidden"),
    "budgeting.comment_restored": _("Comment on a proposal shown again"),
    "budgeting.ballot_cast": _("Budget ballot cast"),
    "budgeting.ballot_replaced": _("Budget ballot changed"),
    "budgeting.milestone_added": _("Project step added"),
    "budgeting.milestone_done": _("Project step done"),
    "budgeting.project_accepted": _("Finished project accepted"),
    "budgeting.project_rated": _("Finished project rated"),
    "budgeting.district_added": _("Budget district added"),
    # Personal information
    "privacy.retention_run": _("Retention job run"),
    "privacy.access_alert": _("Unusual access raised"),
    "privacy.review_alert": _("Unusual access reviewed"),
    "privacy.give_consent": _("Consent given"),
    "privacy.record_consent": _("Consent recorded in person or on paper"),
    "privacy.withdraw_consent": _("Consent withdrawn"),
    "privacy.ask": _("Request about personal data made"),
    "privacy.carry_out": _("Request about personal data carried out"),
    "privacy.refuse": _("Request about personal data refused"),
    "privacy.answer_review": _("Automatic step reviewed by a person"),
    "privacy.withdraw_request": _("Request about personal data withdrawn"),
    "person.correct": _("Person's record corrected"),
    # Consultations
    "consultation.create": _("Consultation prepared"),
    "consultation.update": _("Consultation changed"),
    "consultation.publish": _("Consultation opened"),
    "consultation.statement_add": _("Statement added to a consultation"),
    "consultation.moderate": _("Statement checked"),
    "consultation.decision_draft": _("Decision drafted from a consultation"),
    "consultation.import": _("Consultation imported from Pol.is"),
    "consultation.export": _("Consultation downloaded"),
    # Decisions
    "decisions.create": _("Decision prepared"),
    "decisions.update": _("Decision changed"),
    "decisions.affected": _("Affected homes changed"),
    "decisions.cost_plan": _("Cost sharing worked out"),
    "decisions.open": _("Voting opened"),
    "decisions.extend": _("Voting extended"),
    "decisions.close": _("Voting closed"),
    "decisions.cancel": _("Decision cancelled"),
    "decisions.minutes": _("Minutes recorded"),
    "decisions.proxy": _("Proxy recorded"),
    "decisions.mediation": _("Mediation recorded"),
    "decisions.objection": _("Objection raised"),
    "decisions.objection_withdrawn": _("Objection withdrawn"),
    "decisions.minority_statement": _("Minority statement published"),
    "decisions.paper_entered": _("Paper ballot typed in"),
    "decisions.paper_checked": _("Paper ballot checked and counted"),
    "decisions.paper_rejected": _("Paper ballot sent back"),
    # Registry
    "claim.submit": _("Resident asked to be confirmed"),
    "claim.confirm": _("Resident confirmed"),
    "claim.reject": _("Resident's request turned down"),
    "registry.import": _("Registry imported from a spreadsheet"),
    "registry.export": _("Registry downloaded"),
    "responsibility.create": _("Responsibility added"),
    "responsibility.update": _("Responsibility changed"),
    "responsibility.delete": _("Responsibility removed"),
    "subject.create": _("Organisation registered"),
    "subject.update": _("Organisation changed"),
    "membership.add": _("Member added"),
    "membership.end": _("Member's role ended"),
    "demo.generated": _("Demo data created"),
    # Activities (comity/activities)
    "activity.create": _("Activity announced"),
    "activity.update": _("Activity changed"),
    "activity.capacity": _("Activity's places changed"),
    "activity.publish": _("Activity published"),
    "activity.cancel": _("Activity cancelled"),
    "registration.create": _("Registered for an activity"),
    "registration.waitlist": _("Wait-listed for an activity"),
    "registration.cancel": _("Activity registration cancelled"),
    "registration.promote": _("Moved up from an activity's wait-list"),
    "registration.check_in": _("Checked in at an activity"),
    # Volunteers and the time bank (comity/volunteers)
    "volunteers.record_hours": _("Volunteer hours recorded"),
    "volunteers.record_activity_hours": _("Volunteer hours recorded for an activity"),
    "volunteers.verify_hours": _("Volunteer hours verified and deposited"),
    "volunteers.reject_hours": _("Volunteer hours rejected"),
    "volunteers.revoke_hours": _("Verified volunteer hours revoked"),
    "volunteers.redeem": _("Time-bank hours redeemed for a service"),
    "volunteers.transfer": _("Time-bank hours transferred to a family member"),
    "volunteers.set_policy": _("Time-bank policy set"),
    "volunteers.post_roll": _("Roll of honour posted"),
    # Community organisations (comity/ngos)
    "ngos.profile_created": _("Organisation's profile created"),
    "ngos.profile_updated": _("Organisation's profile changed"),
    "ngos.offer_added": _("Service added to an organisation's catalogue"),
    "ngos.offer_withdrawn": _("Service withdrawn from an organisation's catalogue"),
    "ngos.filing_saved": _("Filing saved"),
    "ngos.filing_submitted": _("Filing sent to the committee"),
    "ngos.filing_reviewed": _("Filing reviewed by the committee"),
    "ngos.filing_approved": _("Filing approved by the street office"),
    "ngos.filing_refused": _("Filing refused by the street office"),
    "ngos.incubation_applied": _("Organisation entered for incubation"),
    "ngos.incubation_moved": _("Incubation stage changed"),
    "ngos.support_recorded": _("Incubation support recorded"),
    "ngos.hosted_money": _("Hosted money recorded"),
    "ngos.grade_recorded": _("Organisation's grade recorded"),
}

#: Stored words in summaries (e.g. a review's verdict) and changes, in the reader's language.
VALUE_LABELS: dict[str, Any] = {
    "eligible": pgettext_lazy("proposal review verdict", "eligible"),
    "not eligible": pgettext_lazy("proposal review verdict", "not eligible"),
    "csv": "CSV",
    "xlsx": "Excel (XLSX)",
}

#: Names of recorded changes that are not fields of the object.
CHANGE_LABELS: dict[str, Any] = {
    "before": _("Before"),
    "after": _("After"),
    "rows": _("Rows"),
    "format": _("File format"),
    "period": _("Period"),
    "reason": _("Reason"),
    "id": pgettext_lazy("audit change", "Number"),
    "lead": pgettext_lazy("audit change", "Leads"),
    "co_handlers": pgettext_lazy("audit change", "Helps"),
    "scope": pgettext_lazy("audit change", "Where"),
    "subject": pgettext_lazy("audit change", "Organisation"),
    "created": pgettext_lazy("audit change", "Added"),
    "updated": pgettext_lazy("audit change", "Updated"),
    "households": pgettext_lazy("audit change", "Households"),
    "persons": pgettext_lazy("audit change", "People"),
    "units": pgettext_lazy("audit change", "Units"),
    "ended_ownerships": pgettext_lazy("audit change", "Ownerships ended"),
    "file": pgettext_lazy("audit change", "File"),
    "files": pgettext_lazy("audit change", "Files"),
    "seed": pgettext_lazy("audit change", "Seed"),
    "statements": pgettext_lazy("audit change", "Statements"),
    "seed_statements_added": pgettext_lazy("audit change", "Statements added"),
    "votes": pgettext_lazy("audit change", "Votes"),
    "participants": pgettext_lazy("audit change", "Participants"),
    "appeals": pgettext_lazy("audit change", "Appeals"),
    "appeals_until": pgettext_lazy("audit change", "Appeals up to"),
    "source": pgettext_lazy("audit change", "Source"),
    "is_meta": pgettext_lazy("audit change", "About the consultation itself"),
    "text": pgettext_lazy("audit change", "Text"),
    "title": pgettext_lazy("audit change", "Title"),
    "notes": pgettext_lazy("audit change", "Notes"),
    "category": pgettext_lazy("audit change", "Kind of matter"),
    "hours": pgettext_lazy("audit change", "Hours"),
    "time_limit_hours": pgettext_lazy("audit change", "Time limit (hours)"),
    "urgency": pgettext_lazy("audit change", "Urgency"),
    "clock": pgettext_lazy("audit change", "Counted in"),
}


def action_label(action: str) -> str:
    """The action in words; an unknown code (from an older version) as its kind, never the bare code."""
    label = ACTION_LABELS.get(action)
    if label is not None:
        return str(label)
    return str(_("Other change"))


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type) if object_type else None
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def show_value(value: Any, field: models.Field[Any, Any] | None = None) -> str:
    """A stored value as a reader should see it."""
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(show_value(item, field) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{change_label(key, None)}: {show_value(item)}" for key, item in value.items())
    if field is not None and field.choices:
        choices = {str(key): label for key, label in field.flatchoices}
        if str(value) in choices:
            return str(choices[str(value)])
    if isinstance(value, str) and value in VALUE_LABELS:
        return str(VALUE_LABELS[value])
    return str(value)


def change_label(name: str, field: models.Field[Any, Any] | None) -> str:
    if name in CHANGE_LABELS:
        return str(CHANGE_LABELS[name])
    if field is not None:
        return str(field.verbose_name)[:1].upper() + str(field.verbose_name)[1:]
    return name.replace("_", " ")


def describe_changes(object_type: str, changes: dict[str, Any]) -> list[tuple[str, str]]:
    """The recorded changes as (what, in words) rows: ``before → after`` for a changed field."""
    model = _model(object_type)
    rows: list[tuple[str, str]] = []
    for name, value in changes.items():
        if name in {"before", "after"} and isinstance(value, dict):
            prefix = str(CHANGE_LABELS[name])
            rows += [(f"{prefix}: {label}", text) for label, text in describe_changes(object_type, value)]
            continue
        field = _field(model, name)
        if isinstance(value, list) and len(value) == 2 and not isinstance(value[0], (list, dict)):
            text = f"{show_value(value[0], field)} → {show_value(value[1], field)}"
        else:
            text = show_value(value, field)
        rows.append((change_label(name, field), text))
    return rows


def translate_params(object_type: str, params: dict[str, str]) -> dict[str, str]:
    """A summary's values with stored words (a choice value, a verdict) in the reader's language."""
    model = _model(object_type)
    return {key: show_value(value, _field(model, key)) if value else value for key, value in params.items()}
