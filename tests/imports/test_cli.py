"""`flask import KIND FILE [--dry-run]`: refused rows, the summary, exit codes."""

from sqlalchemy import func, select

from tests.imports.helpers import csv_bytes
from venture.auth.enums import Role
from venture.extensions import db
from venture.imports.enums import BatchState
from venture.imports.models import ImportBatch
from venture.orgs.models import Organization


def registry_file(tmp_path, make):
    make.street("香坊街道")
    good, dup = make.credit_code(), make.credit_code()
    bad = make.credit_code()
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    rows = [
        ["统一社会信用代码", "组织名称", "所属街道"],
        [good, "甲组织", "香坊街道"],
        [bad, "乙组织", ""],
        [dup, "丙组织", "香纺街道"],
    ]
    path = tmp_path / "名录.csv"
    path.write_bytes(csv_bytes(rows, "gbk"))
    return path, bad


def org_total():
    return db.session.scalar(select(func.count()).select_from(Organization))


def test_dry_run_prints_refusals_and_the_summary_and_writes_nothing(app, make, tmp_path):
    make.user(Role.ADMIN)
    path, bad = registry_file(tmp_path, make)
    from flask_babel import force_locale

    with force_locale("en"):
        result = app.test_cli_runner().invoke(
            args=["import", "organizations", str(path), "--dry-run"]
        )
    assert result.exit_code == 0, result.output
    from stdnum.cn import uscc

    right = uscc.calc_check_digit(bad[:17])
    assert result.output.splitlines() == [
        f"row 3, 统一社会信用代码: The check character (the 18th) is wrong: it is {bad[-1]}, "
        f"but the first 17 characters give {right}.",
        "row 4, 所属街道: Unknown street “香纺街道”. Did you mean: 香坊街道?",
        "3 rows: 1 to add, 0 to update, 0 unchanged, 2 refused",
        "Dry run: nothing was written.",
    ]
    assert org_total() == 0
    assert db.session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_import_writes_a_confirmed_batch_made_as_the_administrator(app, make, tmp_path):
    admin = make.user(Role.ADMIN)
    path, _bad = registry_file(tmp_path, make)
    result = app.test_cli_runner().invoke(args=["import", "organizations", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[2] == "3 rows: 1 to add, 0 to update, 0 unchanged, 2 refused"
    batch = db.session.scalar(select(ImportBatch))
    assert lines[3].startswith(f"Written as import batch {batch.id} in ")
    assert (batch.state, batch.created_by_id, batch.added) == (BatchState.CONFIRMED, admin.id, 1)
    assert org_total() == 1
    again = app.test_cli_runner().invoke(args=["import", "organizations", str(path)])
    assert again.output.splitlines()[2] == "3 rows: 0 to add, 0 to update, 1 unchanged, 2 refused"
    assert org_total() == 1


def test_an_unreadable_file_exits_non_zero(app, make, tmp_path):
    make.user(Role.ADMIN)
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    result = app.test_cli_runner().invoke(args=["import", "organizations", str(path)])
    assert result.exit_code == 1
    missing = app.test_cli_runner().invoke(args=["import", "experts", str(tmp_path / "none.csv")])
    assert missing.exit_code == 1
    assert "none.csv" in missing.output
