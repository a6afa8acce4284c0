"""Grades on the 1000-point scale, recorded after the assessing body's evaluation."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from comity.engine.ngo_grading import (
    DEFAULT_MAXIMA,
    Dimension,
    ScoreError,
    band,
    check_scores,
    eligible_from,
    is_eligible,
    valid_until,
)
from comity.foundation.audit import record_audit
from comity.foundation.services import Actor, lock, require, service
from comity.ngos.models import Grade, OrganisationProfile
from comity.ngos.services.common import _user_id


def _score_errors(error: ScoreError) -> ValidationError:
    words = {
        "missing": _("Enter a score."),
        "negative": _("A score is 0 or more."),
    }
    found: dict[str, list[str]] = {}
    for key, code in error.problems.items():
        if code == "over_maximum":
            found[key] = [_("At most %(max)s points.") % {"max": DEFAULT_MAXIMA[Dimension(key)]}]
        else:
            found[key] = [words.get(code, _("Outside the 1000-point scale."))]
    return ValidationError(found)


@service
def record_grade(
    actor: Actor,
    profile: OrganisationProfile,
    *,
    scores: dict[Dimension, int],
    assessed_on: date,
    assessor: str,
) -> Grade:
    """A grade, refused before the organisation is eligible (two years registered or filed), for a date in the
    future, or for scores out of their bounds."""
    require(actor, "ngos.record_grade", profile)
    profile = lock(profile, "subject", "community")
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": [_("The assessment cannot be in the future.")]})
    if not is_eligible(profile.registered_or_filed_on, assessed_on):
        if profile.registered_or_filed_on is None:
            message = _("Not eligible: the organisation has no date of registration or filing.")
        else:
            message = _("Not eligible before %(date)s (two years after registration or filing).") % {
                "date": date_format(eligible_from(profile.registered_or_filed_on))
            }
        raise ValidationError({"assessed_on": [message]})
    try:
        total = check_scores(scores)
    except ScoreError as error:
        raise _score_errors(error) from error
    grade = Grade.objects.create(
        community_id=profile.community_id,
        profile=profile,
        total=total,
        band=band(total),
        assessed_on=assessed_on,
        valid_until=valid_until(assessed_on),
        assessor=assessor,
        recorded_by_id=_user_id(actor),
        **{dimension.value: scores[dimension] for dimension in Dimension},
    )
    record_audit(
        actor=actor,
        action="ngos.grade_recorded",
        obj=grade,
        community=profile.community,
        summary=gettext_noop("%(name)s graded %(band)s (%(total)s points)"),
        params={"name": profile.subject.name, "band": grade.band, "total": total},
    )
    return grade
