"""The XLSX files of the import: a template per kind and the organization list export."""

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select

from venture.extensions import db
from venture.imports.enums import ImportKind
from venture.imports.registry import kind_for
from venture.reference.models import ServiceCategory, Street

REQUIRED_FILL = PatternFill("solid", fgColor="FDE9D9")


def _lists(kind):
    """field -> the values a template offers in a drop-down list."""
    handler = kind_for(kind)
    lists = {c.field: list(c.choices) for c in handler.columns if c.choices}
    if kind in (ImportKind.ORGANIZATIONS,):
        lists["street"] = list(db.session.scalars(select(Street.name).order_by(Street.id)))
    if kind == ImportKind.PROJECTS:
        lists["category"] = list(
            db.session.scalars(select(ServiceCategory.name_zh).order_by(ServiceCategory.id))
        )
    return {k: v for k, v in lists.items() if v}


def template_workbook(kind):
    """Header row, one example row, drop-down lists for enumerations; bytes of an XLSX."""
    handler = kind_for(kind)
    book = Workbook()
    sheet = book.active
    sheet.title = "导入"
    values_sheet = book.create_sheet("选项")
    columns = handler.columns
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
        if column.required:
            cell.fill = REQUIRED_FILL
        sheet.cell(row=2, column=index, value=handler.example.get(column.field, ""))
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    lists = _lists(kind)
    for list_index, (field, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(list_index)
        for row, value in enumerate(values, start=1):
            values_sheet.cell(row=row, column=list_index, value=value)
        position = next(i for i, c in enumerate(columns, start=1) if c.field == field)
        target = get_column_letter(position)
        validation = DataValidation(
            type="list",
            formula1=f"'选项'!${letter}$1:${letter}${len(values)}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="请选择",
            error="请从下拉列表中选择。",
        )
        validation.add(f"{target}2:{target}10000")
        sheet.add_data_validation(validation)
    values_sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(sheet, value):
    """A cell that stays text: a value starting with = is never written as a formula."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def organizations_workbook():
    """Every organization in the import's columns (a write-only workbook)."""
    handler = kind_for(ImportKind.ORGANIZATIONS)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("社会组织")
    for index, column in enumerate(handler.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    header = []
    for column in handler.columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in handler.export_rows():
        sheet.append([_text(sheet, value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
