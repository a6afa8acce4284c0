"""Requests about one's personal data (PIPL Arts. 24, 46–47, 50): to correct it, to delete it, or to have an
automatic step reviewed by a person.

A resident asks from My account (``ask``), or staff enter a request made in person (``record_request``). The
committee answers within 15 working days of its working calendar (the one its appeals' time limits use): it
carries out a correction in the registry, carries out a deletion through the declared holdings (what the law needs
is kept, and the answer says why), answers a review, or refuses with reasons. The requester may withdraw a request
while it is open. Every step is audited; a new request tells the committee, an answer tells the requester.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.appeals.models import Appeal
from comity.appeals.recipients import staff_of
from comity.engine.privacy import BY_CODE
from comity.foundation.audit import record_audit
from comity.foundation.services import Actor, lock, require, service
from comity.notifications.services import notify
from comity.privacy.erasure import erase_person_data, kept_reasons
from comity.privacy.models import Consent, RequestKind, RequestStatus, RightsRequest
from comity.privacy.selectors.requests import due_after
from comity.privacy.services.consent import withdraw_consent
from comity.structure.models import GovernanceSubject, Person, SubjectKind
from comity.structure.services.people import CORRECTABLE_FIELDS, correct_person
from comity.structure.services.people import _clean_correction as clean_correction

DETAILS_MAX = 2000
ANSWER_MAX = 4000
PROPOSED_MAX = 200
#: Outcomes of the privacy app's own records (the request's record, proof of consent, the access log) are kept by
#: design and said in the answer, but do not make a deletion "partly" carried out.
BOOKKEEPING = frozenset({"privacy.RightsRequest", "privacy.Consent", "privacy.AccessRecord"})


def _committee_staff(community_id: int) -> list[Any]:
    committees = GovernanceSubject.objects.filter(
        community=community_id, kind=SubjectKind.RESIDENTS_COMMITTEE, is_active=True
    )
    return list(staff_of(committees))


def _text(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError({field: [_("Write at most %(max)d characters.") % {"max": limit}]})
    return value


def _review_target(person: Person, user: Any, target: str) -> str:
    """A review is of one of the person's own appeals ("appeal:<id>") or of an automatic step they describe."""
    if not target:
        return ""
    kind, _sep, raw = target.partition(":")
    if kind == "appeal" and raw.isdigit():
        mine = Appeal.objects.filter(pk=int(raw), community_id=person.community_id)
        if mine.filter(requester=person).exists() or (
            user is not None and mine.filter(requester_user=user).exists()
        ):
            return target
    raise ValidationError({"target": [_("Choose one of your appeals, or describe the step in the details.")]})


def _clean(
    person: Person, user: Any, kind: str, target: str, proposed: str, details: str
) -> tuple[str, str, str]:
    """The request's fields as stored, or ``ValidationError`` keyed by the form's fields."""
    details = _text(details, "details", DETAILS_MAX)
    proposed = _text(proposed, "proposed", PROPOSED_MAX)
    target = (target or "").strip()[:60]
    if kind == RequestKind.CORRECTION:
        if target not in CORRECTABLE_FIELDS:
            raise ValidationError({"target": [_("Choose what to correct.")]})
        try:
            cleaned = clean_correction(target, proposed)
        except ValidationError as error:
            raise ValidationError({"proposed": error.messages}) from None
        return target, "" if cleaned is None else str(cleaned), details
    if kind == RequestKind.DELETION:
        if target != "all" and target not in BY_CODE:
            raise ValidationError({"target": [_("Choose all your data or one kind of it.")]})
        return target, "", details
    if kind == RequestKind.REVIEW:
        target = _review_target(person, user, target)
        if not details:
            raise ValidationError(
                {"details": [_("Say what was decided automatically and why it seems wrong.")]}
            )
        return target, "", details
    raise ValidationError({"kind": [_("Choose what you are asking for.")]})


def _create(
    actor: Actor, person: Person, user: Any, kind: str, fields: tuple[str, str, str]
) -> RightsRequest:
    target, proposed, details = fields
    if RightsRequest.objects.filter(
        person=person, kind=kind, target=target, proposed=proposed, status=RequestStatus.OPEN
    ).exists():
        raise ValidationError(_("You already asked for this; the request is open."))
    now = timezone.now()
    request = RightsRequest.objects.create(
        community=person.community,
        person=person,
        user=user,
        kind=kind,
        target=target,
        proposed=proposed,
        details=details,
        recorded_by_id=actor.pk if user is None or actor.pk != user.pk else None,
        created_at=now,
        due_at=due_after(person.community, now),
    )
    record_audit(
        actor=actor,
        action="privacy.ask",
        obj=request,
        community=person.community,
        summary=gettext_noop("Request %(number)s about personal data: %(kind)s"),
        params={"number": request.pk, "kind": kind},
    )
    notify(
        _committee_staff(person.community_id),
        kind="privacy.request",
        summary=gettext_noop("A resident asked about their personal data (request %(number)s), due %(due)s."),
        params={"number": request.pk, "due": timezone.localtime(request.due_at).strftime("%Y-%m-%d")},
        url=reverse("privacy:handle_request", args=[request.community_id, request.pk]),
        community=person.community,
    )
    return request


@service
def ask(actor: Actor, kind: str, target: str = "", proposed: str = "", details: str = "") -> RightsRequest:
    """The signed-in person asks about their own data."""
    require(actor, "privacy.manage_own_data")
    person = Person.objects.select_related("community").filter(user_id=actor.pk).first()
    if person is None:
        raise ValidationError(
            _("Your account is not linked to the register yet: ask your residents' committee in person.")
        )
    return _create(actor, person, actor, kind, _clean(person, actor, kind, target, proposed, details))


@service
def record_request(
    actor: Actor, person: Person, kind: str, target: str = "", proposed: str = "", details: str = ""
) -> RightsRequest:
    """Staff enter a request a resident made in person (or on paper)."""
    require(actor, "privacy.record_consent", person.community)
    user = person.user if person.user_id else None
    return _create(actor, person, user, kind, _clean(person, user, kind, target, proposed, details))


def _open(actor: Actor, request: RightsRequest, kind: str | None = None) -> RightsRequest:
    request = lock(request, "community", "person", "user")
    require(actor, "privacy.handle_requests", request.community)
    if not request.is_open:
        raise ValidationError(_("This request has already been answered."))
    if kind is not None and request.kind != kind:
        raise ValidationError(_("This cannot be done with a request of this kind."))
    return request


def _answer(
    actor: Actor,
    request: RightsRequest,
    status: str,
    answer: str,
    step: str,
    outcome: dict[str, Any] | None = None,
) -> RightsRequest:
    request.status = status
    request.answer = answer
    request.answered_at = timezone.now()
    request.answered_by_id = actor.pk
    fields = ["status", "answer", "answered_at", "answered_by"]
    if outcome is not None:
        request.outcome = outcome
        fields.append("outcome")
    request.save(update_fields=fields)
    record_audit(
        actor=actor,
        action=f"privacy.{step}",
        obj=request,
        community=request.community,
        summary=gettext_noop("Request %(number)s about personal data answered: %(status)s"),
        params={"number": request.pk, "status": status},
        changes={"status": [RequestStatus.OPEN, status]},
    )
    if request.user_id is not None:
        notify(
            [request.user],
            kind="privacy.answer",
            summary=gettext_noop("Your request %(number)s about your personal data was answered."),
            params={"number": request.pk},
            url=reverse("privacy:my_request", args=[request.pk]),
            community=request.community,
        )
    return request


@service
def carry_out_correction(actor: Actor, request: RightsRequest, value: Any, answer: str = "") -> RightsRequest:
    """Correct the registry as asked (or with the value staff found right), through the registry's own service."""
    request = _open(actor, request, RequestKind.CORRECTION)
    if request.person is None:
        raise ValidationError(_("The person of this request is no longer in the register."))
    answer = _text(answer, "answer", ANSWER_MAX)
    try:
        person = correct_person(actor, request.person, request.target, value)
    except ValidationError as error:
        raise ValidationError({"value": error.messages}) from None
    request.person = person
    outcome = {"structure.Person": {"correct": 1}}
    return _answer(actor, request, RequestStatus.DONE, answer, "carry_out", outcome)


@service
def carry_out_deletion(actor: Actor, request: RightsRequest) -> RightsRequest:
    """Delete or anonymise what the request covers, as each holding declares; what the law needs is kept and the
    answer gives the reasons."""
    request = _open(actor, request, RequestKind.DELETION)
    categories = None if request.target in {"", "all"} else {request.target}
    # Consents to what is deleted end first: what depends on them stops (the contact consent's phone number).
    withdrawn = 0
    if request.person is not None:
        for consent in Consent.objects.filter(person=request.person, withdrawn_at__isnull=True).order_by(
            "pk"
        ):
            if categories is None or consent.category in categories:
                withdraw_consent(actor, consent)
                withdrawn += 1
    outcome = erase_person_data(person=request.person, user=request.user, categories=categories)
    reasons = kept_reasons(outcome)
    if withdrawn:
        outcome.setdefault("privacy.Consent", {})["withdraw"] = withdrawn
    kept_elsewhere = any(
        counts.get("keep", 0) for label, counts in outcome.items() if label not in BOOKKEEPING
    )
    status = RequestStatus.PARTLY if kept_elsewhere else RequestStatus.DONE
    answer = _("Deleted or made anonymous as asked.")
    if reasons:
        answer += (
            "\n" + _("Kept, because:") + "\n" + "\n".join(f"– {reason}" for reason in dict.fromkeys(reasons))
        )
    request.refresh_from_db(fields=["person", "user"])
    return _answer(actor, request, status, answer[:ANSWER_MAX], "carry_out", outcome)


@service
def refuse(actor: Actor, request: RightsRequest, reasons: str) -> RightsRequest:
    """Say no, with the reasons (PIPL Art. 50)."""
    request = _open(actor, request)
    reasons = _text(reasons, "reasons", ANSWER_MAX)
    if not reasons:
        raise ValidationError({"reasons": [_("Give the reasons for refusing.")]})
    return _answer(actor, request, RequestStatus.REFUSED, reasons, "refuse")


@service
def answer_review(actor: Actor, request: RightsRequest, answer: str) -> RightsRequest:
    """A person has reviewed the automatic step and answers (PIPL Art. 24)."""
    request = _open(actor, request, RequestKind.REVIEW)
    answer = _text(answer, "answer", ANSWER_MAX)
    if not answer:
        raise ValidationError({"answer": [_("Write what the review found.")]})
    return _answer(actor, request, RequestStatus.DONE, answer, "answer_review")


@service
def withdraw_request(actor: Actor, request: RightsRequest) -> RightsRequest:
    """The requester takes back an open request."""
    request = lock(request, "community")
    if (
        not getattr(actor, "is_authenticated", False)
        or request.user_id is None
        or request.user_id != actor.pk
    ):
        raise PermissionDenied
    if not request.is_open:
        raise ValidationError(_("This request has already been answered."))
    request.status = RequestStatus.WITHDRAWN
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answered_at"])
    record_audit(
        actor=actor,
        action="privacy.withdraw_request",
        obj=request,
        community=request.community,
        summary=gettext_noop("Request %(number)s about personal data withdrawn"),
        params={"number": request.pk},
        changes={"status": [RequestStatus.OPEN, RequestStatus.WITHDRAWN]},
    )
    return request
