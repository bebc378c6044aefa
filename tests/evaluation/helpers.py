"""Helpers for evaluation tests: assign, self-assess, score, announce and finalise."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

from werkzeug.datastructures import FileStorage

from tests.pdf_bytes import MINIMAL_PDF
from venture.announcements.operations import finalise_announcement
from venture.auth.enums import Role
from venture.core.timeutil import local_today
from venture.evaluation import operations
from venture.extensions import db

# scores of the default rubric (30, 15, 20, 20, 15) for some totals
SCORES = {
    "52": ["15", "8", "10", "10", "9"],
    "59.5": ["18", "9", "12", "11.5", "9"],
    "85": ["26", "13", "17", "16", "13"],
    "92": ["28", "14", "18", "18", "14"],
}


def evaluator(make, name="香坊社会工作评估中心"):
    return make.user(Role.EVALUATOR, name=name)


def assign(project, staff, evaluator_, kind="midterm", due=None):
    evaluation = operations.assign_evaluation(
        project, kind=kind, evaluator=evaluator_, due=due or local_today(), actor=staff
    )
    db.session.commit()
    return evaluation


def self_assess(evaluation, member):
    final_report = None
    if evaluation.kind.value == "final":
        final_report = FileStorage(BytesIO(MINIMAL_PDF), filename="结项报告.pdf")
    operations.save_self_assessment(
        evaluation,
        text="项目按计划推进，完成建档 120 份，开展讲座 6 次。",
        final_report=final_report,
        actor=member,
    )
    operations.submit_self_assessment(evaluation, actor=member)
    db.session.commit()


def score(evaluation, evaluator_, total, *, submit=True):
    criteria = operations.criteria_of(evaluation.project.call_id, evaluation.kind)
    entries = {c.id: (raw, "") for c, raw in zip(criteria, SCORES[total], strict=True)}
    errors = operations.save_scores(
        evaluation,
        entries=entries,
        overall_comment="总体按计划执行。",
        site_visit={
            "on": local_today(),
            "place": "红旗社区服务站",
            "people": "社区书记、服务对象 5 人",
            "notes": "查看了服务台账和活动照片，走访了 5 位老人。",
        },
        actor=evaluator_,
    )
    assert errors == {}
    if submit:
        operations.submit_scores(evaluation, actor=evaluator_)
    db.session.commit()
    assert evaluation.total == Decimal(total)


def announce_and_finalise(evaluation, staff):
    announcement = operations.announce_result(evaluation, period_days=5, actor=staff)
    db.session.commit()
    # the objection window has passed
    announcement.starts_on = local_today() - timedelta(days=10)
    announcement.ends_on = local_today() - timedelta(days=1)
    finalise_announcement(announcement, actor=staff)
    db.session.commit()
    return announcement


def evaluate(project, staff, evaluator_, member, total, kind="midterm"):
    """A whole evaluation, from assignment to a final result of total points."""
    evaluation = assign(project, staff, evaluator_, kind)
    self_assess(evaluation, member)
    score(evaluation, evaluator_, total)
    announce_and_finalise(evaluation, staff)
    return evaluation
