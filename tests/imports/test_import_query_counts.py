"""The preview and result pages run as many SQL statements for 500 rows as for 10."""

from tests.imports.helpers import csv_bytes
from tests.querycount import counted_get
from venture.auth.enums import Role
from venture.extensions import db
from venture.imports import operations


def registry(make, rows):
    """A file of rows organizations: half recorded already (with a new name), half new."""
    lines = [["统一社会信用代码", "组织名称", "所属街道"]]
    for n in range(rows):
        if n % 2:
            org = make.org(name=f"旧{n}")
            lines.append([org.credit_code, f"新{n}", "香坊街道"])
        else:
            lines.append([make.credit_code(), f"新{n}", "香坊街道"])
    return csv_bytes(lines)


def statements_of(client, make, staff, rows):
    import io

    from werkzeug.datastructures import FileStorage

    batch, _p = operations.start_import(
        "organizations",
        FileStorage(io.BytesIO(registry(make, rows)), filename="a.csv"),
        actor=staff,
    )
    db.session.commit()
    preview, _response = counted_get(client, f"/imports/{batch.id}")
    operations.confirm_import(batch, actor=staff)
    db.session.commit()
    result, response = counted_get(client, f"/imports/{batch.id}")
    return len(preview), len(result)


def test_preview_and_result_pages_are_bounded(client, login, make):
    staff = login(make.user(Role.STAFF))
    make.street("香坊街道")
    few = statements_of(client, make, staff, 10)
    many = statements_of(client, make, staff, 500)
    assert few == many
