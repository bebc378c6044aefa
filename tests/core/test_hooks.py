"""A lower module's hooks: filled by name, refusing names it did not declare, loud when empty."""

import pytest

from venture.core.hooks import Hooks


def closing_problems(project):
    return [f"open: {project}"]


def test_functions_are_registered_under_their_own_name_or_the_keyword_given():
    hooks = Hooks("delivery.TEST", "closing_problems", "states")
    hooks.register(closing_problems, states=("a", "b"))
    assert hooks.closing_problems(7) == ["open: 7"]
    assert hooks.states == ("a", "b")


def test_a_name_not_declared_is_refused():
    hooks = Hooks("delivery.TEST", "closing_problems")
    with pytest.raises(ValueError, match="delivery.TEST has no hook other"):
        hooks.register(other=closing_problems)


def test_asking_a_name_nobody_registered_names_the_hook():
    hooks = Hooks("delivery.TEST", "closing_problems")
    with pytest.raises(LookupError, match="delivery.TEST: nothing registered closing_problems"):
        hooks.closing_problems(7)
