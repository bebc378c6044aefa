"""What several tables share: a parent and the rows deleted with it, and column groups as
declarative mixins."""

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from venture.core.columns import BlankText, FileId, Points
from venture.core.db import Model


class LabelledFile:
    """A file of the upload store under a label: an attachment or a document of a record."""

    label: Mapped[str] = mapped_column(sa.String(200))
    file_id: Mapped[FileId]

    @declared_attr
    def file(cls):
        return relationship("StoredFile", lazy="joined")


class CriterionScore:
    """The score of one criterion of a rubric, and what was typed (kept even when invalid)."""

    raw: Mapped[str] = mapped_column(sa.String(20), default="")
    score: Mapped[Decimal | None] = mapped_column(Points)
    comment: Mapped[BlankText]


class ScoredByCriterion:
    """A record whose `scores` are CriterionScore rows, one a criterion."""

    def score_for(self, criterion_id):
        for score in self.scores:
            if score.criterion_id == criterion_id:
                return score
        return None


def link_table(name, owner, other, *, other_ondelete=None):
    """A many-to-many table of two keys, (column, "table.id") each, that are its primary key;
    deleting the owner (the first) deletes its links."""
    return sa.Table(
        name,
        Model.metadata,
        sa.Column(owner[0], sa.ForeignKey(owner[1], ondelete="CASCADE"), primary_key=True),
        sa.Column(other[0], sa.ForeignKey(other[1], ondelete=other_ondelete), primary_key=True),
    )


def parent_key(table):
    """The row's parent in `table`: indexed, and deleting the parent deletes the row."""
    return mapped_column(sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), index=True)


def children(model, parent, **options):
    """The rows of `model` that belong to this one (their `parent` side, a parent_key): saved
    with it, and deleted with it or when taken out of the collection."""
    return relationship(model, cascade="all, delete-orphan", back_populates=parent, **options)
