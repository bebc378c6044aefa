"""Backup → wipe → restore gives back every row of every table and every uploaded file."""

import io
import os
import shutil
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from venture import create_app
from venture.core import backup
from venture.demo import load_demo
from venture.extensions import db

FILES = {
    "orgs/1/charter.pdf": b"%PDF-1.4 charter " + bytes(range(256)),
    "applications/7/预算表.xlsx": b"PK\x03\x04 budget" * 100,
    "top.txt": "中文内容".encode(),
}


def every_row():
    """{table: [rows ordered by primary key]} of the whole schema."""
    with db.engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in db.metadata.sorted_tables
        }


def every_file(root):
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(Path(root).rglob("*"))
        if path.is_file()
    }


def wipe(root):
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
    shutil.rmtree(root)
    Path(root).mkdir()
    (Path(root) / "stray.txt").write_text("not in the backup")


def postgres_database():
    """A database of its own for this test, so parallel workers are left alone."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set")
    base = sa.engine.make_url(url)
    name = f"{base.database}_backup_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return engine, name, base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def own_app(request, tmp_path):
    """An application with its own database and uploads folder."""
    admin_engine = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'site.sqlite'}"
    else:
        admin_engine, name, url = postgres_database()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": url,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
            "MAIL_FOLDER": str(tmp_path / "mail"),
        }
    )
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()
    if admin_engine is not None:
        with admin_engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


def fill(app):
    load_demo()
    db.session.commit()
    root = Path(app.config["UPLOAD_FOLDER"])
    for name, data in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


def test_backup_wipe_restore_gives_identical_tables_and_files(own_app, tmp_path):
    fill(own_app)
    root = own_app.config["UPLOAD_FOLDER"]
    rows, files = every_row(), every_file(root)
    assert sum(len(table_rows) for table_rows in rows.values()) > 1000
    manifest = backup.create_backup(tmp_path / "site.tar.gz")
    assert manifest["tables"] == {name: len(table_rows) for name, table_rows in rows.items()}
    assert sorted(manifest["files"]) == sorted(files)
    assert set(FILES) < set(files)  # ours plus the demo's stored uploads

    wipe(root)
    assert sum(len(table_rows) for table_rows in every_row().values()) == 0

    backup.restore_backup(tmp_path / "site.tar.gz")
    assert every_row() == rows
    assert every_file(root) == files


@pytest.mark.parametrize("own_app", ["sqlite"], indirect=True)
def test_cli_backup_and_restore(own_app, tmp_path):
    fill(own_app)
    runner = CliRunner()
    target = tmp_path / "cli.tar.gz"
    result = runner.invoke(
        own_app.cli, ["backup", "create", str(target)], obj=_script_info(own_app)
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Backup written to {target}: ")
    rows, files = every_row(), every_file(own_app.config["UPLOAD_FOLDER"])
    wipe(own_app.config["UPLOAD_FOLDER"])
    result = runner.invoke(
        own_app.cli, ["backup", "restore", "--yes", str(target)], obj=_script_info(own_app)
    )
    assert result.exit_code == 0, result.output
    assert every_row() == rows
    assert every_file(own_app.config["UPLOAD_FOLDER"]) == files


def _script_info(app):
    from flask.cli import ScriptInfo

    return ScriptInfo(create_app=lambda: app)


@pytest.mark.parametrize("own_app", ["sqlite"], indirect=True)
def test_damaged_backup_is_refused_before_anything_changes(own_app, tmp_path):
    fill(own_app)
    good = tmp_path / "good.tar.gz"
    backup.create_backup(good)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(good) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "uploads/top.txt":
                data = b"changed"
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    rows = every_row()
    with pytest.raises(backup.BackupError) as error:
        backup.restore_backup(damaged)
    assert str(error.value) == "The uploaded file top.txt in the backup is damaged or missing."
    assert every_row() == rows


def test_missing_pg_dump_gets_a_clear_message(monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda _name: None)
    url = sa.engine.make_url("postgresql+psycopg://u:p@127.0.0.1/x")
    with pytest.raises(backup.BackupError) as error:
        backup._pg_command("pg_dump", url)
    assert str(error.value) == (
        "pg_dump was not found. Install the PostgreSQL client programs "
        "(Debian: apt-get install postgresql-client) and try again."
    )
