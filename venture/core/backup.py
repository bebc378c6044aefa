"""Backups: the database and the uploads folder in one .tar.gz with a manifest.

SQLite is copied with its online backup API (consistent while the site runs); PostgreSQL with
pg_dump -Fc and restored with pg_restore --clean --if-exists.
"""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from venture.core.timeutil import now
from venture.extensions import db

MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite"
PG_MEMBER = "database.dump"
UPLOADS = "uploads"


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead; str() says why."""


def _url():
    return sa.engine.make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _uploads():
    return Path(current_app.config["UPLOAD_FOLDER"])


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_counts():
    """Rows per table of the application's schema."""
    with db.engine.connect() as connection:
        return {
            table.name: connection.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def uploaded_files():
    """{relative path: SHA-256} of every file in the uploads folder."""
    root = _uploads()
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): _sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _pg_command(program, url):
    """The program's path and an environment carrying the connection (password not in argv)."""
    binary = shutil.which(program)
    if binary is None:
        raise BackupError(
            f"{program} was not found. Install the PostgreSQL client programs "
            f"(Debian: apt-get install postgresql-client) and try again."
        )
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": url.host or "",
            "PGPORT": str(url.port or 5432),
            "PGUSER": url.username or "",
            "PGPASSWORD": url.password or "",
            "PGDATABASE": url.database or "",
        }
    )
    return binary, env


def _run(args, env):
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()}")


def create_backup(target):
    """Write the database and uploads into target (.tar.gz); returns the manifest."""
    url = _url()
    target = Path(target)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        if url.get_backend_name() == "sqlite":
            member, dump = SQLITE_MEMBER, work / SQLITE_MEMBER
            source = sqlite3.connect(url.database)
            copy = sqlite3.connect(dump)
            try:
                with copy:
                    source.backup(copy)
            finally:
                copy.close()
                source.close()
        elif url.get_backend_name() == "postgresql":
            member, dump = PG_MEMBER, work / PG_MEMBER
            binary, env = _pg_command("pg_dump", url)
            _run([binary, "-Fc", "--no-owner", "--no-acl", "-f", str(dump)], env)
        else:
            raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported.")
        manifest = {
            "created_at": now().isoformat(),
            "database": url.get_backend_name(),
            "database_file": member,
            "database_sha256": _sha256(dump),
            "tables": table_counts(),
            "files": uploaded_files(),
        }
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=member)
            for name in manifest["files"]:
                archive.add(_uploads() / name, arcname=f"{UPLOADS}/{name}")
        partial.replace(target)  # a half-written archive never carries the final name
    return manifest


def read_manifest(source):
    with tarfile.open(source, "r:gz") as archive:
        return json.load(archive.extractfile(MANIFEST))


def restore_backup(source):
    """Replace the database and the uploads folder with the backup's; returns the manifest.

    Everything in the archive is checked against the manifest before anything is replaced.
    """
    url = _url()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        with tarfile.open(source, "r:gz") as archive:
            archive.extractall(work, filter="data")
        manifest = json.loads((work / MANIFEST).read_text())
        if manifest["database"] != url.get_backend_name():
            raise BackupError(
                f"This backup is of a {manifest['database']} database; the site uses "
                f"{url.get_backend_name()}."
            )
        dump = work / manifest["database_file"]
        if _sha256(dump) != manifest["database_sha256"]:
            raise BackupError("The database copy in the backup is damaged (SHA-256 differs).")
        for name, digest in manifest["files"].items():
            path = work / UPLOADS / name
            if not path.is_file() or _sha256(path) != digest:
                raise BackupError(f"The uploaded file {name} in the backup is damaged or missing.")

        db.session.remove()
        db.engine.dispose()  # no pooled connection may hold locks during the restore
        if manifest["database"] == "sqlite":
            copy = sqlite3.connect(dump)
            live = sqlite3.connect(url.database)
            try:
                with live:
                    copy.backup(live)
            finally:
                live.close()
                copy.close()
        else:
            binary, env = _pg_command("pg_restore", url)
            _run(
                [
                    binary,
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-acl",
                    "-d",
                    env["PGDATABASE"],
                    str(dump),
                ],
                env,
            )

        root = _uploads()
        if root.exists():
            shutil.rmtree(root)
        if (work / UPLOADS).exists():
            shutil.copytree(work / UPLOADS, root)
        else:
            root.mkdir(parents=True)
    counts = table_counts()
    if counts != manifest["tables"]:
        raise BackupError("After the restore the row counts differ from the backup's manifest.")
    return manifest
