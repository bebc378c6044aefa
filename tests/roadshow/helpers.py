"""Builders for roadshow tests: a call in review with its panel assigned, and a session."""

from dataclasses import dataclass
from datetime import timedelta

from tests import factories
from tests.review import helpers as review_helpers
from venture.auth.enums import Role
from venture.core.timeutil import now
from venture.extensions import db
from venture.roadshow import operations


@dataclass
class Scene:
    staff: object
    call: object
    criteria: list
    applications: list
    experts: list
    panel: object
    roadshow: object

    def assignment(self, expert, application=None):
        """The expert's assignment on application (the first one by default)."""
        application = application or self.applications[0]
        return next(
            a
            for a in operations.assignments_on(self.item(application))
            if a.reviewer_id == expert.id
        )

    def item(self, application):
        return next(i for i in self.roadshow.items if i.application_id == application.id)


def scene(*, reviewers=3, applications=2, blind=False, maxima=(40, 30, 30), start=False):
    """A call with a rubric, applications in review, a panel that scores every application,
    and a scheduled roadshow presenting them in submission order."""
    staff = factories.user(Role.STAFF, name="赵主管")
    call = review_helpers.call(staff=staff)
    criteria = review_helpers.rubric(call, maxima, staff=staff)
    apps = [
        review_helpers.application(call, title=f"路演项目{n}") for n in range(1, applications + 1)
    ]
    experts = [review_helpers.expert(name=f"专家{n}", staff=staff) for n in range(1, reviewers + 1)]
    panel = review_helpers.panel(call, experts, staff=staff, blind=blind)
    review_helpers.assign(panel, staff)
    roadshow = operations.create_roadshow(
        call,
        scheduled_at=now() + timedelta(hours=1),
        place="香坊区民政局三楼会议室",
        minutes=8,
        application_ids=[a.id for a in apps],
        actor=staff,
    )
    db.session.commit()
    if start:
        operations.start_roadshow(roadshow, actor=staff)
        db.session.commit()
    return Scene(staff, call, criteria, apps, experts, panel, roadshow)


def entries(criteria, scores):
    return {c.id: (str(s), "") for c, s in zip(criteria, scores, strict=True)}


def score_on_stage(scene_, expert, scores, *, submit=True):
    """The expert opens and fills (and by default submits) the sheet of the item on stage."""
    item = scene_.roadshow.current_item
    assignment = scene_.assignment(expert, item.application)
    user = expert.user
    if assignment.sheet is None:
        operations.open_sheet(item, assignment, actor=user)
    if submit:
        operations.submit_sheet(
            item,
            assignment,
            entries=entries(scene_.criteria, scores),
            overall_comment="",
            actor=user,
        )
    else:
        operations.save_draft(
            item,
            assignment,
            entries=entries(scene_.criteria, scores),
            overall_comment="",
            actor=user,
        )
    db.session.commit()
    return assignment
