"""Expert pool, rubrics, panels, assignments and score sheets (专家评审)."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from venture.core.columns import BlankText, Key, Moment, Points, Text, UserId
from venture.core.db import TimestampMixin, enum_type
from venture.core.mixins import CriterionScore, ScoredByCriterion, children, link_table, parent_key
from venture.extensions import db
from venture.review.enums import (
    AffiliationKind,
    Aggregation,
    AssignmentState,
    PanelMethod,
    SheetState,
)

reviewer_expertise = link_table(
    "reviewer_expertise",
    ("reviewer_id", "reviewer_profile.id"),
    ("category_id", "service_category.id"),
)


class ReviewerProfile(TimestampMixin, db.Model):
    """专家: a reviewer account in the expert pool, with fields of expertise and ties."""

    __tablename__ = "reviewer_profile"

    id: Mapped[Key]
    user_id: Mapped[UserId] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(sa.String(60), default="")  # 职称
    employer: Mapped[str] = mapped_column(sa.String(200), default="")  # 工作单位
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    notes: Mapped[BlankText]
    # out of the pool: never drawn, kept for the records of past panels
    active: Mapped[bool] = mapped_column(default=True)
    # the reviewer's queue counted (queue_counts): assignments to applications, standing ones,
    # standing ones with the sheet submitted; kept by keep_queue_counts whatever operation
    # changes an assignment or a sheet, checked by `flask integrity check`
    queue_listed: Mapped[int] = mapped_column(default=0, server_default="0")
    queue_standing: Mapped[int] = mapped_column(default=0, server_default="0")
    queue_submitted: Mapped[int] = mapped_column(default=0, server_default="0")

    user = relationship("User", lazy="joined")
    expertise = relationship(
        "ServiceCategory",
        secondary=reviewer_expertise,
        lazy="selectin",
        order_by="ServiceCategory.id",
    )
    affiliations = children(
        "ReviewerAffiliation", "reviewer", lazy="selectin", order_by="ReviewerAffiliation.id"
    )

    @property
    def name(self):
        return self.user.name


class ReviewerAffiliation(TimestampMixin, db.Model):
    """关联单位: an organization a reviewer works or worked for, governs, or is tied to."""

    __tablename__ = "reviewer_affiliation"

    id: Mapped[Key]
    reviewer_id: Mapped[int] = parent_key("reviewer_profile")
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    kind: Mapped[AffiliationKind] = mapped_column(enum_type(AffiliationKind, 20))
    role: Mapped[str] = mapped_column(sa.String(100), default="")
    started_on: Mapped[date | None]
    ended_on: Mapped[date | None]  # None: still holds
    created_by_id: Mapped[UserId]

    reviewer = relationship("ReviewerProfile", back_populates="affiliations")
    organization = relationship("Organization", lazy="joined")

    __table_args__ = (
        sa.CheckConstraint(
            "ended_on IS NULL OR started_on IS NULL OR ended_on >= started_on",
            name="dates_in_order",
        ),
    )


class ReviewCriterion(db.Model):
    """评分标准: one criterion of a call's rubric."""

    __tablename__ = "review_criterion"

    id: Mapped[Key]
    call_id: Mapped[int] = parent_key("call")
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[BlankText]
    max_score: Mapped[Decimal] = mapped_column(Points)

    __table_args__ = (
        sa.UniqueConstraint("call_id", "position", name="uq_review_criterion_call_id_position"),
        sa.CheckConstraint("max_score > 0", name="max_positive"),
    )


class Panel(TimestampMixin, db.Model):
    """评审专家组: one call's panel, how it was formed, and its review settings."""

    __tablename__ = "panel"

    id: Mapped[Key]
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("call.id"), unique=True)
    method: Mapped[PanelMethod] = mapped_column(enum_type(PanelMethod, 10))
    size: Mapped[int]  # members, reserves not counted
    reviewers_per_application: Mapped[int]
    blind: Mapped[bool] = mapped_column(default=False)
    deadline: Mapped[date | None]  # scoring due by the end of this local day
    spread_threshold: Mapped[Decimal] = mapped_column(Points, default=Decimal("20.0"))
    aggregation: Mapped[Aggregation] = mapped_column(
        enum_type(Aggregation, 20), default=Aggregation.MEAN
    )
    # the draw, kept so anyone can redo it: Random(seed).sample(sorted candidates, size+reserves)
    seed: Mapped[str | None] = mapped_column(sa.String(64))
    draw_categories: Mapped[list | None] = mapped_column(sa.JSON)
    candidates: Mapped[list | None] = mapped_column(sa.JSON)
    drawn: Mapped[list | None] = mapped_column(sa.JSON)
    formed_by_id: Mapped[UserId]
    reminded_at: Mapped[Moment | None]
    proposed_at: Mapped[Moment | None]
    # one more each time an assignment, sheet or score of the panel changes (keep_figures_version):
    # the stored aggregates, ranking and progress of the panel (review.results) follow it
    figures_version: Mapped[int] = mapped_column(default=0, server_default="0")

    call = relationship("Call", lazy="joined")
    formed_by = relationship("User")
    members = children("PanelMember", "panel", order_by="PanelMember.position", lazy="selectin")

    __table_args__ = (
        sa.CheckConstraint("size >= 3 AND size % 2 = 1", name="size_odd_at_least_3"),
        sa.CheckConstraint(
            "reviewers_per_application >= 1 AND reviewers_per_application <= size",
            name="k_within_size",
        ),
    )

    @property
    def regular_members(self):
        return [m for m in self.members if not m.reserve]

    @property
    def reserve_members(self):
        return [m for m in self.members if m.reserve]


class PanelMember(db.Model):
    """专家组成员 (or 备选专家 when reserve)."""

    __tablename__ = "panel_member"

    id: Mapped[Key]
    panel_id: Mapped[int] = parent_key("panel")
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("reviewer_profile.id"), index=True)
    reserve: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int]

    panel = relationship("Panel", back_populates="members")
    reviewer = relationship("ReviewerProfile", lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint("panel_id", "reviewer_id", name="uq_panel_member_panel_id_reviewer_id"),
    )


class ReviewAssignment(TimestampMixin, db.Model):
    """评审分配: one reviewer on one thing scored, an application (venture-grant review, the
    roadshow) or a bid (tender evaluation); a declared conflict keeps the row."""

    __tablename__ = "review_assignment"

    id: Mapped[Key]
    panel_id: Mapped[int] = parent_key("panel")
    # exactly one of the two: what is scored
    application_id: Mapped[int | None] = mapped_column(sa.ForeignKey("application.id"), index=True)
    bid_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("bid.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("reviewer_profile.id"), index=True)
    state: Mapped[AssignmentState] = mapped_column(
        enum_type(AssignmentState, 10), default=AssignmentState.ACTIVE
    )
    # the reviewer's declaration before opening: no conflict (then the sheet exists) or one
    no_conflict_at: Mapped[Moment | None]
    conflict_at: Mapped[Moment | None]
    conflict_reason: Mapped[Text | None]
    created_by_id: Mapped[UserId]
    # the reviewer's queue order, kept on the row (keep_queue_order) so one index serves it:
    # queue_group = 8 × panel proposed + 4 × not active + sheet (0 none, 1 open, 2 submitted),
    # then the panel's deadline
    queue_group: Mapped[int] = mapped_column(sa.SmallInteger, default=0, server_default="0")
    queue_due: Mapped[date | None]

    panel = relationship("Panel")
    application = relationship("Application", lazy="joined")
    bid = relationship("Bid")
    reviewer = relationship("ReviewerProfile", lazy="joined")
    sheet = relationship(
        "ReviewSheet", uselist=False, back_populates="assignment", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.UniqueConstraint(
            "application_id", "reviewer_id", name="uq_review_assignment_application_id_reviewer_id"
        ),
        sa.UniqueConstraint(
            "bid_id", "reviewer_id", name="uq_review_assignment_bid_id_reviewer_id"
        ),
        sa.CheckConstraint(
            "(application_id IS NULL AND bid_id IS NOT NULL)"
            " OR (application_id IS NOT NULL AND bid_id IS NULL)",
            name="application_or_bid",
        ),
        # a reviewer's queue and its counts of standing assignments
        sa.Index("ix_review_assignment_reviewer_id_state", "reviewer_id", "state"),
        # the queue's order: a page is read off the index, nothing sorted; with what is
        # scored (an application, not a bid), so the queue's counts read the index alone
        sa.Index(
            "ix_review_assignment_reviewer_id_queue_application",
            "reviewer_id",
            "queue_group",
            "queue_due",
            "id",
            "application_id",
        ),
        # a panel's standing, submitted and outstanding sheets, counted from the index alone
        sa.Index("ix_review_assignment_panel_id_queue_group", "panel_id", "queue_group"),
    )

    @property
    def is_active(self):
        return self.state == AssignmentState.ACTIVE

    @property
    def is_submitted(self):
        return self.sheet is not None and self.sheet.state == SheetState.SUBMITTED


class ReviewSheet(ScoredByCriterion, TimestampMixin, db.Model):
    """评分表: one reviewer's scores for one application or bid (its assignment says which)."""

    __tablename__ = "review_sheet"

    id: Mapped[Key]
    assignment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review_assignment.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[SheetState] = mapped_column(
        enum_type(SheetState, 10), default=SheetState.DRAFT, index=True
    )
    overall_comment: Mapped[BlankText]
    total: Mapped[Decimal | None] = mapped_column(sa.Numeric(7, 1, asdecimal=True))
    submitted_at: Mapped[Moment | None]
    # set once and never cleared: the call's rubric is locked from then on
    first_submitted_at: Mapped[Moment | None]

    assignment = relationship("ReviewAssignment", back_populates="sheet")
    scores = children("ReviewScore", "sheet", lazy="selectin")

    __table_args__ = (
        sa.CheckConstraint(
            "state = 'draft' OR (total IS NOT NULL AND submitted_at IS NOT NULL)",
            name="submitted_has_total",
        ),
    )


class ReviewScore(CriterionScore, db.Model):
    """评分项: the score of one criterion, and what was typed (kept even when invalid)."""

    __tablename__ = "review_score"

    id: Mapped[Key]
    sheet_id: Mapped[int] = parent_key("review_sheet")
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("review_criterion.id"))

    sheet = relationship("ReviewSheet", back_populates="scores")

    __table_args__ = (
        sa.UniqueConstraint(
            "sheet_id", "criterion_id", name="uq_review_score_sheet_id_criterion_id"
        ),
        sa.CheckConstraint("score IS NULL OR score >= 0", name="score_not_negative"),
    )


# ── the reviewer's queue order, denormalised onto the assignment ────────────────────────────


def queue_group(proposed, active, sheet_state):
    """Panels still scoring first, then standing assignments, then unopened, open and
    submitted sheets (the order the three-table sort gave on SQLite, where NULL comes first)."""
    sheet = {None: 0, SheetState.DRAFT: 1, SheetState.SUBMITTED: 2}[sheet_state]
    return 8 * bool(proposed) + 4 * (not active) + sheet


# the queue groups of standing (active) assignments, whatever their panel and sheet, and of
# those whose sheet is submitted
STANDING_GROUPS = tuple(
    queue_group(proposed, True, sheet)
    for proposed in (False, True)
    for sheet in (None, SheetState.DRAFT, SheetState.SUBMITTED)
)
SUBMITTED_GROUPS = tuple(queue_group(proposed, True, SheetState.SUBMITTED) for proposed in (0, 1))
OUTSTANDING_GROUPS = tuple(group for group in STANDING_GROUPS if group not in SUBMITTED_GROUPS)


def counted_queue(reviewer_id):
    """The three counts of a reviewer's queue as scalar subqueries of reviewer_id (a column or
    a value): assignments to applications, standing ones, standing and submitted ones, counted
    off the queue's index from the queue columns alone (no sheet is read)."""
    table = ReviewAssignment.__table__

    def count(*conditions):
        return (
            sa.select(sa.func.count())
            .where(
                table.c.reviewer_id == reviewer_id,
                table.c.application_id.is_not(None),  # a tender's sheets are not review work
                *conditions,
            )
            .scalar_subquery()
        )

    return (
        count(),
        count(table.c.queue_group.in_(STANDING_GROUPS)),
        count(table.c.queue_group.in_(SUBMITTED_GROUPS)),
    )


def queue_counts(reviewer_id):
    """(assignments in the queue, standing ones, standing and submitted) of a reviewer, as
    stored on the profile (keep_queue_counts)."""
    table = ReviewerProfile.__table__
    return tuple(
        db.session.execute(
            sa.select(table.c.queue_listed, table.c.queue_standing, table.c.queue_submitted).where(
                table.c.id == reviewer_id
            )
        ).one()
    )


def refresh_queue_counts(connection, reviewer_ids=None):
    """Count the queues of the given reviewers (all of them by default) again, in one UPDATE;
    bookkeeping, not an edit of the profile: its updated_at stays."""
    table = ReviewerProfile.__table__
    listed, standing, submitted = counted_queue(table.c.id)
    update = table.update().values(
        queue_listed=listed,
        queue_standing=standing,
        queue_submitted=submitted,
        updated_at=table.c.updated_at,
    )
    if reviewer_ids is not None:
        ids = sorted(reviewer_ids)
        # PostgreSQL: wait for the other transactions changing these queues first, so that the
        # count, a statement of its own, sees what they committed (an UPDATE that waited on a
        # row keeps the snapshot it started with); SQLite runs one writer at a time
        connection.execute(
            sa.select(table.c.id)
            .where(table.c.id.in_(ids))
            .order_by(table.c.id)
            .with_for_update(key_share=True)
        )
        update = update.where(table.c.id.in_(ids))
    connection.execute(update)


@sa.event.listens_for(Session, "before_flush")
def _note_queue_changes(session, _context, _instances):
    """The assignments this flush adds, changes or removes (a sheet's change is its
    assignment's): keep_queue_counts counts their reviewers' queues again after the flush."""
    noted = session.info.setdefault("queue_changes", [set(), set()])
    assignments, reviewer_ids = noted
    for record in [*session.new, *session.dirty, *session.deleted]:
        if isinstance(record, ReviewSheet):
            record = record.assignment
        if isinstance(record, ReviewAssignment):
            assignments.add(record)
            # a reviewer taken off the assignment has one fewer
            reviewer_ids.update(
                i for i in sa.inspect(record).attrs.reviewer_id.history.deleted if i is not None
            )


@sa.event.listens_for(Session, "after_flush")
def keep_queue_counts(session, _context):
    """Every flush that adds, changes or removes an assignment or a sheet counts the queues of
    the reviewers concerned again (ReviewerProfile.queue_*), whichever operation made the
    change. A panel's proposal moves its assignments' queue groups (keep_queue_order) between
    groups that count alike, so it needs no count."""
    assignments, reviewer_ids = session.info.pop("queue_changes", [set(), set()])
    reviewer_ids |= {a.reviewer_id for a in assignments if a.reviewer_id is not None}
    if reviewer_ids:
        refresh_queue_counts(session.connection(), reviewer_ids)


@sa.event.listens_for(Session, "before_flush")
def keep_queue_order(session, _context, _instances):
    """Every flush that adds or changes an assignment, a sheet or a panel keeps the queue
    columns of the assignments concerned right, whichever operation made the change."""
    gone = {o for o in session.deleted if isinstance(o, ReviewSheet)}
    assignments = set()
    for record in [*session.new, *session.dirty, *gone]:
        if isinstance(record, ReviewAssignment):
            assignments.add(record)
        elif isinstance(record, ReviewSheet) and record.assignment is not None:
            assignments.add(record.assignment)
        elif isinstance(record, Panel) and record in session.dirty:
            _panel_changed(session, record)
    for assignment in assignments:
        if assignment in session.deleted:
            continue
        panel = assignment.panel or session.get(Panel, assignment.panel_id)
        sheet = assignment.sheet
        sheet_state = None if sheet is None or sheet in gone else sheet.state or SheetState.DRAFT
        # a new row's state is still None here: the column's default, active, comes at INSERT
        state = assignment.state or AssignmentState.ACTIVE
        assignment.queue_group = queue_group(
            panel.proposed_at is not None, state == AssignmentState.ACTIVE, sheet_state
        )
        assignment.queue_due = panel.deadline


@sa.event.listens_for(Session, "before_flush")
def keep_figures_version(session, _context, _instances):
    """Every flush that adds, changes or removes an assignment, a sheet or a score moves its
    panel's figures_version on, whichever operation made the change."""
    panel_ids = set()
    for record in [*session.new, *session.dirty, *session.deleted]:
        if isinstance(record, ReviewScore):
            record = record.sheet
        if isinstance(record, ReviewSheet):
            record = record.assignment
        if isinstance(record, ReviewAssignment):
            panel = record.panel if record.panel_id is None else None
            panel_ids.add(record.panel_id if panel is None else panel.id)
    panel_ids.discard(None)  # a panel not inserted yet has no stored figures
    if panel_ids:
        table = Panel.__table__
        session.connection().execute(
            table.update()
            .where(table.c.id.in_(sorted(panel_ids)))
            # bookkeeping, not an edit of the panel: its updated_at stays
            .values(figures_version=table.c.figures_version + 1, updated_at=table.c.updated_at)
        )


def _panel_changed(session, panel):
    state = sa.inspect(panel)
    if not (
        state.attrs.deadline.history.has_changes() or state.attrs.proposed_at.history.has_changes()
    ):
        return
    table = ReviewAssignment.__table__
    # the panel's assignments, loaded or not, in one statement on the flush's connection
    session.connection().execute(
        table.update()
        .where(table.c.panel_id == panel.id)
        .values(
            queue_due=panel.deadline,
            queue_group=table.c.queue_group % 8 + (8 if panel.proposed_at is not None else 0),
        )
    )


def refresh_queue_order(connection):
    """Set every assignment's queue columns from its panel and sheet, and every reviewer's
    queue counts (after bulk inserts)."""
    table, panel, sheet = ReviewAssignment.__table__, Panel.__table__, ReviewSheet.__table__
    of_panel = sa.select(panel.c.proposed_at).where(panel.c.id == table.c.panel_id)
    sheet_state = (
        sa.select(sheet.c.state).where(sheet.c.assignment_id == table.c.id).scalar_subquery()
    )
    connection.execute(
        table.update().values(
            queue_due=sa.select(panel.c.deadline)
            .where(panel.c.id == table.c.panel_id)
            .scalar_subquery(),
            queue_group=sa.case((of_panel.scalar_subquery().is_not(None), 8), else_=0)
            + sa.case((table.c.state != AssignmentState.ACTIVE, 4), else_=0)
            + sa.case(
                (sheet_state == SheetState.SUBMITTED, 2),
                (sheet_state == SheetState.DRAFT, 1),
                else_=0,
            ),
        )
    )
    refresh_queue_counts(connection)
