"""A volunteer's own pages: My volunteering and the printable certificate with the year's statement."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from comity.engine.volunteering import star_level
from comity.foundation.services import require
from comity.volunteers.selectors.mine import person_of, summary, verified_hours, year_claims

STARS = range(1, 6)


@login_required
def my_volunteering(request: HttpRequest) -> HttpResponse:
    """Verified hours, pending claims, stars, the time-bank balance and the account's ledger entries."""
    require(request.user, "volunteers.see_own")
    found = summary(person_of(request.user))
    years = sorted({claim.served_on.year for claim in found.recent}, reverse=True)
    return render(
        request,
        "volunteers/mine.html",
        {"s": found, "stars": STARS, "years": years, "this_year": timezone.localdate().year},
    )


@login_required
def certificate(request: HttpRequest, year: int) -> HttpResponse:
    """A printable certificate: the volunteer's stars and total hours, and the year's verified hours line by line."""
    require(request.user, "volunteers.see_own")
    person = person_of(request.user)
    if person is None or not 2000 <= year <= timezone.localdate().year:
        raise Http404
    lines = list(year_claims(person, year))
    year_total = year_claims(person, year).aggregate(total=Sum("hours"))["total"] or Decimal(0)
    total = verified_hours(person)
    context = {
        "person": person,
        "year": year,
        "lines": lines,
        "year_total": year_total,
        "total": total,
        "stars": star_level(total),
        "star_range": STARS,
        "today": timezone.localdate(),
    }
    return render(request, "volunteers/certificate.html", context)
