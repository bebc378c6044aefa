"""What several tables share: a parent and the rows deleted with it, and column groups as
declarative mixins."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from venture.core.columns import FileId


class LabelledFile:
    """A file of the upload store under a label: an attachment or a document of a record."""

    label: Mapped[str] = mapped_column(sa.String(200))
    file_id: Mapped[FileId]

    @declared_attr
    def file(cls):
        return relationship("StoredFile", lazy="joined")


def parent_key(table):
    """The row's parent in `table`: indexed, and deleting the parent deletes the row."""
    return mapped_column(sa.ForeignKey(f"{table}.id", ondelete="CASCADE"), index=True)


def children(model, parent, **options):
    """The rows of `model` that belong to this one (their `parent` side, a parent_key): saved
    with it, and deleted with it or when taken out of the collection."""
    return relationship(model, cascade="all, delete-orphan", back_populates=parent, **options)
