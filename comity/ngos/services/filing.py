"""The filing workflow: the organisation (or the committee for it) applies with documents; the committee reviews;
the street office approves, or refuses with reasons; a refused filing is corrected and submitted again."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.engine.ngo_grading import FILING_EDITABLE, may_move_filing
from comity.foundation.audit import record_audit
from comity.foundation.photos import strip_image_metadata
from comity.foundation.services import Actor, lock, require, service
from comity.ngos.models import Filing, FilingDocument, OrganisationProfile
from comity.ngos.services.common import _parties, _user_id

#: What a document may be, and how big.
DOCUMENT_TYPES = ("application/pdf", "image/jpeg", "image/png")
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_DOCUMENTS = 10


def _step(actor: Actor, filing: Filing, target: str) -> None:
    if not may_move_filing(filing.status, target, _parties(actor, filing)):
        raise PermissionDenied


def _check_document(upload: UploadedFile) -> None:
    if upload.content_type not in DOCUMENT_TYPES:
        raise ValidationError({"documents": [_("Send a PDF, JPEG or PNG file.")]})
    if (upload.size or 0) > MAX_DOCUMENT_BYTES:
        raise ValidationError({"documents": [_("Each file is at most 5 MB.")]})


def _attach(actor: Actor, filing: Filing, documents: list[tuple[str, UploadedFile]]) -> None:
    if filing.documents.count() + len(documents) > MAX_DOCUMENTS:
        raise ValidationError({"documents": [_("At most 10 documents.")]})
    for title, document in documents:
        _check_document(document)
        # A scanned charter photographed on a phone carries where it was taken: stored without it.
        upload = strip_image_metadata(document)
        FilingDocument.objects.create(
            community_id=filing.community_id,
            filing=filing,
            title=title[:120] or upload.name or "",
            file=upload,
            original_name=(upload.name or "")[:200],
            content_type=upload.content_type or "",
            size=upload.size or 0,
            uploaded_by_id=_user_id(actor),
        )


@service
def save_filing(
    actor: Actor,
    profile: OrganisationProfile,
    *,
    tier: str,
    purpose: str,
    members_count: int,
    documents: list[tuple[str, UploadedFile]] | None = None,
    submit: bool = False,
) -> Filing:
    """Write (or correct) the organisation's open application, with its documents; ``submit`` sends it."""
    require(actor, "ngos.file", profile)
    profile = lock(profile, "subject", "community")
    filing = Filing.objects.filter(profile=profile).exclude(status=Filing.Status.APPROVED).first()
    if filing is not None and filing.status not in FILING_EDITABLE:
        raise ValidationError(_("The application is being reviewed; it cannot be changed now."))
    if tier == "registered":
        raise ValidationError(
            {"tier": [_("Registration is with civil affairs; file for the street office.")]}
        )
    if members_count < 1:
        raise ValidationError({"members_count": [_("At least one member.")]})
    if filing is None:
        filing = Filing(community_id=profile.community_id, profile=profile, created_by_id=_user_id(actor))
    filing.tier, filing.purpose, filing.members_count = tier, purpose, members_count
    filing.save()
    _attach(actor, filing, documents or [])
    if submit:
        if not filing.documents.exists():
            raise ValidationError({"documents": [_("Attach at least the charter before sending.")]})
        _step(actor, filing, Filing.Status.SUBMITTED)
        filing.status = Filing.Status.SUBMITTED
        filing.submitted_at = timezone.now()
        filing.submitted_by_id = _user_id(actor)
        filing.save()
    if submit:
        record_audit(
            actor=actor,
            action="ngos.filing_submitted",
            obj=filing,
            community=profile.community,
            summary=gettext_noop("Filing of %(name)s sent to the committee"),
            params={"name": profile.subject.name},
        )
    else:
        record_audit(
            actor=actor,
            action="ngos.filing_saved",
            obj=filing,
            community=profile.community,
            summary=gettext_noop("Filing of %(name)s saved"),
            params={"name": profile.subject.name},
        )
    return filing


@service
def review_filing(actor: Actor, filing: Filing, *, supports: bool, note: str) -> Filing:
    """The residents' committee's review, passed on to the street office."""
    require(actor, "ngos.review_filing", filing)
    filing = lock(filing, "profile__subject", "community")
    if not note.strip():
        raise ValidationError({"note": [_("Write what the committee found.")]})
    _step(actor, filing, Filing.Status.REVIEWED)
    filing.status = Filing.Status.REVIEWED
    filing.committee_supports = supports
    filing.committee_note = note.strip()
    filing.reviewed_at = timezone.now()
    filing.reviewed_by_id = _user_id(actor)
    filing.save()
    record_audit(
        actor=actor,
        action="ngos.filing_reviewed",
        obj=filing,
        community=filing.community,
        summary=gettext_noop("Committee reviewed the filing of %(name)s"),
        params={"name": filing.profile.subject.name},
    )
    return filing


@service
def decide_filing(actor: Actor, filing: Filing, *, approve: bool, reasons: str = "") -> Filing:
    """The street office's decision; a refusal says why. Approval makes the tier the profile's."""
    require(actor, "ngos.decide_filing", filing)
    filing = lock(filing, "profile__subject", "community")
    target = Filing.Status.APPROVED if approve else Filing.Status.REFUSED
    if not approve and not reasons.strip():
        raise ValidationError(
            {"reasons": [_("Say why the filing is refused, so the organisation can correct it.")]}
        )
    _step(actor, filing, target)
    now = timezone.now()
    filing.status = target
    filing.street_reasons = reasons.strip()
    filing.decided_at = now
    filing.decided_by_id = _user_id(actor)
    filing.save()
    changes: dict[str, Any] = {}
    if approve:
        profile = lock(filing.profile)
        changes = {"tier": [profile.tier, filing.tier]}
        profile.tier = filing.tier
        profile.registered_or_filed_on = timezone.localdate(now)
        profile.save()
    params = {"name": filing.profile.subject.name, "reasons": filing.street_reasons}
    if approve:
        record_audit(
            actor=actor,
            action="ngos.filing_approved",
            obj=filing,
            community=filing.community,
            summary=gettext_noop("Filing of %(name)s approved"),
            params=params,
            changes=changes,
        )
    else:
        record_audit(
            actor=actor,
            action="ngos.filing_refused",
            obj=filing,
            community=filing.community,
            summary=gettext_noop("Filing of %(name)s refused: %(reasons)s"),
            params=params,
        )
    return filing
