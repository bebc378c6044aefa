"""What community supervision shows elsewhere: satisfaction averages, checked and disputed
activities of a project, needs answered and not answered by a call, per street."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from venture.applications.enums import ApplicationState
from venture.community.enums import SurveyQuestion, Verdict
from venture.community.models import ActivityCheck, Need, SurveyAnswer, SurveyResponse
from venture.community.permissions import CHECKABLE_REPORT_STATES
from venture.delivery.models import Activity, ProgressReport
from venture.extensions import db

TENTH = Decimal("0.1")


@dataclass
class Satisfaction:
    """满意度汇总: the number of responses and the average score per question."""

    responses: int
    # [(question, average or None, number of answers)] in the questionnaire's order
    averages: list
    comments: list = field(default_factory=list)

    @property
    def overall(self):
        for question, average, _count in self.averages:
            if question == SurveyQuestion.OVERALL:
                return average
        return None


def _average(total, count):
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(TENTH, ROUND_HALF_UP)


def satisfaction_summary(project_id, *, comments=0):
    """Averages per question over every response of the project (sums in SQL, no floats)."""
    responses = db.session.scalar(
        select(func.count())
        .select_from(SurveyResponse)
        .where(SurveyResponse.project_id == project_id)
    )
    rows = {
        question: (total, count)
        for question, total, count in db.session.execute(
            select(SurveyAnswer.question, func.sum(SurveyAnswer.score), func.count())
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .where(SurveyResponse.project_id == project_id)
            .group_by(SurveyAnswer.question)
        ).all()
    }
    averages = [(q, _average(*rows.get(q, (0, 0))), rows.get(q, (0, 0))[1]) for q in SurveyQuestion]
    recent = []
    if comments:
        recent = db.session.scalars(
            select(SurveyResponse)
            .where(SurveyResponse.project_id == project_id, SurveyResponse.comment != "")
            .order_by(SurveyResponse.created_at.desc(), SurveyResponse.id.desc())
            .limit(comments)
        ).all()
    return Satisfaction(responses=responses, averages=averages, comments=recent)


@dataclass
class Supervision:
    """社区监督 of one project: its reported activities and the committee's verdicts."""

    disputed: list  # [(activity, check)]
    confirmed: int
    unchecked: int

    @property
    def checked(self):
        return len(self.disputed) + self.confirmed


def supervision_summary(project_id):
    """Disputed activities (with the committee's comment), confirmed and unchecked counts, over
    the activities of the project's reports sent to staff."""
    rows = db.session.execute(
        select(Activity, ActivityCheck)
        .join(ProgressReport, ProgressReport.id == Activity.report_id)
        .outerjoin(ActivityCheck, ActivityCheck.activity_id == Activity.id)
        .where(
            ProgressReport.project_id == project_id,
            ProgressReport.state.in_(CHECKABLE_REPORT_STATES),
        )
        .options(selectinload(Activity.report))
        .order_by(Activity.held_on, Activity.id)
    ).all()
    disputed = [(a, c) for a, c in rows if c is not None and c.verdict == Verdict.DISPUTED]
    confirmed = sum(1 for _a, c in rows if c is not None and c.verdict == Verdict.CONFIRMED)
    unchecked = sum(1 for _a, c in rows if c is None)
    return Supervision(disputed=disputed, confirmed=confirmed, unchecked=unchecked)


@dataclass
class StreetNeeds:
    street: str
    answered: list  # [(need, [application])]
    unanswered: list  # [need]


def needs_by_street(call):
    """The call's needs per street: answered (an awarded application of the call names them)
    and not answered, streets in reference order."""
    needs = db.session.scalars(
        select(Need)
        .where(Need.id.in_([n.id for n in call.needs]))
        .options(selectinload(Need.applications))
    ).all()
    streets = {}
    for need in sorted(needs, key=lambda n: (n.community.street_id, n.community.name, n.id)):
        row = streets.setdefault(
            need.community.street_id, StreetNeeds(need.community.street.name, [], [])
        )
        awarded = [
            a
            for a in need.applications
            if a.call_id == call.id and a.state == ApplicationState.AWARDED
        ]
        if awarded:
            row.answered.append((need, awarded))
        else:
            row.unanswered.append(need)
    return list(streets.values())
