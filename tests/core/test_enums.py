from venture.core.enums import LabelledEnum
from venture.core.lifecycle import Transition, actor_can, all_problems, first_problem


class Light(LabelledEnum):
    RED = "red", "Stop", "danger"
    GREEN = "green", "Go", "success"


class Side(LabelledEnum):
    LEFT = "left", "Left"


def test_labelled_enum_member_keeps_its_string_value():
    assert (Light.RED.value, str(Light.RED), Light("green")) == ("red", "red", Light.GREEN)
    assert Light.RED == "red"


def test_labelled_enum_member_has_its_label_and_badge():
    assert [(m.label, m.badge) for m in Light] == [("Stop", "danger"), ("Go", "success")]


def test_labelled_enum_without_badges_has_no_badge():
    assert (Side.LEFT.label, hasattr(Side.LEFT, "badge")) == ("Left", False)


def test_transition_takes_a_lone_source_state():
    t = Transition("go", Light.RED, Light.GREEN, actor_can(bool))
    assert t.sources == (Light.RED,)


def test_actor_can_asks_the_actor_only():
    allowed = actor_can(lambda actor: actor == "staff")
    assert (allowed("staff", object()), allowed("guest", object())) == (True, False)


def test_problem_guards_refuse_with_the_listed_messages():
    problems = {"a": ["one", "two"], "b": []}.get
    assert (all_problems(problems)("a", None), all_problems(problems)("b", None)) == (
        "one two",
        None,
    )
    assert (first_problem(problems)("a", None), first_problem(problems)("b", None)) == (
        "one",
        None,
    )
