"""The registry's read pages: a community's home, its structure map, responsibility matrix and subjects, and a
street's overview. Their bodies are cached parts (``comity.structure.fragments``): what only the body reads is
passed lazily, so a page served from the cache costs no query for it. ``versions.py`` says what else (beyond the
community's audited writes) makes them stale."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comity.foundation.caching import community_version, street_key
from comity.structure import selectors
from comity.structure.models import Community, GovernanceSubject, Street, SubjectKind


@login_required
def overview(request: HttpRequest, community_id: int) -> HttpResponse:
    community = selectors.get_community_for_user(request.user, community_id)
    # The page's body is a cached part (the template's {% fragment %}): what only it reads is computed lazily,
    # when it is rendered, not when it is served from the cache.
    can_manage = SimpleLazyObject(lambda: request.user.has_perm("structure.edit_matrix", community))
    context = {
        "community": community,
        "today": timezone.localdate().isoformat(),
        "counts": SimpleLazyObject(lambda: selectors.community_counts(community)),
        "can_manage": can_manage,
        "pending_claims": SimpleLazyObject(
            lambda: selectors.pending_claims(community).count() if can_manage else 0
        ),
        "uncovered": SimpleLazyObject(lambda: selectors.uncovered_matter_categories(community)),
    }
    return render(request, "structure/overview.html", context)


@login_required
def structure_map(request: HttpRequest, community_id: int) -> HttpResponse:
    community = selectors.get_community_for_user(request.user, community_id)
    context = {
        "community": community,
        "page": SimpleLazyObject(lambda: _map_context(community)),
    }
    return render(request, "structure/map.html", context)


def _map_context(community: Community) -> dict[str, Any]:
    tiers = selectors.structure_map(community)
    tier_labels = {
        "government": _("Government"),
        "community": _("Residents' committee"),
        "owners": _("Owners"),
        "market": _("Enterprises"),
        "society": _("Society and residents' own groups"),
    }
    subject_url = _url_maker("structure:subject")
    labelled = [
        {
            "tier": tier.tier,
            "label": tier_labels[tier.tier],
            "subjects": [
                {
                    "subject": node.subject,
                    "leads": node.leads,
                    "co_handles": node.co_handles,
                    # Worked out once here rather than by lookups, filters and url tags per chip in the template.
                    "url": subject_url(node.subject.pk),
                    "kind_line": _kind_line(node.subject),
                    "lead_chips": [_chip(row) for row in node.leads],
                    "help_chips": [_chip(row) for row in node.co_handles],
                }
                for node in tier.subjects
            ],
        }
        for tier in tiers
    ]
    load: list[dict[str, Any]] = sorted(
        (
            {"subject": node.subject, "leads": len(node.leads), "helps": len(node.co_handles)}
            for tier in tiers
            for node in tier.subjects
            if node.leads or node.co_handles
        ),
        key=lambda item: (-item["leads"], -item["helps"], item["subject"].name),
    )
    most = max((item["leads"] + item["helps"] for item in load), default=0)
    for item in load:
        item["lead_pct"] = round(100 * item["leads"] / most) if most else 0
        item["help_pct"] = round(100 * item["helps"] / most) if most else 0
    return {"tiers": labelled, "load": load}


def _kind_line(subject: GovernanceSubject) -> str:
    parts = [str(subject.get_kind_display())]
    if subject.scope_area:
        parts.append(subject.scope_area.name)
    if subject.legal_status:
        parts.append(str(subject.get_legal_status_display()))
    return " · ".join(parts)


def _chip(row: Any) -> str:
    return f"{row.category.name} ({row.scope_area.name})" if row.scope_area else row.category.name


@login_required
def matrix(request: HttpRequest, community_id: int) -> HttpResponse:
    community = selectors.get_community_for_user(request.user, community_id)
    can_edit = request.user.has_perm("structure.edit_matrix", community)

    def page() -> dict[str, Any]:
        rows = list(selectors.responsibility_matrix(community))
        return {
            "rows": rows,
            "groups": _matrix_groups(community, rows, can_edit=can_edit),
            "uncovered": selectors.uncovered_matter_categories(community),
        }

    return render(
        request,
        "structure/matrix.html",
        {
            "community": community,
            "page": SimpleLazyObject(page),
            "can_edit": can_edit,
        },
    )


def _url_maker(name: str, *args: object) -> Callable[[int], str]:
    """``reverse(name, args=[*args, pk])`` for many ``pk``: reversed once, the last argument filled in per row."""
    placeholder = 987654321
    prefix, suffix = reverse(name, args=[*args, placeholder]).rsplit(str(placeholder), 1)
    return lambda pk: f"{prefix}{pk}{suffix}"


def _matrix_groups(community: Community, rows: list[Any], *, can_edit: bool) -> list[dict[str, Any]]:
    """The matrix rows as plain values for display, grouped by top-level category (computed once, not per row)."""
    subject_url = _url_maker("structure:subject")
    edit_url = _url_maker("structure:matrix_edit", community.pk)
    whole_community = _("Whole community")
    groups = []
    for group in selectors.group_by_top_category(rows):
        items = []
        for row in group.rows:
            category = row.category.name
            items.append(
                {
                    "pk": row.pk,
                    "category": category,
                    "time_limit": row.time_limit_display,
                    "scope": row.scope_area.name if row.scope_area else whole_community,
                    "lead_url": subject_url(row.lead_subject_id),
                    "lead": row.lead_subject.name,
                    "helpers": "、".join(s.name for s in row.co_handlers.all()),
                    "notes": row.notes,
                    "edit_url": edit_url(row.pk) if can_edit else "",
                    "edit_label": _("Edit %(category)s") % {"category": category} if can_edit else "",
                }
            )
        groups.append(
            {
                "slug": slugify(group.category.code),
                "name": group.category.name,
                "count": len(items),
                "rows": items,
            }
        )
    return groups


@login_required
def subjects(request: HttpRequest, community_id: int) -> HttpResponse:
    community = selectors.get_community_for_user(request.user, community_id)
    kind = request.GET.get("kind", "")
    if kind not in SubjectKind.values:
        kind = ""
    return render(
        request,
        "structure/subjects.html",
        {
            "community": community,
            "groups": SimpleLazyObject(lambda: _subject_groups(community, kind)),
            "kinds": SubjectKind.choices,
            "kind": kind,
            "can_register": request.user.has_perm("structure.register_subject", community),
        },
    )


def _subject_groups(community: Community, kind: str) -> dict[str, list[object]]:
    queryset = (
        selectors.subjects_serving(community)
        .select_related("scope_area")
        .annotate(member_count=Count("memberships", filter=Q(memberships__ended_on__isnull=True)))
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    groups: dict[str, list[object]] = {}
    for subject in queryset.order_by("kind", "name"):
        groups.setdefault(subject.get_kind_display(), []).append(subject)
    return groups


@login_required
def street_overview(request: HttpRequest, street_id: int) -> HttpResponse:
    street = selectors.get_street_for_user(request.user, street_id)
    return render(request, "structure/street.html", {"street": street, "table_html": _street_table(street)})


#: Seconds the street's table stays cached at most (it shows counts as of today: elderly, open claims).
STREET_TABLE_SECONDS = 60


def _street_table(street: Street) -> SafeString:
    """The street's table of communities, cached until a write of any of its communities.

    It sums up every community of the street, so the key holds each one's data version (and the list of them, so a
    new community shows; a write of the street-level subjects or the catalogue bumps them all: ``versions.py``),
    the language and the day. It names no viewer: everyone who may oversee the street sees the same table.
    """
    versions = [(pk, community_version(pk)) for pk in selectors.street_community_ids(street)]
    varied = hashlib.blake2b(repr(versions).encode(), digest_size=12).hexdigest()
    key = street_key(
        street,
        "overview-table",
        get_language() or "",
        timezone.localdate().isoformat(),
        varied,
    )
    html: str | None = cache.get(key)
    if html is None:
        rows = selectors.street_rows(street)
        html = str(render_to_string("structure/_street_table.html", {"street": street, "rows": rows}))
        cache.set(key, html, timeout=STREET_TABLE_SECONDS)
    return mark_safe(html)  # rendered by our own autoescaping template above
