"""Columns of an import: the name written in templates, the variants people use, and the
rows of a file read against them."""

import difflib
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

from venture.imports.enums import RowAction
from venture.imports.parsers import UnreadableFile, clean_text, header_key

_BRACKETS = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # as the template writes it
    aliases: tuple = ()
    required: bool = False
    choices: tuple = ()  # the template offers these in a drop-down list
    example: str = ""
    width: int = 18

    def keys(self):
        return {header_key(name) for name in (self.header, *self.aliases)}


@dataclass
class Placed:
    """A column found in a file: where it is and what its header says."""

    column: Column
    index: int
    header: str
    scale: int = 1  # 10000 for amounts in 万元


def match_header(columns, text):
    """(column, scale) named by a header cell, or (None, 1)."""
    key = header_key(text)
    scale = 10000 if "万元" in key else 1
    bare = _BRACKETS.sub("", key)
    for column in columns:
        keys = column.keys()
        if key in keys or bare in keys:
            return column, scale
    return None, 1


def place_columns(columns, headers):
    """The file's known columns; a missing required one makes the file unusable."""
    placed = {}
    for index, text in enumerate(headers):
        column, scale = match_header(columns, text)
        if column is not None and column.field not in placed:
            placed[column.field] = Placed(column, index, text, scale)
    missing = [c.header for c in columns if c.required and c.field not in placed]
    if missing:
        raise UnreadableFile(
            _(
                "The file has no column %(names)s. Name the columns as in the template.",
                names="、".join(missing),
            )
        )
    return placed


def nearest(name, candidates, n=3):
    """The known names closest to a name that was not found."""
    return difflib.get_close_matches(name, list(candidates), n=n, cutoff=0.4)


def unknown_message(what, name, candidates):
    close = nearest(name, candidates)
    if close:
        return _(
            "Unknown %(what)s “%(name)s”. Did you mean: %(names)s?",
            what=what,
            name=name,
            names="、".join(close),
        )
    return _("Unknown %(what)s “%(name)s”.", what=what, name=name)


@dataclass
class RowResult:
    """One data row of a file, read and judged."""

    number: int
    cells: dict  # field -> the text as written
    values: dict = field(default_factory=dict)  # field -> parsed value
    issues: list = field(default_factory=list)  # [(field, message)]
    changes: dict = field(default_factory=dict)  # field -> (before, after), for updates
    action: RowAction | None = None
    target: object = None  # the matched record, for updates
    extra: dict = field(default_factory=dict)
    present: frozenset = frozenset()  # the fields the file has a column for

    def refuse(self, field_name, message):
        self.issues.append((field_name, message))

    @property
    def refused(self):
        return bool(self.issues)

    def issues_of(self, field_name):
        return [message for name, message in self.issues if name == field_name]


def read_cells(placed, values):
    """{field: cell value} of a row, by the placed columns."""
    return {
        name: (values[p.index] if p.index < len(values) else None) for name, p in placed.items()
    }


def shown(value):
    return clean_text(value)
