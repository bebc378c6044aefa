"""Command-line commands: demo data, translations, accounts."""

import click
from sqlalchemy import func, select, text

from venture.extensions import db


def register(app):
    today_option = click.option(
        "--today",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        help="Build for this date (YYYY-MM-DD) instead of the real one.",
    )
    from venture.documents.cli import register as register_documents

    register_documents(app)

    @app.cli.command("demo-data")
    @click.option("--if-empty", is_flag=True, help="Only when the database has no accounts.")
    @today_option
    def demo_data(if_empty, today):
        """Fill the database with a plausible district and users for every role."""
        from venture.auth.models import User
        from venture.seed.demo import DEMO_PASSWORD, load_demo

        if if_empty and db.session.scalar(select(func.count()).select_from(User)):
            click.echo("Demo data: the database has accounts already; left as it is.")
            return
        logins = load_demo(today=today.date() if today else None)
        db.session.commit()
        click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for role, email in logins:
            click.echo(f"  {role:<10} {email}")

    @app.cli.command("bench-data")
    @click.option("--scale", type=click.Choice(["tiny", "district", "city"]), default="district")
    @click.option("--seed", type=int, default=1, help="Same seed, same data.")
    @click.option("--yes", is_flag=True, help="Add to a database that holds other data.")
    @today_option
    def bench_data(scale, seed, yes, today):
        """Generate a district's or a city's worth of data for the benchmarks (bulk inserts)."""
        import time

        from venture.seed import bench as benchdata

        if benchdata.generated_rows():
            raise click.ClickException("This database already holds generated data.")
        if benchdata.foreign_rows() and not yes:
            raise click.ClickException(
                "This database holds data that the generator did not make; "
                "use an empty database, or --yes to add to it."
            )
        started = time.monotonic()
        click.echo(f"Generating the {scale} scale (seed {seed}):")
        rows = benchdata.generate(
            scale, seed, echo=click.echo, today=today.date() if today else None
        )
        db.session.commit()
        # the planner's statistics for the new rows (PostgreSQL's autovacuum would gather them
        # later; SQLite never does by itself), so the first pages use the right indexes; on
        # PostgreSQL also VACUUM, which autovacuum would do after a bulk load too: it marks the
        # pages all-visible, so an index-only scan reads no table row (a deep page of a list
        # walks 10,000 index entries; measured right after a load, the reviewer's page 500 took
        # 2.4× its page 1 until autovacuum came)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as bare:
                bare.execute(text("VACUUM ANALYZE"))
        else:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        for label, count in rows:
            click.echo(f"  {label:<20} {count:>9,}")
        click.echo(f"Done in {time.monotonic() - started:.1f} s.")
        click.echo(f"Logins (password {benchdata.PASSWORD}):")
        for role, email in benchdata.LOGINS.items():
            click.echo(f"  {role:<10} {email}")

    @app.cli.group("i18n")
    def i18n():
        """Translation catalogues."""

    @i18n.command("compile")
    def compile_():
        from venture.core.i18n import compile_catalogues

        click.echo(f"Compiled {compile_catalogues()} translated strings.")

    @i18n.command("missing")
    @click.option("--write", "fragment", help="Append the missing strings to this fragment.")
    def missing(fragment):
        from venture.core.i18n import missing_translations, write_missing

        if fragment:
            click.echo(f"Wrote {write_missing(fragment)} strings to venture/i18n/{fragment}.po")
            return
        for msgid, places in missing_translations().items():
            click.echo(f"{places[0][0]}:{places[0][1]}: {msgid}")

    @app.cli.group("audit")
    def audit():
        """The audit log."""

    @audit.command("verify")
    def verify():
        """Recompute the audit chain; exit 1 naming the first row that does not match."""
        from venture.core.audit import verify_chain

        checked, broken = verify_chain()
        if broken is None:
            click.echo(f"Audit chain intact: {checked} rows verified.")
            return
        click.echo(
            f"Audit chain broken at row id {broken.id} (seq {broken.seq}, action "
            f"{broken.action}, {broken.object_type} #{broken.object_id}); "
            f"{checked} rows before it verified."
        )
        raise SystemExit(1)

    @app.cli.group("backup")
    def backup():
        """Back up and restore the database and uploaded files."""

    @backup.command("create")
    @click.argument("path", type=click.Path(dir_okay=False))
    def backup_create(path):
        """Write the database and the uploads folder into PATH (.tar.gz)."""
        from venture.core.backup import create_backup

        manifest = _backup_step(create_backup, path)
        click.echo(
            f"Backup written to {path}: {sum(manifest['tables'].values())} rows in "
            f"{len(manifest['tables'])} tables, {len(manifest['files'])} uploaded files."
        )

    @backup.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.confirmation_option(
        prompt="This replaces the whole database and every uploaded file. Continue?"
    )
    def backup_restore(path):
        """Replace the database and the uploads folder with the backup in PATH."""
        from venture.core.backup import restore_backup

        manifest = _backup_step(restore_backup, path)
        click.echo(
            f"Restored the backup of {manifest['created_at']}: "
            f"{sum(manifest['tables'].values())} rows, {len(manifest['files'])} uploaded files."
        )

    @app.cli.group("jobs")
    def jobs_group():
        """Background jobs (exports)."""

    @jobs_group.command("work")
    @click.option("--poll", default=1.0, show_default=True, help="Seconds between queue checks.")
    @click.option("--once", is_flag=True, help="Run what is queued, then exit.")
    def jobs_work(poll, once):
        """Run queued exports until SIGTERM or Ctrl+C (the running job goes back to the queue)."""
        import logging
        import threading

        from flask import current_app

        from venture.payments import exports, jobs  # noqa: F401 (exports registers handlers)

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        stop = threading.Event()
        jobs.stop_on_signals(stop)
        app_ = current_app._get_current_object()
        exports.start_worker_server(app_)
        click.echo(f"Export worker {jobs.worker_name()} polling every {poll} s.")
        count = jobs.work(app_, stop=stop, poll=poll, once=once)
        click.echo(f"Export worker stopped after {count} jobs.")

    @app.cli.command("create-admin")
    @click.option("--email", required=True)
    @click.option("--name", default="Administrator")
    @click.password_option()
    def create_admin(email, name, password):
        """Create an administrator account."""
        from venture.auth.operations import create_user

        create_user(email=email, name=name, password=password, roles=["admin"], actor=None)
        db.session.commit()
        click.echo(f"Created {email}.")


def _backup_step(step, path):
    """Run create_backup or restore_backup on path; a refusal is a command-line error."""
    from venture.core.backup import BackupError

    try:
        return step(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
