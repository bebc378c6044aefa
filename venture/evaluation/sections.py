"""Sections of the evaluation page, as a registry other modules add to.

Each section is a template included on the evaluation page (for staff and the evaluator) with
the figures its function gives: `fn(evaluation) -> dict`, or None to leave the section out.
Community supervision adds "disputed activities" and "satisfaction" this way, e.g.

    @evaluation_section("community/_evaluation_disputes.html", order=40)
    def _disputes(evaluation):
        return {"disputes": ...}
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    template: str
    figures: Callable
    order: int


EVALUATION_SECTIONS: list[Section] = []


def evaluation_section(template, order=50):
    def register(fn):
        if all(s.template != template for s in EVALUATION_SECTIONS):
            EVALUATION_SECTIONS.append(Section(template, fn, order))
            EVALUATION_SECTIONS.sort(key=lambda s: s.order)
        return fn

    return register


def sections_for(evaluation):
    """[(template, figures)] of the sections that have something to show."""
    shown = []
    for section in EVALUATION_SECTIONS:
        figures = section.figures(evaluation)
        if figures is not None:
            shown.append((section.template, figures))
    return shown
