"""Template context shared by every page: navigation for the user's community and display preferences."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from comity.accounts.scope import scope_for
from comity.notifications.selectors import unread_count
from comity.structure.models import Community


def _current_community_id(request: HttpRequest) -> int | None:
    match = getattr(request, "resolver_match", None)
    if match is not None and "community_id" in match.kwargs:
        return int(match.kwargs["community_id"])
    scope = scope_for(request.user)
    if scope.home_community_id and scope.roles_in(scope.home_community_id):
        return scope.home_community_id
    ids = sorted(scope.community_ids)
    return ids[0] if ids else None


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    large_text = bool(request.session.get("large_text")) if hasattr(request, "session") else False
    if getattr(user, "is_authenticated", False) and getattr(user, "large_text", False):
        large_text = True
    context: dict[str, Any] = {"large_text": large_text, "nav_items": []}
    if not getattr(user, "is_authenticated", False):
        return context
    path = request.path
    items: list[tuple[str, str]] = []
    community_id = _current_community_id(request)
    community = Community.objects.filter(pk=community_id).first() if community_id is not None else None
    if community is not None and user.has_perm("structure.see_community", community):
        community_id = community.pk
        items += [
            (reverse("structure:overview", args=[community_id]), str(_("Community"))),
            (
                reverse("appeals:queue", args=[community_id])
                if user.has_perm("appeals.use_workbench", community)
                else reverse("appeals:mine", args=[community_id]),
                str(_("Appeals")),
            ),
            (reverse("consultations:list", args=[community_id]), str(_("Consultations"))),
            (reverse("structure:map", args=[community_id]), str(_("Structure"))),
            (reverse("structure:matrix", args=[community_id]), str(_("Responsibilities"))),
            (reverse("structure:subjects", args=[community_id]), str(_("Subjects"))),
        ]
        if user.has_perm("structure.browse_registry", community):
            items.append((reverse("structure:registry", args=[community_id]), str(_("Registry"))))
        if user.has_perm("structure.review_claims", community):
            items.append((reverse("structure:claims", args=[community_id]), str(_("Verification"))))
        if user.has_perm("audit.browse_log", community):
            items.append((reverse("audit:log", args=[community_id]), str(_("Audit log"))))
    scope = scope_for(user)
    for street_id in sorted(scope.street_ids):
        items.append((reverse("structure:street", args=[street_id]), str(_("Street"))))
    notifications_url = reverse("notifications:inbox")
    badges = {notifications_url: unread_count(user)}
    items.append((notifications_url, str(_("Notifications"))))
    items.append((reverse("accounts:me"), str(_("My account"))))
    if user.is_staff:
        items.append((reverse("admin:index"), str(_("Admin"))))
    matches = [url for url, _label in items if path == url or (path.startswith(url) and url != "/")]
    active = max(matches, key=len) if matches else None
    context["nav_items"] = [
        {"url": url, "label": label, "active": url == active, "badge": badges.get(url, 0)}
        for url, label in items
    ]
    context["current_community_id"] = community_id
    return context
