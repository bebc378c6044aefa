"""Test fixtures: one app and schema per session, every table emptied after each test.

TEST_DATABASE_URL points the suite at PostgreSQL; otherwise a SQLite file in a temp folder.
"""

import os
from datetime import date, datetime, time

import pytest
import sqlalchemy as sa
import time_machine
from flask import g
from flask.testing import FlaskClient

from tests import factories
from venture import create_app
from venture.core.audit import forget_recorded_types
from venture.core.i18n import compile_catalogues
from venture.core.timeutil import LOCAL_TZ
from venture.extensions import db

# the day the demo and its tests are built for: a year whose holiday arrangement is published
DEMO_DAY = date(2026, 12, 7)


def travel_to(day, hour=10):
    """Move the whole process's clock to `day` at `hour` in Asia/Shanghai; it keeps ticking."""
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=LOCAL_TZ), tick=True)


class FreshClient(FlaskClient):
    """The tests hold an app context open, which requests reuse: clear `g` around each
    request so the signed-in user and the locale never carry over between clients."""

    def open(self, *args, **kwargs):
        g.__dict__.clear()
        try:
            return super().open(*args, **kwargs)
        finally:
            g.__dict__.clear()


def _worker_database(url):
    """Under pytest-xdist each worker gets its own PostgreSQL database, made on first use."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    base = sa.engine.make_url(url)
    name = f"{base.database}_{worker}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    compile_catalogues()
    folder = tmp_path_factory.mktemp("venture")
    url = os.environ.get("TEST_DATABASE_URL")
    url = _worker_database(url) if url else f"sqlite:///{folder / 'test.sqlite'}"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            # a cheap hash keeps the suite fast; production keeps the scrypt default
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "MAIL_FOLDER": str(folder / "mail"),
            "SIGNING_FOLDER": str(folder / "pki"),
        }
    )
    app.test_client_class = FreshClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


RESTART_SEQUENCES = """
DO $$ DECLARE seq record; BEGIN
  FOR seq IN SELECT sequence_schema, sequence_name FROM information_schema.sequences LOOP
    EXECUTE format('ALTER SEQUENCE %I.%I RESTART', seq.sequence_schema, seq.sequence_name);
  END LOOP;
END $$;
"""


def _empty_tables():
    """DELETE every row, children first (on PostgreSQL far faster than TRUNCATE of every
    table); foreign keys stay on, so the order must be right."""
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
        if connection.dialect.name == "postgresql":
            # ids start again at 1, as they do on SQLite once a table is empty
            connection.execute(sa.text(RESTART_SEQUENCES))


@pytest.fixture(autouse=True)
def _app_context(app):
    with app.app_context(), app.test_request_context():
        yield
        db.session.remove()
        _empty_tables()
        forget_recorded_types()


@pytest.fixture
def on_demo_day():
    """The test runs on DEMO_DAY, whatever the machine's date."""
    with travel_to(DEMO_DAY):
        yield DEMO_DAY


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make():
    """Factory helpers: make.user(...), make.org(...), …"""
    return factories


@pytest.fixture
def login(client):
    def sign_in(user, password=factories.PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return sign_in
