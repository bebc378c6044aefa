"""The navigation bar: each module registers its entries with the roles that see them."""

from dataclasses import dataclass

from flask import url_for
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    roles: tuple  # empty: everyone; ("signed_in",): any account
    order: int


NAV_ITEMS = []


def nav_item(endpoint, label, *roles, order=50):
    NAV_ITEMS.append(NavItem(endpoint, label, tuple(roles), order))


def _visible(item):
    if not item.roles:
        return True
    if not current_user.is_authenticated:
        return False
    return item.roles == ("signed_in",) or current_user.has_any_role(*item.roles)


def nav_items():
    """The entries the current user sees, in order."""
    return [
        {"url": url_for(item.endpoint), "label": item.label}
        for item in sorted(NAV_ITEMS, key=lambda i: i.order)
        if _visible(item)
    ]
