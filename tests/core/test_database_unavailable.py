"""The database briefly unavailable: a clear 503 "try again" answer, never a stack trace."""

import sqlalchemy as sa

from tests import factories
from venture import create_app
from venture.auth.enums import Role
from venture.extensions import db

PAGE_TEXT = "数据库暂时不可用，本次未保存任何内容，请稍后重试。"


def refuse_connections(monkeypatch, error):
    """Every new connection of the engine fails with error, as when the server is down."""
    db.session.remove()
    db.engine.dispose()

    def refuse(*_args, **_kwargs):
        raise error

    monkeypatch.setattr(db.engine, "connect", refuse)


def lost_connection():
    return sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))


def test_signed_in_page_while_the_database_is_down_answers_503_try_again(
    client, login, monkeypatch
):
    login(factories.user(Role.STAFF))
    refuse_connections(monkeypatch, lost_connection())
    response = client.get("/staff/calls")
    text = response.get_data(as_text=True)
    assert (response.status_code, response.headers["Retry-After"]) == (503, "30")
    assert PAGE_TEXT in text
    assert "Traceback" not in text and "OperationalError" not in text


def test_api_while_the_database_is_down_answers_json_503(client, monkeypatch):
    refuse_connections(monkeypatch, sa.exc.InterfaceError("SELECT 1", {}, Exception("gone")))
    response = client.get("/api/v1/calls")
    assert (response.status_code, response.headers["Retry-After"]) == (503, "30")
    assert response.get_json() == {"error": {"code": "unavailable", "message": PAGE_TEXT}}


def test_a_dropped_connection_is_answered_503(client, monkeypatch):
    refuse_connections(monkeypatch, sa.exc.DisconnectionError("connection invalidated"))
    response = client.get("/calls")
    assert (response.status_code, PAGE_TEXT in response.get_data(as_text=True)) == (503, True)


def test_the_database_error_is_logged(client, monkeypatch, caplog):
    refuse_connections(monkeypatch, lost_connection())
    client.get("/calls")
    logged = [r.getMessage().splitlines()[0] for r in caplog.records if r.levelname == "ERROR"]
    assert logged == ["database unavailable: (builtins.Exception) server closed the connection"]


def test_a_database_file_that_cannot_be_opened_answers_503(tmp_path):
    """A real failure, not a stub: the SQLite file's folder does not exist."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing' / 'db.sqlite'}",
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    with app.app_context():
        response = app.test_client().get("/calls")
        api = app.test_client().get("/api/v1/calls")
    assert (response.status_code, PAGE_TEXT in response.get_data(as_text=True)) == (503, True)
    assert (api.status_code, api.get_json()["error"]["message"]) == (503, PAGE_TEXT)


def test_a_closed_postgresql_port_answers_503(tmp_path):
    """PostgreSQL at a port nobody listens on (psycopg fails to connect: OperationalError)."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://venture@127.0.0.1:1/venture",
            "SQLALCHEMY_ENGINE_OPTIONS": {
                "pool_pre_ping": True,
                "connect_args": {"connect_timeout": 2},
            },
            "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        }
    )
    with app.app_context():
        response = app.test_client().get("/calls")
    assert (response.status_code, response.headers["Retry-After"]) == (503, "30")
