"""Time the organization import with a 5,000-row registry file (targets: preview ≤ 5 s,
import ≤ 10 s on this machine).

    .venv/bin/python bench/bench_import.py [--rows 5000] [--database URL]

Builds a throwaway SQLite database (or uses --database, which must be empty and migrated by
create_all here), with 24 streets and 500 organizations already registered, then a registry
XLSX of ROWS rows in the import's columns: 90 % new organizations, 500 the same as recorded
(half with a changed contact), and a few refused rows (wrong check character, unknown street,
duplicate code). It reports, each the best of --repeat runs where the step writes nothing:

- reading and judging the XLSX (the preview: parse, one lookup per 900 codes, every row);
- the same from a GBK CSV;
- the import: store the file, judge again and write every accepted row in one transaction;
- the preview of the same file once imported (everything unchanged or refused).
"""

import argparse
import io
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook  # noqa: E402
from stdnum.cn import uscc  # noqa: E402
from werkzeug.datastructures import FileStorage  # noqa: E402

from venture import create_app  # noqa: E402
from venture.extensions import db  # noqa: E402

HEADER = [
    "统一社会信用代码",
    "组织名称",
    "法定代表人",
    "住所",
    "所属街道",
    "联系人",
    "联系电话",
    "电子邮箱",
]


def code(n):
    body = f"52230110{n:09d}"
    return body + uscc.calc_check_digit(body)


def seed(existing):
    from venture.auth.enums import Role
    from venture.auth.models import User
    from venture.orgs.credit_code import org_type_for
    from venture.orgs.models import Organization
    from venture.reference.models import Street

    streets = [Street(name=f"第{i}街道") for i in range(1, 25)]
    db.session.add_all(streets)
    staff = User(email="staff@bench.example", name="导入员")
    staff.set_password("Bench12345")
    staff.set_roles([Role.STAFF])
    db.session.add(staff)
    db.session.flush()
    for n in range(1, existing + 1):
        db.session.add(
            Organization(
                credit_code=code(n),
                org_type=org_type_for(code(n)),
                name=f"已登记社会组织{n}",
                legal_representative="王伟",
                address=f"香坊区示例路{n}号",
                street_id=streets[n % 24].id,
                contact_name="李娜",
                contact_phone=f"138{n:08d}",
                contact_email=f"org{n}@example.org",
                bank_name="",
                bank_account_name="",
                bank_account="",
            )
        )
    db.session.commit()
    return staff


def registry_rows(rows, existing):
    rng = random.Random(7)
    out = [HEADER]
    for i in range(rows):
        n = i + 1
        if n <= existing:  # recorded ones: every other one with a new phone
            phone = f"139{n:08d}" if n % 2 == 0 else f"138{n:08d}"
            out.append(
                [
                    code(n),
                    f"已登记社会组织{n}",
                    "王伟",
                    f"香坊区示例路{n}号",
                    f"第{n % 24 + 1}街道",
                    "李娜",
                    phone,
                    f"org{n}@example.org",
                ]
            )
            continue
        street = f"第{rng.randint(1, 24)}街道"
        this = code(n)
        if n % 997 == 0:
            this = this[:-1] + ("0" if this[-1] != "0" else "1")
        if n % 1499 == 0:
            street = "第九十九街道"
        out.append(
            [
                this,
                f"香坊区社会组织{n}",
                "张三",
                f"香坊区示例路{n}号",
                street,
                "赵敏",
                f"137{n:08d}",
                f"new{n}@example.org",
            ]
        )
    out.append(list(out[-1]))  # a duplicate code
    return out


def xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["香坊区社会组织名录"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def gbk_csv(rows):
    import csv

    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("gbk")


CPU = {}  # step label -> CPU seconds of its best run, printed at the end


def timed(step, repeat=1, label=None):
    """(best wall-clock seconds, result); the CPU seconds of that run go to CPU[label]."""
    best, result = None, None
    for _ in range(repeat):
        started, cpu = time.perf_counter(), time.process_time()
        result = step()
        elapsed = time.perf_counter() - started
        if best is None or elapsed < best:
            best = elapsed
            CPU[label or step.__name__] = time.process_time() - cpu
    return best, result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--existing", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    url = args.database or f"sqlite:///{folder / 'bench.sqlite'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "MAIL_FOLDER": str(folder / "mail"),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "WTF_CSRF_ENABLED": False,
        }
    )
    from venture.imports import operations

    with app.app_context(), app.test_request_context():
        db.create_all()
        staff = seed(args.existing)
        rows = registry_rows(args.rows, args.existing)
        book, text = xlsx(rows), gbk_csv(rows)
        print(
            f"{args.rows:,} data rows (+1 duplicate); XLSX {len(book) / 1024:.0f} KB, "
            f"GBK CSV {len(text) / 1024:.0f} KB; database {db.engine.dialect.name}"
        )

        seconds, (preview, _ctx) = timed(
            lambda: operations.preview_data("organizations", book), args.repeat, "preview XLSX"
        )
        db.session.rollback()
        print(f"preview XLSX      {seconds:6.2f} s   {preview.summary()}  (target ≤ 5 s)")
        seconds, (preview, _ctx) = timed(
            lambda: operations.preview_data("organizations", text), args.repeat, "preview CSV"
        )
        db.session.rollback()
        print(f"preview GBK CSV   {seconds:6.2f} s   {preview.summary()}")

        client = app.test_client()
        client.post("/login", data={"email": staff.email, "password": "Bench12345"})
        batch, _p = operations.start_import(
            "organizations", FileStorage(io.BytesIO(book), filename="名录.xlsx"), actor=staff
        )
        db.session.commit()

        def preview_page():
            with app.app_context():
                return client.get(f"/imports/{batch.id}")

        seconds, response = timed(preview_page, args.repeat, "preview page")
        print(
            f"preview page      {seconds:6.2f} s   GET /imports/{batch.id}: "
            f"{response.status_code}, {len(response.data) / 1024:.0f} KB of HTML"
        )

        def upload():
            batch, _p = operations.start_import(
                "organizations", FileStorage(io.BytesIO(book), filename="名录.xlsx"), actor=staff
            )
            db.session.commit()
            return batch

        def confirm(batch):
            done = operations.confirm_import(batch, actor=staff)
            db.session.commit()
            return done

        upload_seconds, batch = timed(upload)
        confirm_seconds, preview = timed(lambda: confirm(batch), 1, "confirm")
        print(f"upload            {upload_seconds:6.2f} s   (store the file, judge every row)")
        print(f"confirm           {confirm_seconds:6.2f} s   {preview.summary()}  (judge, write)")
        print(f"upload + confirm  {upload_seconds + confirm_seconds:6.2f} s   (target ≤ 10 s)")
        seconds, (preview, _ctx) = timed(
            lambda: operations.preview_data("organizations", book), args.repeat, "preview again"
        )
        db.session.rollback()
        print(f"preview again     {seconds:6.2f} s   {preview.summary()}")
        print("CPU seconds of the same runs (less sensitive to other work on the machine):")
        for label, seconds in CPU.items():
            print(f"  {label:<16} {seconds:6.2f} s")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory       {peak:6.0f} MB")


if __name__ == "__main__":
    main()
