"""The home pages' registries: each module adds the panels it shows on a role's home page
and the blocks of the public landing page, without importing the home module (which reads
every module's data for its 下一步, so an import the other way would be a circle)."""

from dataclasses import dataclass
from typing import Any

from flask import g

# role -> [(template, figures function)]: each module adds the panels it shows on the home
# page of a role; the function (user) -> dict gives the template its figures.
HOME_PANELS = {}
# role -> function (user) -> {name: value}: the figures of the role's 下一步 statement (home
# registers it). A panel showing a count the 下一步 counts too reads it (home_figures) instead
# of counting it again.
HOME_FIGURES = {}
# role -> {name: HomeList}: the lists a module's panels show on the role's home page, read as
# columns of the role's 下一步 statement (one round trip for the page: home composes them);
# the panel reads its rows with home_figures(role, user)[name].
HOME_LISTS = {}
# templates included on the public landing page (open calls, announcements…)
LANDING_BLOCKS = []


def home_panel(role, template):
    def register(function):
        HOME_PANELS.setdefault(role, []).append((template, function))
        return function

    return register


@dataclass(frozen=True)
class HomeList:
    """A list of a home panel: column(dialect, b) gives its core.json_rows column (a scalar
    subquery; b names the 下一步's bound parameters: b.at the moment, b.day_start and b.day_end
    the bounds of the local day in UTC), row(values) one shown row of it; without row
    (home_column) the column's value is given as it is read."""

    column: Any
    row: Any


def home_list(role, name, row):
    """Register the decorated column(dialect, b) as list name of role's home page."""

    def register(column):
        HOME_LISTS.setdefault(role, {})[name] = HomeList(column, row)
        return column

    return register


def home_column(role, name):
    """Register the decorated column(dialect, b) as value name read with role's 下一步, given
    to the panel as it is read (e.g. a stored figure: core.cache.stored_column)."""
    return home_list(role, name, None)


def home_lists(role):
    """{name: HomeList} of the lists registered for role's home page."""
    return HOME_LISTS.get(role, {})


def landing_block(template):
    LANDING_BLOCKS.append(template)


def home_figures(role, user):
    """The user's 下一步 figures of role, counted once a request: the 下一步 list and the
    role's panels read them here (None: the account has nothing to wait for)."""
    kept = g.setdefault("home_figures", {})
    if role not in kept:
        kept[role] = HOME_FIGURES[role](user)
    return kept[role]
