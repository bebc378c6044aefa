"""Community needs (需求清单), activity checks and the survey: states and choices."""

from flask_babel import lazy_gettext as _l

from venture.core.enums import LabelledEnum


class NeedStatus(LabelledEnum):
    """需求状态; the transitions between them are in community/lifecycle.py."""

    OPEN = "open", _l("Waiting for a call"), "primary"  # 待响应
    ADDRESSED = "addressed", _l("Addressed by a call"), "info"  # 已纳入征集 (a call answers it)
    # 已有项目承接 (an awarded application answers it)
    ANSWERED = "answered", _l("Answered by a project"), "success"
    CLOSED = "closed", _l("Need closed"), "secondary"  # 已关闭
    MERGED = "merged", _l("Merged"), "dark"  # 已合并 (a duplicate of another need)


# needs that still wait for a project; the board shows these unless asked otherwise
LIVE_STATUSES = (NeedStatus.OPEN, NeedStatus.ADDRESSED)


class Urgency(LabelledEnum):
    """紧急程度"""

    NORMAL = "normal", _l("Normal"), "secondary"  # 一般
    PRESSING = "pressing", _l("Pressing"), "warning"  # 较急
    URGENT = "urgent", _l("Urgent"), "danger"  # 紧急

    @property
    def rank(self):
        """Most urgent first when sorting."""
        return {Urgency.URGENT: 0, Urgency.PRESSING: 1, Urgency.NORMAL: 2}[self]


class Verdict(LabelledEnum):
    """核实结果 of an activity by the residents' committee."""

    CONFIRMED = "confirmed", _l("Confirmed as held"), "success"  # 属实
    DISPUTED = "disputed", _l("Disputed"), "danger"  # 有异议


class SurveyQuestion(LabelledEnum):
    """满意度调查题目: each answered on a scale of 1 (very dissatisfied) to 5 (very satisfied)."""

    OVERALL = "overall", _l("How satisfied are you with the service overall?")  # 总体满意度
    NEEDS = "needs", _l("How well does the service meet your needs?")  # 服务满足需求
    # 服务人员态度与专业
    STAFF = "staff", _l("How satisfied are you with the staff's attitude and skill?")
    # 活动时间与地点
    SCHEDULE = "schedule", _l("How satisfied are you with the times and places of the activities?")

    @property
    def short_label(self):
        return {
            SurveyQuestion.OVERALL: _l("Overall"),
            SurveyQuestion.NEEDS: _l("Meets needs"),
            SurveyQuestion.STAFF: _l("Service staff"),
            SurveyQuestion.SCHEDULE: _l("Times and places"),
        }[self]


SCALE = (
    (5, _l("Very satisfied")),
    (4, _l("Satisfied")),
    (3, _l("Neutral")),
    (2, _l("Dissatisfied")),
    (1, _l("Very dissatisfied")),
)
