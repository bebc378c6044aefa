"""Evaluations of funded projects (中期评估 / 结项评估), their rubric and score sheets."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from venture.core.columns import BlankText, Key, Moment, Points
from venture.core.db import TimestampMixin, enum_type
from venture.core.mixins import CriterionScore, ScoredByCriterion, children, parent_key
from venture.evaluation.enums import OPEN_STATES, EvaluationKind, EvaluationState, Grade
from venture.extensions import db


class EvaluationCriterion(db.Model):
    """评估指标: one criterion of a call's evaluation rubric for one kind of evaluation."""

    __tablename__ = "evaluation_criterion"

    id: Mapped[Key]
    call_id: Mapped[int] = parent_key("call")
    kind: Mapped[EvaluationKind] = mapped_column(enum_type(EvaluationKind, 10))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[BlankText]
    max_score: Mapped[Decimal] = mapped_column(Points)

    __table_args__ = (
        sa.UniqueConstraint(
            "call_id", "kind", "position", name="uq_evaluation_criterion_call_kind_position"
        ),
        sa.CheckConstraint("max_score > 0", name="max_positive"),
    )


class Evaluation(ScoredByCriterion, TimestampMixin, db.Model):
    """评估: one evaluator's evaluation of one project, from assignment to a final result.

    A failed evaluation can be followed, after rectification (整改), by a re-evaluation of the
    same kind (`reevaluation_of`, `round` 2, 3…).
    """

    __tablename__ = "evaluation"

    id: Mapped[Key]
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("project.id"), index=True)
    kind: Mapped[EvaluationKind] = mapped_column(enum_type(EvaluationKind, 10))
    round: Mapped[int] = mapped_column(default=1)
    reevaluation_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("evaluation.id"))
    state: Mapped[EvaluationState] = mapped_column(
        enum_type(EvaluationState, 20), default=EvaluationState.ASSIGNED, index=True
    )
    # None after the evaluator declared a conflict, until staff assign another
    evaluator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    assigned_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    assigned_at: Mapped[Moment]
    # the organization's self-assessment, due by the end of this Asia/Shanghai day
    self_assessment_due: Mapped[date]
    self_assessment: Mapped[BlankText]
    self_assessment_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"))
    final_report_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_file.id"))
    self_submitted_at: Mapped[Moment | None]
    # the evaluator's site visit (实地评估)
    site_visit_on: Mapped[date | None]
    site_visit_place: Mapped[str] = mapped_column(sa.String(200), default="")
    site_visit_people: Mapped[BlankText]
    site_visit_notes: Mapped[BlankText]
    overall_comment: Mapped[BlankText]
    total: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 1, asdecimal=True))
    grade: Mapped[Grade | None] = mapped_column(enum_type(Grade, 10))
    scored_at: Mapped[Moment | None]
    announcement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("announcement.id"))
    announced_at: Mapped[Moment | None]
    passed: Mapped[bool | None]
    finalised_at: Mapped[Moment | None]
    conflict_notes: Mapped[BlankText]
    # moved on by every save of the score sheet (venture.core.concurrency.claim_edit)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    project = relationship("Project", lazy="joined")
    evaluator = relationship("User", foreign_keys=[evaluator_id], lazy="joined")
    assigned_by = relationship("User", foreign_keys=[assigned_by_id])
    self_assessment_file = relationship("StoredFile", foreign_keys=[self_assessment_file_id])
    final_report_file = relationship("StoredFile", foreign_keys=[final_report_file_id])
    announcement = relationship("Announcement")
    reevaluation_of = relationship("Evaluation", remote_side="Evaluation.id")
    scores = children("EvaluationScore", "evaluation", lazy="selectin")

    __table_args__ = (
        sa.CheckConstraint(
            "state IN ('assigned', 'self_assessed') OR (total IS NOT NULL AND grade IS NOT NULL "
            "AND scored_at IS NOT NULL)",
            name="scored_has_total",
        ),
        sa.CheckConstraint("state != 'final' OR passed IS NOT NULL", name="final_has_outcome"),
        sa.CheckConstraint("round >= 1", name="round_positive"),
    )

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def is_reevaluation(self):
        return self.reevaluation_of_id is not None

    @property
    def self_assessment_submitted(self):
        return self.self_submitted_at is not None

    @property
    def result_public(self):
        """The organization sees scores once the result is announced."""
        return self.state in (EvaluationState.ANNOUNCED, EvaluationState.FINAL)


class EvaluationScore(CriterionScore, db.Model):
    """评估得分: the score of one criterion, and what was typed (kept even when invalid)."""

    __tablename__ = "evaluation_score"

    id: Mapped[Key]
    evaluation_id: Mapped[int] = parent_key("evaluation")
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_criterion.id"))

    evaluation = relationship("Evaluation", back_populates="scores")
    criterion = relationship("EvaluationCriterion", lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint(
            "evaluation_id", "criterion_id", name="uq_evaluation_score_evaluation_id_criterion_id"
        ),
        sa.CheckConstraint("score IS NULL OR score >= 0", name="score_not_negative"),
    )
