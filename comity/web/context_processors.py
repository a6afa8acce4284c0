"""Template context shared by every page: navigation for the user's community and display preferences.

The menu lists every section the user's roles give, and marks the section of the current page. The section is
derived from the URL's namespace and name (:data:`SECTIONS`), never from flags set by each template, so a new page
of an app is highlighted correctly without anyone remembering to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from comity.foundation.caching import community_key
from comity.notifications.badge import cached_unread_count
from comity.structure.fragments import CSRF_PLACEHOLDER, viewer_key, with_token
from comity.structure.models import Community
from comity.structure.scope import scope_for
from comity.structure.selectors import community_or_none

#: Which menu section a page belongs to: ``namespace`` alone, or ``namespace:url_name`` where one namespace spans
#: several sections. The most specific key wins.
SECTIONS: dict[str, str] = {
    "web:home": "home",
    "structure:overview": "home",
    "structure": "structure",
    "structure:matrix": "matrix",
    "structure:matrix_new": "matrix",
    "structure:matrix_edit": "matrix",
    "structure:matrix_delete": "matrix",
    "structure:subjects": "subjects",
    "structure:subject": "subjects",
    "structure:subject_new": "subjects",
    "structure:subject_edit": "subjects",
    "structure:membership_add": "subjects",
    "structure:membership_end": "subjects",
    "structure:registry": "registry",
    "structure:building": "registry",
    "structure:registry_import": "registry",
    "structure:registry_template": "registry",
    "structure:registry_export": "registry",
    "structure:claims": "verification",
    "structure:claim_decide": "verification",
    "structure:street": "street",
    "appeals": "appeals",
    "appeals:street_queue": "street",
    "appeal_settings": "appeals",
    "appeal_rates": "rates",
    "consultations": "consultations",
    "decisions": "decisions",
    "budgeting": "budget",
    "audit": "audit",
    "privacy": "privacy",
    "privacy:notice": "account",
    "privacy:notice_version": "account",
    "privacy:mine": "account",
    "privacy:my_consent": "account",
    "privacy:copy_json": "account",
    "privacy:copy_xlsx": "account",
    "privacy:new_request": "account",
    "privacy:my_request": "account",
    "privacy:who_looked": "account",
    "privacy:street_access": "street",
    "notifications": "notifications",
    "web:me": "account",
    "accounts:claim": "account",
    "web:measures": "measures",
}


def section_of(request: HttpRequest) -> str | None:
    """The menu section of the page being shown, from its URL's namespace and name."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    namespace = match.namespace or ""
    return SECTIONS.get(f"{namespace}:{match.url_name}") or SECTIONS.get(namespace)


#: The badge counts unread notifications up to here, and shows "99+" beyond.
BADGE_CAP = 100


@dataclass(frozen=True)
class NavItem:
    section: str
    url: str
    label: str
    active: bool = False
    badge: int = 0

    @property
    def badge_text(self) -> str:
        return f"{BADGE_CAP - 1}+" if self.badge >= BADGE_CAP else str(self.badge)


def _current_community_id(request: HttpRequest) -> int | None:
    match = getattr(request, "resolver_match", None)
    if match is not None and "community_id" in match.kwargs:
        return int(match.kwargs["community_id"])
    scope = scope_for(request.user)
    if scope.home_community_id and scope.roles_in(scope.home_community_id):
        return scope.home_community_id
    ids = sorted(scope.community_ids)
    return ids[0] if ids else None


def _community_items(user: Any, community: Community) -> list[tuple[str, str, str]]:
    pk = community.pk
    appeals_url = (
        reverse("appeals:queue", args=[pk])
        if user.has_perm("appeals.use_workbench", community)
        else reverse("appeals:mine", args=[pk])
    )
    items = [
        ("home", reverse("structure:overview", args=[pk]), _("Home")),
        ("appeals", appeals_url, _("Appeals")),
        ("consultations", reverse("consultations:list", args=[pk]), _("Consultations")),
        ("decisions", reverse("decisions:list", args=[pk]), _("Decisions")),
        ("budget", reverse("budgeting:cycles", args=[pk]), _("Budget")),
        ("structure", reverse("structure:map", args=[pk]), _("Who's who")),
        ("matrix", reverse("structure:matrix", args=[pk]), _("Responsibilities")),
        ("subjects", reverse("structure:subjects", args=[pk]), _("Subjects")),
    ]
    if user.has_perm("structure.browse_registry", community):
        items.append(("registry", reverse("structure:registry", args=[pk]), _("Registry")))
    if user.has_perm("structure.review_claims", community):
        items.append(("verification", reverse("structure:claims", args=[pk]), _("Verification")))
    if user.has_perm("appeals.see_rates", community):
        items.append(("rates", reverse("appeal_rates:community", args=[pk]), _("Appeal rates")))
    if user.has_perm("audit.browse_log", community):
        items.append(("audit", reverse("audit:log", args=[pk]), _("Audit log")))
    if user.has_perm("privacy.handle_requests", community):
        items.append(("privacy", reverse("privacy:requests", args=[pk]), _("Personal information")))
    elif user.has_perm("privacy.review_access", community):
        items.append(("privacy", reverse("privacy:access", args=[pk]), _("Personal information")))
    elif user.has_perm("privacy.record_consent", community):
        items.append(("privacy", reverse("privacy:people", args=[pk]), _("Personal information")))
    return items


#: Seconds a user's menu (its sections and links) and its rendered bar stay cached at most.
MENU_SECONDS = 600


def _menu(request: HttpRequest, community_id: int | None) -> list[tuple[str, str, str]]:
    """The sections the user's roles give, as (section, url, label): the same for everyone with the same roles in
    the community, so cached under their roles (``viewer_key``), the community's data version and the language."""
    user = request.user
    viewer = viewer_key(request, community_id or 0, "roles")
    key = community_key(community_id or 0, "menu", get_language() or "", viewer)
    cached: list[tuple[str, str, str]] | None = cache.get(key)
    if cached is not None:
        return cached
    items: list[tuple[str, str, str]] = []
    community = community_or_none(community_id, user)
    if community is not None and user.has_perm("structure.see_community", community):
        items += _community_items(user, community)
    scope = scope_for(user)
    for street_id in sorted(scope.street_ids):
        items.append(("street", reverse("structure:street", args=[street_id]), _("Street overview")))
        items.append(("street", reverse("appeals:street_queue", args=[street_id]), _("Street appeals")))
        items.append(
            ("street", reverse("privacy:street_access", args=[street_id]), _("Access to personal data"))
        )
        if not any(section == "rates" for section, _url, _label in items):
            items.append(("rates", reverse("appeal_rates:street", args=[street_id]), _("Appeal rates")))
    items.append(("notifications", reverse("notifications:inbox"), _("Notifications")))
    items.append(("account", reverse("web:me"), _("My account")))
    if getattr(user, "is_staff", False):
        items.append(("admin", reverse("admin:index"), _("Admin")))
    items = [(section, url, str(label)) for section, url, label in items]
    cache.set(key, items, timeout=MENU_SECONDS)
    return items


def navigation_items(request: HttpRequest, community_id: int | None) -> list[NavItem]:
    """The menu of a signed-in user in the community ``community_id``: the sections their roles give, the current
    one marked."""
    items = _menu(request, community_id)
    current = section_of(request)
    badges = {"notifications": cached_unread_count(request.user, at_most=BADGE_CAP)}
    marked = False
    result = []
    for section, url, label in items:
        # One street official may oversee two streets: only the one being shown is the current page.
        active = section == current and not marked and (section != "street" or url == request.path)
        marked = marked or active
        result.append(NavItem(section, url, label, active, badges.get(section, 0)))
    return result


class _Navigation:
    """The menu of one request, worked out when a template first asks for it."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.community_id = _current_community_id(request)

    @cached_property
    def items(self) -> list[NavItem]:
        return navigation_items(self.request, self.community_id)

    @cached_property
    def unread(self) -> str:
        bell = next((item for item in self.items if item.section == "notifications"), None)
        return bell.badge_text if bell is not None and bell.badge else ""

    @cached_property
    def current(self) -> NavItem | None:
        return next((item for item in self.items if item.active), None)

    @cached_property
    def html(self) -> str:
        """The rendered menu bar (``web/_nav.html``), cached for everyone with the same roles, page section and
        badge; the logout form gets the viewer's own CSRF token."""
        current = self.current
        key = community_key(
            self.community_id or 0,
            "menu-bar",
            get_language() or "",
            viewer_key(self.request, self.community_id or 0, "roles"),
            current.url if current else "-",
            self.unread or "0",
        )
        html: str | None = cache.get(key)
        if html is None:
            context = {
                "user": self.request.user,
                "nav_items": self.items,
                "nav_current": current,
                "nav_unread": self.unread,
                "csrf_token": CSRF_PLACEHOLDER,
            }
            html = str(render_to_string("web/_nav.html", context))
            cache.set(key, html, timeout=MENU_SECONDS)
        return with_token(self.request, html)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    large_text = bool(request.session.get("large_text")) if hasattr(request, "session") else False
    if getattr(user, "is_authenticated", False) and getattr(user, "large_text", False):
        large_text = True
    context: dict[str, Any] = {"large_text": large_text, "nav_items": []}
    if not getattr(user, "is_authenticated", False):
        return context
    nav = _Navigation(request)
    context["nav_items"] = SimpleLazyObject(lambda: nav.items)
    context["nav_unread"] = SimpleLazyObject(lambda: nav.unread)
    context["nav_current"] = SimpleLazyObject(lambda: nav.current)
    context["nav_html"] = SimpleLazyObject(lambda: nav.html)
    context["current_community_id"] = nav.community_id
    return context
