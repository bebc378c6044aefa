"""The home pages' registries: each module adds the panels it shows on a role's home page
and the blocks of the public landing page, without importing the home module (which reads
every module's data for its 下一步, so an import the other way would be a circle)."""

# role -> [(template, figures function)]: each module adds the panels it shows on the home
# page of a role; the function (user) -> dict gives the template its figures.
HOME_PANELS = {}
# templates included on the public landing page (open calls, announcements…)
LANDING_BLOCKS = []


def home_panel(role, template):
    def register(function):
        HOME_PANELS.setdefault(role, []).append((template, function))
        return function

    return register


def landing_block(template):
    LANDING_BLOCKS.append(template)
