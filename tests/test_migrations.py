"""The migrations build the same schema as the models, on an empty database."""

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent


def flask(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "venture", "db", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def empty_database_url(tmp_path):
    """A new SQLite file, or a fresh schema in the PostgreSQL test database."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path / 'migrate.sqlite'}", None
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA IF EXISTS migrate_check CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA migrate_check"))
    return url + "?options=-csearch_path%3Dmigrate_check", engine


def test_upgrade_on_empty_database_then_check_finds_no_changes(tmp_path):
    url, engine = empty_database_url(tmp_path)
    env = {**os.environ, "DATABASE_URL": url}
    upgrade = flask("upgrade", env=env)
    assert upgrade.returncode == 0, upgrade.stderr[-2000:]
    check = flask("check", env=env)
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr[-2000:]
    assert "No new upgrade operations detected." in check.stdout + check.stderr
    if engine is not None:
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA migrate_check CASCADE"))
        engine.dispose()
