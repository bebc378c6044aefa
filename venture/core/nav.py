"""The navigation bar: each module registers its entries with the roles that see them.

Entries belong to a job group (征集与评审, 采购, 合同与资金, 项目执行, 社区, 系统). A user who sees
few entries gets them as a flat row; one who sees more gets one top-level entry per group, a
group with a single entry being that entry itself, so no role has more than seven at the top.
"""

from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from venture.core.fragments import fragment


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: object


# the jobs, in the order they follow in the menu
GROUPS = (
    NavGroup("calls", _l("Calls and review")),
    NavGroup("procurement", _l("Procurement")),
    NavGroup("contracts", _l("Contracts and funds")),
    NavGroup("delivery", _l("Project delivery")),
    NavGroup("community", _l("Community")),
    NavGroup("system", _l("System")),
)
GROUP_KEYS = {group.key for group in GROUPS}
# at most this many entries are shown flat; more are grouped by job
FLAT_LIMIT = 7


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    roles: tuple  # empty: everyone; ("signed_in",): any account
    order: int
    group: str | None  # None: always at the top (home)


NAV_ITEMS = []
# the entries each role set sees, in order: worked out once per role set (None: signed out)
_VISIBLE = {}


def nav_item(endpoint, label, *roles, order=50, group=None):
    if group is not None and group not in GROUP_KEYS:
        raise ValueError(f"unknown navigation group {group!r}")
    NAV_ITEMS.append(NavItem(endpoint, label, tuple(roles), order, group))
    _VISIBLE.clear()


def _role_set():
    """The current user's roles (a frozenset), None when nobody is signed in."""
    user = current_user._get_current_object()
    return frozenset(user.roles) if user.is_authenticated else None


def _visible_items():
    roles = _role_set()
    items = _VISIBLE.get(roles)
    if items is None:
        ordered = sorted(NAV_ITEMS, key=lambda i: i.order)
        items = _VISIBLE[roles] = tuple(item for item in ordered if _visible(item, roles))
    return items


def _visible(item, roles):
    if not item.roles:
        return True
    if roles is None:
        return False
    return item.roles == ("signed_in",) or bool(roles & set(item.roles))


def _entry(item):
    url = url_for(item.endpoint)
    return {"url": url, "label": item.label, "current": url == request.path}


def nav_items():
    """The entries the current user sees, in order."""
    return [_entry(item) for item in _visible_items()]


def nav_menu():
    """The top-level menu of the current user: entries ({url, label, current}) and groups
    ({group, label, items, current}), at most FLAT_LIMIT + 1 of them."""
    visible = _visible_items()
    if len(visible) <= FLAT_LIMIT:
        return [_entry(item) for item in visible]
    menu = [_entry(item) for item in visible if item.group is None]
    for group in GROUPS:
        members = [_entry(item) for item in visible if item.group == group.key]
        if len(members) == 1:
            menu.append(members[0])
        elif members:
            current = any(member["current"] for member in members)
            menu.append(
                {"group": group.key, "label": group.label, "items": members, "current": current}
            )
    return menu


def nav_sections():
    """The phone menu: every entry the current user sees under its job's heading
    ({group, label, items}; the first section, home, has no heading)."""
    visible = _visible_items()
    sections = [
        {"group": None, "label": None, "items": [_entry(i) for i in visible if not i.group]}
    ]
    for group in GROUPS:
        members = [_entry(item) for item in visible if item.group == group.key]
        if members:
            sections.append({"group": group.key, "label": group.label, "items": members})
    return [section for section in sections if section["items"]]


def nav_bar():
    """The menus of every page (templates/_nav.html), rendered once per role set, language
    and current entry, then reused (venture.core.fragments)."""
    urls = current_app.extensions.setdefault("venture_nav_urls", {})
    known = urls.get(request.script_root)
    if known is None:
        known = urls[request.script_root] = frozenset(url_for(i.endpoint) for i in NAV_ITEMS)
    return fragment("_nav.html", _role_set(), request.path if request.path in known else None)
