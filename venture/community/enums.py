"""Community needs (需求清单), activity checks and service pricing: states and choices."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class NeedStatus(StrEnum):
    """需求状态; the transitions between them are in community/lifecycle.py."""

    OPEN = "open"  # 待响应
    ADDRESSED = "addressed"  # 已纳入征集 (a call answers it)
    ANSWERED = "answered"  # 已有项目承接 (an awarded application answers it)
    CLOSED = "closed"  # 已关闭
    MERGED = "merged"  # 已合并 (a duplicate of another need)

    @property
    def label(self):
        return {
            NeedStatus.OPEN: _l("Waiting for a call"),
            NeedStatus.ADDRESSED: _l("Addressed by a call"),
            NeedStatus.ANSWERED: _l("Answered by a project"),
            NeedStatus.CLOSED: _l("Need closed"),
            NeedStatus.MERGED: _l("Merged"),
        }[self]

    @property
    def badge(self):
        return {
            NeedStatus.OPEN: "primary",
            NeedStatus.ADDRESSED: "info",
            NeedStatus.ANSWERED: "success",
            NeedStatus.CLOSED: "secondary",
            NeedStatus.MERGED: "dark",
        }[self]


# needs that still wait for a project; the board shows these unless asked otherwise
LIVE_STATUSES = (NeedStatus.OPEN, NeedStatus.ADDRESSED)


class Urgency(StrEnum):
    """紧急程度"""

    NORMAL = "normal"  # 一般
    PRESSING = "pressing"  # 较急
    URGENT = "urgent"  # 紧急

    @property
    def label(self):
        return {
            Urgency.NORMAL: _l("Normal"),
            Urgency.PRESSING: _l("Pressing"),
            Urgency.URGENT: _l("Urgent"),
        }[self]

    @property
    def badge(self):
        return {
            Urgency.NORMAL: "secondary",
            Urgency.PRESSING: "warning",
            Urgency.URGENT: "danger",
        }[self]

    @property
    def rank(self):
        """Most urgent first when sorting."""
        return {Urgency.URGENT: 0, Urgency.PRESSING: 1, Urgency.NORMAL: 2}[self]


class Verdict(StrEnum):
    """核实结果 of an activity by the residents' committee."""

    CONFIRMED = "confirmed"  # 属实
    DISPUTED = "disputed"  # 有异议

    @property
    def label(self):
        return {
            Verdict.CONFIRMED: _l("Confirmed as held"),
            Verdict.DISPUTED: _l("Disputed"),
        }[self]

    @property
    def badge(self):
        return {Verdict.CONFIRMED: "success", Verdict.DISPUTED: "danger"}[self]


class Pricing(StrEnum):
    """收费方式 of a service to residents: 无偿 / 低偿 / 有偿."""

    FREE = "free"  # 无偿
    LOW_COST = "low_cost"  # 低偿
    PAID = "paid"  # 有偿

    @property
    def label(self):
        return {
            Pricing.FREE: _l("Free (无偿)"),
            Pricing.LOW_COST: _l("Low-cost (低偿)"),
            Pricing.PAID: _l("Paid (有偿)"),
        }[self]

    @property
    def contract_text(self):
        """The term printed in contracts, which are always in Chinese."""
        return {Pricing.FREE: "无偿", Pricing.LOW_COST: "低偿", Pricing.PAID: "有偿"}[self]


class SurveyQuestion(StrEnum):
    """满意度调查题目: each answered on a scale of 1 (very dissatisfied) to 5 (very satisfied)."""

    OVERALL = "overall"  # 总体满意度
    NEEDS = "needs"  # 服务满足需求
    STAFF = "staff"  # 服务人员态度与专业
    SCHEDULE = "schedule"  # 活动时间与地点

    @property
    def label(self):
        return {
            SurveyQuestion.OVERALL: _l("How satisfied are you with the service overall?"),
            SurveyQuestion.NEEDS: _l("How well does the service meet your needs?"),
            SurveyQuestion.STAFF: _l("How satisfied are you with the staff's attitude and skill?"),
            SurveyQuestion.SCHEDULE: _l(
                "How satisfied are you with the times and places of the activities?"
            ),
        }[self]

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
