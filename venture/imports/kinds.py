"""What an import kind knows: its columns, how a row is read and judged, how accepted rows
are written and how a written record is put back. The registry maps ImportKind to a kind."""

from flask_babel import gettext as _
from sqlalchemy import select

from venture.extensions import db
from venture.imports.columns import RowResult, unknown_message
from venture.imports.enums import RowAction
from venture.imports.models import ImportRecord
from venture.imports.parsers import CellError, clean_text

CHUNK = 900  # ids in one IN (...): below SQLite's older limit of 999 parameters


def chunks(values, size=CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


class Kind:
    """The shared reading of cells; subclasses say what a row means."""

    kind = None
    columns = ()
    example = {}  # field -> the template's example value

    # reading ------------------------------------------------------------------------------
    def read(self, number, cells, scales=None):
        result = RowResult(
            number=number,
            cells={k: clean_text(v) for k, v in cells.items()},
            present=frozenset(cells),
            extra={"scales": scales or {}},
        )
        self.parse(result, cells)
        return result

    def parse(self, result, cells):
        raise NotImplementedError

    def text(self, result, cells, name, *, max_length, required=False):
        """A text cell, stripped; a refusal when required and empty or when too long."""
        value = clean_text(cells.get(name))
        if required and not value:
            result.refuse(name, _("This cell is required."))
        elif len(value) > max_length:
            result.refuse(
                name, _("At most %(n)d characters; this has %(m)d.", n=max_length, m=len(value))
            )
        result.values[name] = value
        return value

    def parsed(self, result, cells, name, parser, *, required=False):
        """A cell through a parser; a refusal with the parser's reason when it fails."""
        raw = cells.get(name)
        if clean_text(raw) == "":
            if required:
                result.refuse(name, _("This cell is required."))
            result.values[name] = None
            return None
        try:
            value = parser(raw)
        except CellError as error:
            result.refuse(name, str(error))
            value = None
        result.values[name] = value
        return value

    def unknown(self, result, name, what, value, candidates):
        result.refuse(name, unknown_message(what, value, candidates))

    # judging ------------------------------------------------------------------------------
    def context(self, results, present):
        """Everything decide() needs from the database, loaded in a few queries."""
        return {}

    def decide(self, result, ctx):
        raise NotImplementedError

    def finish(self, results, ctx):
        """A last pass over all rows once each is decided (for matches made in bulk)."""

    def compare(self, result, record, pairs):
        """Fill result.changes from (field, attribute, new value) for cells that were given."""
        for field_name, attribute, value in pairs:
            if field_name not in result.present or value in (None, ""):
                continue
            before = getattr(record, attribute)
            if before != value:
                result.changes[attribute] = (before, value)
        result.action = RowAction.UPDATE if result.changes else RowAction.UNCHANGED

    # writing ------------------------------------------------------------------------------
    def apply(self, results, ctx, *, actor, batch):
        """Write the accepted rows; return the ImportRecords of what was written."""
        raise NotImplementedError

    # changes shown in the preview but not applied by an update (a kind applies them itself)
    unapplied_changes = ()

    def update_record(self, batch, result, record):
        """Apply result.changes to record and return its ImportRecord."""
        before, after = {}, {}
        for attribute, (old, new) in result.changes.items():
            if attribute in self.unapplied_changes:
                continue
            self.apply_change(record, attribute, new, result)
            before[attribute], after[attribute] = plain(old), plain(new)
        return ImportRecord(
            batch_id=batch.id,
            row_number=result.number,
            action=RowAction.UPDATE,
            object_type=type(record).__name__,
            object_id=record.id,
            before=before,
            after=after,
        )

    def apply_change(self, record, attribute, new, result):
        setattr(record, attribute, new)

    def restore(self, record, entry):
        """Put an updated record back as it was; a message if it changed since."""
        for attribute, value in entry.after.items():
            if plain(getattr(record, attribute)) != value:
                return _(
                    "row %(row)d: %(field)s was changed after the import",
                    row=entry.row_number,
                    field=attribute,
                )
        for attribute, value in entry.before.items():
            setattr(record, attribute, self.typed(attribute, value))
        return None

    def typed(self, attribute, value):
        return value


def plain(value):
    """A value as JSON keeps it."""
    from decimal import Decimal
    from enum import Enum

    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    return value


def added(batch, result, record, object_id=None):
    """The ImportRecord of a record the batch created (a model class and an id will do)."""
    kind = record if isinstance(record, type) else type(record)
    return ImportRecord(
        batch_id=batch.id,
        row_number=result.number,
        action=RowAction.ADD,
        object_type=kind.__name__,
        object_id=record.id if object_id is None else object_id,
        after=None,
    )


def load_by(model, attribute, values):
    """{value: record} for records whose attribute is among values, in chunks."""
    found = {}
    for part in chunks(set(values)):
        for record in db.session.scalars(select(model).where(attribute.in_(part))):
            found[getattr(record, attribute.key)] = record
    return found
