"""One transition table per record type, and one function that moves a record along it.

A workflow is data: each Transition names an action, the states it leaves from, the state it
reaches, who may take it (a predicate on the actor and the record) and an optional guard that
returns a refusal message when the record is not ready. `transition()` checks both, writes the
new state and the audit row, and calls the workflow's after-hooks (notifications).

A table reads one transition a row (action, from, to, who, label, then guard and reason), laid
out by hand and kept from the formatter with `# fmt: skip`:

    LIGHT_WORKFLOW = Workflow(name="light", transitions=(
        Transition("go", L.RED, L.GREEN, _staff, _l("Go"), guard=_road_clear),
        Transition("stop", L.GREEN, L.RED, _staff, _l("Stop"), needs_reason=True),
    ))  # fmt: skip

`actor_can` makes the `allowed` of a transition that depends on the actor only;
`all_problems` and `first_problem` make a guard from a function listing what a record lacks.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from venture.core import audit
from venture.extensions import db

# every workflow by name (the prefix of its audit action codes), filled as modules load
WORKFLOWS = {}


class TransitionRefused(Exception):
    """A transition or operation that may not happen now; str() is a message for a person,
    ``field`` the form field it concerns, or None. Each module names its own subclass."""

    field = None  # a subclass may name the field its refusals concern

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = str(message)
        if field is not None:
            self.field = field


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple
    target: Any
    allowed: Callable  # (actor, obj) -> bool
    label: Any = None
    guard: Callable | None = None  # (obj, actor) -> message or None
    needs_reason: bool = False

    def __post_init__(self):
        # one source state may be written alone; `sources` is always a tuple
        if not isinstance(self.sources, tuple):
            object.__setattr__(self, "sources", (self.sources,))


def actor_can(predicate):
    """An `allowed` for a transition that asks the actor only (a role), not the record."""
    return lambda actor, _obj: predicate(actor)


def all_problems(problems_of):
    """A guard refusing with every message problems_of(obj) lists, joined, or None."""
    return lambda obj, _actor: " ".join(str(p) for p in problems_of(obj)) or None


def first_problem(problems_of):
    """A guard refusing with the first message problems_of(obj) lists, or None."""

    def guard(obj, _actor):
        problems = problems_of(obj)
        return problems[0] if problems else None

    return guard


@dataclass
class Workflow:
    name: str
    transitions: tuple
    state_attr: str = "state"
    after_hooks: list = field(default_factory=list)

    def __post_init__(self):
        WORKFLOWS[self.name] = self

    def get(self, action):
        for t in self.transitions:
            if t.action == action:
                return t
        raise KeyError(action)

    def refusal(self, obj, action, actor, reason=None):
        """Why this action cannot happen now, or None when it can."""
        try:
            t = self.get(action)
        except KeyError:
            return _l("This action does not exist.")
        state = getattr(obj, self.state_attr)
        if state not in t.sources:
            return _l(
                "This cannot be done while the record is %(state)s.",
                state=getattr(state, "label", state),
            )
        if actor is None or not t.allowed(actor, obj):
            return _l("You are not allowed to do this.")
        if t.needs_reason and not (reason and reason.strip()):
            return _l("Please give a reason.")
        if t.guard is not None:
            message = t.guard(obj, actor)
            if message:
                return message
        return None

    def available(self, obj, actor):
        """The transitions this actor could take on obj now (guards not evaluated)."""
        state = getattr(obj, self.state_attr)
        return [t for t in self.transitions if state in t.sources and t.allowed(actor, obj)]

    def states_reachable(self):
        return {t.target for t in self.transitions}


def transition(workflow, obj, action, *, actor, reason=None):
    """Move obj along workflow by action, or raise TransitionRefused saying why."""
    message = workflow.refusal(obj, action, actor, reason)
    if message:
        raise TransitionRefused(message)
    t = workflow.get(action)
    before = getattr(obj, workflow.state_attr)
    setattr(obj, workflow.state_attr, t.target)
    audit.record(
        f"{workflow.name}.{action}",
        obj,
        actor=actor,
        before={"state": before},
        after={"state": t.target},
        reason=reason,
    )
    # the caller may still be setting fields that constraints check (a termination reason):
    # hooks read, they must not flush a half-made change
    with db.session.no_autoflush:
        for hook in workflow.after_hooks:
            hook(obj, t, actor, reason)
    return t
