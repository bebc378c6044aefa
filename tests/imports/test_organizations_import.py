"""Importing organizations: GBK CSV and XLSX with a merged title row, full-width digits and
header variants; idempotence, undo, round trip, and refused rows writing nothing."""

import pytest
from sqlalchemy import func, select

from tests.imports.helpers import csv_bytes, full_width, xlsx
from venture.auth.enums import Role
from venture.core.audit import AuditEntry
from venture.extensions import db
from venture.imports import operations
from venture.imports.enums import BatchState, RowAction
from venture.imports.models import ImportBatch
from venture.imports.workbooks import organizations_workbook
from venture.orgs.enums import OrgStatus, OrgType
from venture.orgs.models import Organization


def wrong_check(code):
    return code[:-1] + ("0" if code[-1] != "0" else "1")


@pytest.fixture
def registry(make):
    """A street, an organization whose name the file changes and one it repeats unchanged;
    the rows of a registry file with every kind of row (header variants: 信用代码,
    社会组织名称, 法人代表, 街道, 邮箱)."""
    street = make.street("香坊街道")
    renamed = make.org(name="旧名称")
    same = make.org(name="不变组织")
    new_code = make.credit_code()
    rows = [
        ["信用代码", "社会组织名称", "法人代表", "街道", "邮箱", "联系电话"],
        [
            full_width(new_code),
            "新　组织",
            "张三",
            "香坊街道",
            "A@Example.com",
            "１３９００００００００",
        ],
        [renamed.credit_code, "新名称", "", "", "", ""],
        [same.credit_code, "不变组织", "王伟", "", "", ""],
        [wrong_check(make.credit_code()), "错码组织", "", "", "", ""],
        ["", "", "", "", "", ""],
        [new_code, "重复组织", "", "", "", ""],
        [make.credit_code(), "未知街道组织", "", "香纺街道", "", ""],
        [make.credit_code(), "", "", "", "", ""],
    ]
    return {"street": street, "renamed": renamed, "same": same, "code": new_code, "rows": rows}


def counts(preview):
    return {action.value: n for action, n in preview.counts.items()}


EXPECTED_COUNTS = {"add": 1, "update": 1, "unchanged": 1, "refused": 4}


def expected_refusals(registry, offset):
    """The refusal lines, rows counted from the file's first line (offset: title rows)."""
    bad_code = registry["rows"][4][0]
    given = bad_code[-1]
    from stdnum.cn import uscc

    right = uscc.calc_check_digit(bad_code[:17])
    return [
        f"row {5 + offset}, 信用代码: The check character (the 18th) is wrong: it is {given}, "
        f"but the first 17 characters give {right}.",
        f"row {7 + offset}, 信用代码: The same credit code is on row {2 + offset}.",
        f"row {8 + offset}, 街道: Unknown street “香纺街道”. Did you mean: 香坊街道?",
        f"row {9 + offset}, 社会组织名称: This cell is required.",
    ]


def test_gbk_csv_is_read_and_every_row_judged(registry):
    data = csv_bytes(registry["rows"], "gbk")
    preview, _ctx = operations.preview_data("organizations", data)
    assert preview.file_format == "gb18030"
    assert preview.header_row == 1
    assert counts(preview) == EXPECTED_COUNTS
    assert preview.refused_lines() == expected_refusals(registry, 0)
    assert preview.summary() == "7 rows: 1 to add, 1 to update, 1 unchanged, 4 refused"
    update = next(r for r in preview.results if r.action == RowAction.UPDATE)
    assert update.changes == {"name": ("旧名称", "新名称")}


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_xlsx_with_merged_title_row_is_read_the_same(registry, reader, monkeypatch):
    if reader == "openpyxl":
        monkeypatch.setitem(__import__("sys").modules, "python_calamine", None)
    data = xlsx(registry["rows"], title="香坊区社会组织名录（2025年）")
    preview, _ctx = operations.preview_data("organizations", data)
    assert preview.file_format == "xlsx"
    assert preview.header_row == 2
    assert counts(preview) == EXPECTED_COUNTS
    assert preview.refused_lines() == expected_refusals(registry, 1)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings_are_detected(registry, encoding):
    preview, _ctx = operations.preview_data("organizations", csv_bytes(registry["rows"], encoding))
    assert counts(preview) == EXPECTED_COUNTS


def test_confirm_writes_the_accepted_rows_as_one_audited_batch(registry, make):
    staff = make.user(Role.STAFF)
    data = csv_bytes(registry["rows"], "gbk")
    audit_before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    batch, _preview = operations.start_import("organizations", _upload(data), actor=staff)
    operations.confirm_import(batch, actor=staff)
    db.session.commit()
    added = db.session.scalar(
        select(Organization).where(Organization.credit_code == registry["code"])
    )
    assert (added.name, added.legal_representative, added.street_id) == (
        "新 组织",
        "张三",
        registry["street"].id,
    )
    assert (added.contact_email, added.contact_phone) == ("a@example.com", "13900000000")
    assert (added.status, added.org_type, added.bank_account) == (
        OrgStatus.PENDING,
        OrgType.PRIVATE_NON_ENTERPRISE,
        "",
    )
    assert db.session.get(Organization, registry["renamed"].id).name == "新名称"
    assert (batch.state, batch.added, batch.updated, batch.unchanged, batch.refused) == (
        BatchState.CONFIRMED,
        1,
        1,
        1,
        4,
    )
    assert [(r.row_number, r.action.value, r.object_type) for r in batch.records] == [
        (3, "update", "Organization"),
        (2, "add", "Organization"),
    ]
    entries = db.session.scalars(
        select(AuditEntry).order_by(AuditEntry.seq).offset(audit_before)
    ).all()
    assert [(e.action, e.object_type, e.object_id, e.actor_id) for e in entries] == [
        ("import.confirm", "ImportBatch", batch.id, staff.id)
    ]
    assert entries[0].after_data["sha256"] == batch.file.sha256
    assert batch.file.path.read_bytes() == data


def test_reimporting_the_same_file_changes_nothing(registry, make):
    staff = make.user(Role.STAFF)
    data = xlsx(registry["rows"], title="名录")
    batch, _p = operations.start_import("organizations", _upload(data), actor=staff)
    operations.confirm_import(batch, actor=staff)
    db.session.commit()
    total = db.session.scalar(select(func.count()).select_from(Organization))
    again, preview = operations.start_import("organizations", _upload(data), actor=staff)
    assert counts(preview) == {"add": 0, "update": 0, "unchanged": 3, "refused": 4}
    operations.confirm_import(again, actor=staff)
    db.session.commit()
    assert again.records == []
    assert db.session.scalar(select(func.count()).select_from(Organization)) == total


def test_undo_deletes_what_was_added_and_restores_what_was_changed(registry, make):
    staff = make.user(Role.STAFF)
    batch, _p = operations.start_import(
        "organizations", _upload(csv_bytes(registry["rows"])), actor=staff
    )
    operations.confirm_import(batch, actor=staff)
    db.session.commit()
    operations.undo_import(batch, actor=staff)
    db.session.commit()
    codes = set(db.session.scalars(select(Organization.credit_code)))
    assert codes == {registry["renamed"].credit_code, registry["same"].credit_code}
    assert db.session.get(Organization, registry["renamed"].id).name == "旧名称"
    assert batch.state == BatchState.UNDONE
    last = db.session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()))
    assert (last.action, last.object_id, last.after_data) == (
        "import.undo",
        batch.id,
        {"records": 2, "state": "undone"},
    )


def test_undo_is_refused_once_an_added_organization_has_a_member(registry, make):
    staff = make.user(Role.STAFF)
    batch, _p = operations.start_import(
        "organizations", _upload(csv_bytes(registry["rows"])), actor=staff
    )
    operations.confirm_import(batch, actor=staff)
    db.session.commit()
    added = db.session.scalar(
        select(Organization).where(Organization.credit_code == registry["code"])
    )
    make.member(added)
    with pytest.raises(operations.ImportRefused) as refused:
        operations.undo_import(batch, actor=staff)
    db.session.rollback()
    assert str(refused.value) == (
        "This import cannot be undone: row 2: 新 组织 is in use elsewhere."
    )
    assert db.session.get(Organization, registry["renamed"].id).name == "新名称"
    assert db.session.get(ImportBatch, batch.id).state == BatchState.CONFIRMED


def test_undo_is_refused_when_a_changed_value_was_changed_again(registry, make):
    staff = make.user(Role.STAFF)
    batch, _p = operations.start_import(
        "organizations", _upload(csv_bytes(registry["rows"])), actor=staff
    )
    operations.confirm_import(batch, actor=staff)
    db.session.commit()
    registry["renamed"].name = "又改了"
    db.session.commit()
    with pytest.raises(operations.ImportRefused) as refused:
        operations.undo_import(batch, actor=staff)
    db.session.rollback()
    assert str(refused.value) == (
        "This import cannot be undone: row 3: name was changed after the import."
    )
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Organization)
            .where(Organization.credit_code == registry["code"])
        )
        == 1
    )


def test_round_trip_of_the_organization_export_is_all_unchanged(make):
    street = make.street("和平街道")
    make.org(name="甲组织", street_id=street.id)
    make.org(name="=HYPERLINK(乙)")
    third = make.org(name="（丙）社会工作服务中心")
    third.contact_phone, third.contact_email = "0451-88886666", ""
    db.session.commit()
    preview, _ctx = operations.preview_data("organizations", organizations_workbook())
    assert counts(preview) == {"add": 0, "update": 0, "unchanged": 3, "refused": 0}


def test_a_refused_row_writes_nothing(registry, make):
    staff = make.user(Role.STAFF)
    refused_codes = [registry["rows"][7][0], registry["rows"][8][0]]
    batch, _p = operations.start_import(
        "organizations", _upload(csv_bytes(registry["rows"])), actor=staff
    )
    operations.confirm_import(batch, actor=staff)
    db.session.commit()
    written = db.session.scalars(
        select(Organization.name).where(Organization.credit_code.in_(refused_codes))
    ).all()
    assert written == []
    assert (
        db.session.scalar(
            select(func.count()).select_from(Organization).where(Organization.name == "错码组织")
        )
        == 0
    )


def test_a_failure_while_writing_leaves_nothing_written(registry, make, monkeypatch):
    """One transaction: an error after some rows were written takes every row back."""
    from venture.imports.organizations import OrganizationKind

    staff = make.user(Role.STAFF)
    batch, _p = operations.start_import(
        "organizations", _upload(csv_bytes(registry["rows"])), actor=staff
    )
    db.session.commit()
    original = OrganizationKind.apply

    def apply_then_fail(self, *args, **kwargs):
        original(self, *args, **kwargs)
        db.session.flush()
        raise RuntimeError("disk full")

    monkeypatch.setattr(OrganizationKind, "apply", apply_then_fail)
    with pytest.raises(RuntimeError):
        operations.confirm_import(batch, actor=staff)
    db.session.rollback()
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Organization)
            .where(Organization.credit_code == registry["code"])
        )
        == 0
    )
    assert db.session.get(Organization, registry["renamed"].id).name == "旧名称"
    assert db.session.get(ImportBatch, batch.id).state == BatchState.PREVIEWED


def test_a_batch_is_confirmed_once(registry, make):
    staff = make.user(Role.STAFF)
    batch, _p = operations.start_import(
        "organizations", _upload(csv_bytes(registry["rows"])), actor=staff
    )
    operations.confirm_import(batch, actor=staff)
    db.session.commit()
    with pytest.raises(operations.ImportRefused) as refused:
        operations.confirm_import(batch, actor=staff)
    assert str(refused.value) == "This import was confirmed or left already."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"\xd0\xcf\x11\xe0rest",
            "This is an old Excel file (.xls). Open it in Excel or WPS, "
            "save it as .xlsx, and upload that.",
        ),
        (
            b"PK\x03\x04broken",
            "This file is not a readable XLSX workbook. Save it again from "
            "Excel or WPS as .xlsx or as CSV.",
        ),
        (
            "序号,备注\n1,乙\n".encode(),
            "No header row was found in the first 15 rows: the header "
            "names the columns, for example 统一社会信用代码 and 组织名称. "
            "Download the template to see them.",
        ),
        (
            "信用代码,法人代表\n1,2\n".encode("gbk"),
            "The file has no column 组织名称. Name the columns as in the template.",
        ),
        (b"", "The file is empty. Please choose the file again."),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(make, data, message):
    staff = make.user(Role.STAFF)
    with pytest.raises(operations.ImportRefused) as refused:
        operations.start_import("organizations", _upload(data), actor=staff)
    assert str(refused.value) == message
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def _upload(data, name="名录.csv"):
    import io

    from werkzeug.datastructures import FileStorage

    return FileStorage(stream=io.BytesIO(data), filename=name)
