"""The home pages' registries: each module adds the panels it shows on a role's home page
and the blocks of the public landing page, without importing the home module (which reads
every module's data for its 下一步, so an import the other way would be a circle)."""

from flask import g

# role -> [(template, figures function)]: each module adds the panels it shows on the home
# page of a role; the function (user) -> dict gives the template its figures.
HOME_PANELS = {}
# role -> function (user) -> {name: value}: the figures of the role's 下一步 statement (home
# registers it). A panel showing a count the 下一步 counts too reads it (home_figures) instead
# of counting it again.
HOME_FIGURES = {}
# templates included on the public landing page (open calls, announcements…)
LANDING_BLOCKS = []


def home_panel(role, template):
    def register(function):
        HOME_PANELS.setdefault(role, []).append((template, function))
        return function

    return register


def landing_block(template):
    LANDING_BLOCKS.append(template)


def home_figures(role, user):
    """The user's 下一步 figures of role, counted once a request: the 下一步 list and the
    role's panels read them here (None: the account has nothing to wait for)."""
    kept = g.setdefault("home_figures", {})
    if role not in kept:
        kept[role] = HOME_FIGURES[role](user)
    return kept[role]
