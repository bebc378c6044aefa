"""one set of scoring tables: tender sheets move into review's assignment/sheet/score tables

An assignment scores an application or a bid (exactly one); each bid_sheet becomes an assignment
on the tender's panel with its sheet, and each bid_score a review_score. The old tables go.

Revision ID: i17_shared_sheets
Revises: i19_security
Create Date: 2026-12-07 10:20:00

"""

from alembic import op
import sqlalchemy as sa

import venture.core.db


# revision identifiers, used by Alembic.
revision = "i17_shared_sheets"
down_revision = "i19_security"
branch_labels = None
depends_on = None


ORPHANS = """
SELECT count(*) FROM bid_sheet s
JOIN bid b ON b.id = s.bid_id
JOIN tender t ON t.id = b.tender_id
WHERE NOT EXISTS (SELECT 1 FROM panel p WHERE p.call_id = t.call_id)
"""

# queue_group as review.models.queue_group: 8 × panel proposed + 4 × not active (never here)
# + the sheet (1 draft, 2 submitted); queue_due is the panel's deadline
ASSIGNMENTS_FROM_BID_SHEETS = """
INSERT INTO review_assignment (panel_id, application_id, bid_id, reviewer_id, state,
    no_conflict_at, conflict_at, conflict_reason, created_by_id, created_at, updated_at,
    queue_group, queue_due)
SELECT p.id, NULL, s.bid_id, s.reviewer_id, 'active',
    s.created_at, NULL, NULL, r.user_id, s.created_at, s.updated_at,
    CASE WHEN p.proposed_at IS NULL THEN 0 ELSE 8 END
        + CASE WHEN s.state = 'submitted' THEN 2 ELSE 1 END,
    p.deadline
FROM bid_sheet s
JOIN bid b ON b.id = s.bid_id
JOIN tender t ON t.id = b.tender_id
JOIN panel p ON p.call_id = t.call_id
JOIN reviewer_profile r ON r.id = s.reviewer_id
ORDER BY s.id
"""

SHEETS_FROM_BID_SHEETS = """
INSERT INTO review_sheet (assignment_id, state, overall_comment, total, submitted_at,
    first_submitted_at, created_at, updated_at)
SELECT a.id, s.state, s.overall_comment, s.total, s.submitted_at,
    NULL, s.created_at, s.updated_at
FROM bid_sheet s
JOIN review_assignment a ON a.bid_id = s.bid_id AND a.reviewer_id = s.reviewer_id
ORDER BY s.id
"""

SCORES_FROM_BID_SCORES = """
INSERT INTO review_score (sheet_id, criterion_id, raw, score, comment)
SELECT rs.id, bs.criterion_id, bs.raw, bs.score, bs.comment
FROM bid_score bs
JOIN bid_sheet s ON s.id = bs.sheet_id
JOIN review_assignment a ON a.bid_id = s.bid_id AND a.reviewer_id = s.reviewer_id
JOIN review_sheet rs ON rs.assignment_id = a.id
ORDER BY bs.id
"""

BID_SHEETS_FROM_SHEETS = """
INSERT INTO bid_sheet (bid_id, reviewer_id, state, overall_comment, total, submitted_at,
    created_at, updated_at)
SELECT a.bid_id, a.reviewer_id, rs.state, rs.overall_comment, rs.total, rs.submitted_at,
    rs.created_at, rs.updated_at
FROM review_sheet rs
JOIN review_assignment a ON a.id = rs.assignment_id
WHERE a.bid_id IS NOT NULL
ORDER BY rs.id
"""

BID_SCORES_FROM_SCORES = """
INSERT INTO bid_score (sheet_id, criterion_id, raw, score, comment)
SELECT s.id, sc.criterion_id, sc.raw, sc.score, sc.comment
FROM review_score sc
JOIN review_sheet rs ON rs.id = sc.sheet_id
JOIN review_assignment a ON a.id = rs.assignment_id
JOIN bid_sheet s ON s.bid_id = a.bid_id AND s.reviewer_id = a.reviewer_id
ORDER BY sc.id
"""

ON_BIDS = "SELECT id FROM review_assignment WHERE bid_id IS NOT NULL"


def upgrade():
    with op.batch_alter_table("review_assignment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bid_id", sa.Integer(), nullable=True))
        batch_op.alter_column("application_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f("ix_review_assignment_bid_id"), ["bid_id"], unique=False)
        batch_op.create_unique_constraint(
            "uq_review_assignment_bid_id_reviewer_id", ["bid_id", "reviewer_id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_review_assignment_bid_id_bid"),
            "bid",
            ["bid_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_review_assignment_application_or_bid"),
            "(application_id IS NULL AND bid_id IS NOT NULL)"
            " OR (application_id IS NOT NULL AND bid_id IS NULL)",
        )

    connection = op.get_bind()
    orphans = connection.execute(sa.text(ORPHANS)).scalar()
    if orphans:
        raise RuntimeError(f"{orphans} bid sheets belong to a tender without a panel")
    op.execute(ASSIGNMENTS_FROM_BID_SHEETS)
    op.execute(SHEETS_FROM_BID_SHEETS)
    op.execute(SCORES_FROM_BID_SCORES)

    with op.batch_alter_table("bid_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bid_score_sheet_id"))
    op.drop_table("bid_score")
    with op.batch_alter_table("bid_sheet", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bid_sheet_reviewer_id"))
        batch_op.drop_index(batch_op.f("ix_bid_sheet_bid_id"))
    op.drop_table("bid_sheet")


def downgrade():
    op.create_table(
        "bid_sheet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bid_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "submitted",
                name="bidsheetstate",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("overall_comment", sa.Text(), nullable=False),
        sa.Column("total", sa.Numeric(precision=7, scale=1), nullable=True),
        sa.Column("submitted_at", venture.core.db.UTCDateTime(), nullable=True),
        sa.Column("created_at", venture.core.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", venture.core.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "state = 'draft' OR (total IS NOT NULL AND submitted_at IS NOT NULL)",
            name=op.f("ck_bid_sheet_submitted_has_total"),
        ),
        sa.ForeignKeyConstraint(
            ["bid_id"], ["bid.id"], name=op.f("fk_bid_sheet_bid_id_bid"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["reviewer_profile.id"],
            name=op.f("fk_bid_sheet_reviewer_id_reviewer_profile"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bid_sheet")),
        sa.UniqueConstraint("bid_id", "reviewer_id", name="uq_bid_sheet_bid_id_reviewer_id"),
    )
    with op.batch_alter_table("bid_sheet", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bid_sheet_bid_id"), ["bid_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_bid_sheet_reviewer_id"), ["reviewer_id"], unique=False
        )
    op.create_table(
        "bid_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("raw", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "score IS NULL OR score >= 0", name=op.f("ck_bid_score_score_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["review_criterion.id"],
            name=op.f("fk_bid_score_criterion_id_review_criterion"),
        ),
        sa.ForeignKeyConstraint(
            ["sheet_id"],
            ["bid_sheet.id"],
            name=op.f("fk_bid_score_sheet_id_bid_sheet"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bid_score")),
        sa.UniqueConstraint("sheet_id", "criterion_id", name="uq_bid_score_sheet_id_criterion_id"),
    )
    with op.batch_alter_table("bid_score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bid_score_sheet_id"), ["sheet_id"], unique=False)

    op.execute(BID_SHEETS_FROM_SHEETS)
    op.execute(BID_SCORES_FROM_SCORES)
    op.execute(
        "DELETE FROM review_score WHERE sheet_id IN (SELECT id FROM review_sheet"
        f" WHERE assignment_id IN ({ON_BIDS}))"
    )
    op.execute(f"DELETE FROM review_sheet WHERE assignment_id IN ({ON_BIDS})")
    op.execute("DELETE FROM review_assignment WHERE bid_id IS NOT NULL")

    with op.batch_alter_table("review_assignment", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_review_assignment_application_or_bid"), type_="check"
        )
        batch_op.drop_constraint(batch_op.f("fk_review_assignment_bid_id_bid"), type_="foreignkey")
        batch_op.drop_constraint("uq_review_assignment_bid_id_reviewer_id", type_="unique")
        batch_op.drop_index(batch_op.f("ix_review_assignment_bid_id"))
        batch_op.alter_column("application_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("bid_id")
