"""Configuration defaults; overridden by instance/config.py and environment variables."""

import os
import secrets
from datetime import timedelta
from pathlib import Path


class DefaultConfig:
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh_CN", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SECURE = False  # True in production: see load_config
    REMEMBER_COOKIE_SECURE = False
    # signed out after this long without a request, and this long after signing in
    SESSION_IDLE_TIMEOUT = timedelta(hours=2)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
    # A request body beyond this is cut off; single files are checked against UPLOAD_MAX_BYTES
    # first so people get a message next to the field.
    MAX_CONTENT_LENGTH = 64 * 1024 * 1024
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    PAGE_SIZE = 20
    PASSWORD_HASH_METHOD = "scrypt"
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_SENDER = "venture@localhost"
    # "thread": batch exports run in a thread of the web process that asked (one process, the
    # embedded default); "worker": `flask jobs work` processes run them (production, several
    # app servers). See venture/payments/jobs.py.
    JOB_RUNNER = "thread"
    JOB_STALE_AFTER = 120  # seconds without progress before another worker takes a job
    JOB_MAX_ATTEMPTS = 3
    EXPORT_WORKERS = 2  # processes rendering contract PDFs for one export
    # a ledger export of more rows than this runs as a background job instead of in the request:
    # ~0.3 ms of CPU a row, so the request stays under ~150 ms (bench/README.md, exports)
    LEDGER_EXPORT_IMMEDIATE_ROWS = 400


ENV_KEYS = (
    "SECRET_KEY",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_SENDER",
    "UPLOAD_FOLDER",
    "MAIL_FOLDER",
    "OCDS_OCID_PREFIX",
    "JOB_RUNNER",
    # signed documents (venture/documents/pki.py)
    "SIGNING_FOLDER",
    "SIGNING_OFFICE_P12",
    "SIGNING_OFFICE_PASSWORD",
    "VERIFY_BASE_URL",
)


def load_config(app, test_config=None):
    """Fill app.config: defaults, instance/config.py, environment, then test overrides."""
    app.config.from_object(DefaultConfig)
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_pyfile("config.py", silent=True)
    for key in ENV_KEYS:
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    if os.environ.get("MAIL_USE_TLS"):
        app.config["MAIL_USE_TLS"] = os.environ["MAIL_USE_TLS"].lower() in ("1", "true", "yes")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
    if os.environ.get("PREFERRED_URL_SCHEME"):
        app.config["PREFERRED_URL_SCHEME"] = os.environ["PREFERRED_URL_SCHEME"]
    for key in ("JOB_STALE_AFTER", "JOB_MAX_ATTEMPTS", "EXPORT_WORKERS"):
        if os.environ.get(key):
            app.config[key] = int(os.environ[key])
    for key in ("SESSION_IDLE_TIMEOUT", "SESSION_ABSOLUTE_TIMEOUT"):
        if os.environ.get(f"{key}_MINUTES"):
            app.config[key] = timedelta(minutes=int(os.environ[f"{key}_MINUTES"]))
    if test_config:
        app.config.update(test_config)
    if (
        os.environ.get("VENTURE_ENV") == "production"
        or app.config.get("PREFERRED_URL_SCHEME") == "https"
    ):
        # cookies only over HTTPS in production
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    # demo mode: everywhere but production (VENTURE_ENV=production); contracts may then be
    # issued while Party A's details are the demo placeholders (venture/contracts/document.py)
    app.config.setdefault("DEMO_MODE", os.environ.get("VENTURE_ENV") != "production")
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", f"sqlite:///{instance / 'venture.sqlite'}")
    app.config.setdefault("UPLOAD_FOLDER", str(instance / "uploads"))
    app.config.setdefault("MAIL_FOLDER", str(instance / "mail"))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance)


def normalise_database_url(url):
    """Let people paste the usual postgres:// URLs; the app speaks psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret(instance):
    """A random key kept in instance/secret_key, made on first run.

    gunicorn workers start at once: the key is written whole under another name and linked
    into place, which fails if another worker got there first, so every worker reads one key
    (two keys would make each worker refuse the others' session cookies).
    """
    path = instance / "secret_key"
    if not path.exists():
        draft = instance / f"secret_key.{os.getpid()}"
        draft.write_text(secrets.token_hex(32))
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
