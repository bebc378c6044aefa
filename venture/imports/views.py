"""Import pages: upload, preview, confirm, result, undo, templates; organizations claiming
their accounts; and `flask import` for operators."""

import time
from pathlib import Path

import click
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from sqlalchemy import select

from venture.auth.enums import Role
from venture.core.access import deny_unless, public, roles_required
from venture.core.actions import post_action
from venture.core.downloads import send_download
from venture.core.files import send_stored
from venture.core.pagination import paginate
from venture.core.redirects import is_same_origin_path
from venture.core.timeutil import local_today
from venture.extensions import db
from venture.imports import operations
from venture.imports.enums import BatchState, ImportKind, RowAction
from venture.imports.forms import ClaimAccountForm, ClaimStartForm, ConfirmForm, UploadForm
from venture.imports.models import ImportBatch, ImportRecord, PastProject
from venture.imports.parsers import UnreadableFile
from venture.imports.permissions import IMPORT_ROLES, can_see_batch, can_undo_batch
from venture.orgs.models import Organization

bp = Blueprint("imports", __name__, cli_group=None)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_ARG = "any(organizations, experts, communities, projects)"


def _batch_or_404(batch_id):
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None:
        abort(404)
    deny_unless(can_see_batch(current_user, batch), 404)
    return batch


@bp.route("/imports", methods=["GET", "POST"])
@roles_required(*IMPORT_ROLES)
def index():
    """The batches so far and the upload form."""
    form = UploadForm()
    if form.validate_on_submit():
        try:
            batch, _preview = operations.start_import(
                form.kind.data, form.file.data, actor=current_user
            )
        except operations.ImportRefused as error:
            db.session.rollback()
            form.file.errors = [*form.file.errors, str(error)]
        else:
            db.session.commit()
            return redirect(url_for("imports.show", batch_id=batch.id))
    page = paginate(select(ImportBatch).order_by(ImportBatch.id.desc()))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "imports/index.html", form=form, page=page, kinds=list(ImportKind)
    ), status


@bp.route("/imports/<int:batch_id>")
@roles_required(*IMPORT_ROLES)
def show(batch_id):
    """A previewed batch: every row judged; a confirmed or undone one: what it wrote."""
    batch = _batch_or_404(batch_id)
    form = ConfirmForm()
    if batch.state == BatchState.PREVIEWED:
        try:
            preview = operations.preview_batch(batch)
        except operations.ImportRefused as error:
            flash(str(error), "danger")
            preview = None
        only = request.args.get("only", "")
        rows = preview.results if preview else []
        if only in {a.value for a in RowAction}:
            rows = [r for r in rows if r.action == RowAction(only)]
        return render_template(
            "imports/preview.html",
            batch=batch,
            preview=preview,
            rows=_page_of(rows),
            only=only,
            form=form,
            RowAction=RowAction,
        )
    records = paginate(
        select(ImportRecord)
        .where(ImportRecord.batch_id == batch.id)
        .order_by(ImportRecord.row_number, ImportRecord.id)
    )
    org_ids = [r.object_id for r in records.items if r.object_type == "Organization"]
    orgs = {
        o.id: o
        for o in db.session.scalars(select(Organization).where(Organization.id.in_(org_ids)))
    }
    return render_template(
        "imports/result.html",
        batch=batch,
        records=records,
        orgs=orgs,
        claims=operations.claim_status(org_ids),
        form=form,
        can_undo=batch.state == BatchState.CONFIRMED and can_undo_batch(current_user, batch),
    )


PREVIEW_PAGE_ROWS = 200


def _page_of(rows):
    """One page of a preview's rows (the whole file was judged; a page is shown)."""
    from math import ceil

    from venture.core.pagination import Page, requested_page

    page = min(requested_page(), max(1, ceil(len(rows) / PREVIEW_PAGE_ROWS)))
    start = (page - 1) * PREVIEW_PAGE_ROWS
    return Page(
        items=rows[start : start + PREVIEW_PAGE_ROWS],
        page=page,
        per_page=PREVIEW_PAGE_ROWS,
        total=len(rows),
    )


@bp.route("/imports/<int:batch_id>/confirm", methods=["POST"])
@roles_required(*IMPORT_ROLES)
def confirm(batch_id):
    batch = _batch_or_404(batch_id)
    return post_action(
        lambda: operations.confirm_import(batch, actor=current_user),
        success=lambda _result: _(
            "Imported: %(a)d added, %(u)d updated, %(s)d unchanged, %(r)d refused.",
            a=batch.added,
            u=batch.updated,
            s=batch.unchanged,
            r=batch.refused,
        ),
        target=url_for("imports.show", batch_id=batch.id),
        form=ConfirmForm(),
    )


@bp.route("/imports/<int:batch_id>/undo", methods=["POST"])
@roles_required(*IMPORT_ROLES)
def undo(batch_id):
    batch = _batch_or_404(batch_id)
    deny_unless(can_undo_batch(current_user, batch))
    return post_action(
        lambda: operations.undo_import(batch, actor=current_user),
        success=_("The import was undone."),
        target=url_for("imports.show", batch_id=batch.id),
        form=ConfirmForm(),
    )


@bp.route("/imports/<int:batch_id>/file")
@roles_required(*IMPORT_ROLES)
def batch_file(batch_id):
    return send_stored(_batch_or_404(batch_id).file)


@bp.route(f"/imports/templates/<{KIND_ARG}:kind>.xlsx")
@roles_required(*IMPORT_ROLES)
def template(kind):
    from venture.imports.workbooks import template_workbook

    kind = ImportKind(kind)
    return send_download(
        template_workbook(kind),
        mimetype=XLSX,
        filename=f"{_('Import template')} - {kind.label}.xlsx",
    )


@bp.route("/staff/orgs/export.xlsx")
@roles_required(Role.STAFF, Role.ADMIN, Role.FINANCE)
def export_organizations():
    """The organization list in the import's columns: importing it back changes nothing."""
    from venture.imports.workbooks import organizations_workbook

    return send_download(
        organizations_workbook(),
        mimetype=XLSX,
        filename=f"{_('Organizations')} {local_today().isoformat()}.xlsx",
    )


@bp.route("/imports/orgs/<int:org_id>/invite", methods=["POST"])
@roles_required(*IMPORT_ROLES)
def invite_claim(org_id):
    """Staff send an imported organization's contact an invitation to claim the account."""
    org = db.session.get(Organization, org_id)
    if org is None:
        abort(404)
    back = request.form.get("back", "")
    return post_action(
        lambda: operations.invite_to_claim(org, actor=current_user),
        success=lambda invitation: _(
            "An invitation was sent to %(email)s.", email=invitation.email
        ),
        target=back if is_same_origin_path(back) else url_for("orgs.show", org_id=org.id),
        form=ConfirmForm(),
    )


# --- claiming an imported organization (认领账号) -----------------------------------------


@bp.route("/claim", methods=["GET", "POST"])
@public
def claim():
    """Ask for a one-time code, sent to the contact the registry holds for the organization."""
    form = ClaimStartForm()
    if form.validate_on_submit():
        try:
            org, claim_code, _code = operations.send_claim_code(form.credit_code.data)
        except operations.ImportRefused as error:
            db.session.rollback()
            form.credit_code.errors = [*form.credit_code.errors, str(error)]
        else:
            db.session.commit()
            flash(
                _(
                    "A code was sent to %(email)s, the contact e-mail registered for %(org)s.",
                    email=operations.masked_email(claim_code.sent_to),
                    org=org.name,
                ),
                "success",
            )
            return redirect(url_for("imports.claim_account", credit_code=org.credit_code))
    status = 400 if request.method == "POST" else 200
    return render_template("imports/claim.html", form=form), status


@bp.route("/claim/account", methods=["GET", "POST"])
@public
def claim_account():
    """The code and the first member's account."""
    form = ClaimAccountForm()
    if request.method == "GET":
        form.credit_code.data = request.args.get("credit_code", "")[:40]
    if form.validate_on_submit():
        try:
            user = operations.claim_with_code(
                form.credit_code.data,
                form.code.data,
                account={
                    "email": form.email.data,
                    "name": form.name.data,
                    "phone": form.phone.data,
                    "password": form.password.data,
                },
            )
        except operations.WrongClaimCode as error:
            db.session.commit()  # the try counts
            form.code.errors = [*form.code.errors, str(error)]
        except operations.ImportRefused as error:
            db.session.rollback()
            form.code.errors = [*form.code.errors, str(error)]
        else:
            db.session.commit()
            login_user(user)
            flash(
                _("Welcome. Your organization's account is yours now."),
                "success",
            )
            return redirect(url_for("orgs.show", org_id=user.organization_id))
    status = 400 if request.method == "POST" else 200
    return render_template("imports/claim_account.html", form=form), status


@bp.app_template_global()
def past_projects_of(org_id):
    """An organization's past funded projects, newest first (one query)."""
    return list(
        db.session.scalars(
            select(PastProject)
            .where(PastProject.organization_id == org_id)
            .order_by(PastProject.year.desc(), PastProject.id)
        )
    )


# --- command line -------------------------------------------------------------------------


@bp.cli.command("import")
@click.argument("kind", type=click.Choice([k.value for k in ImportKind]))
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Judge every row and write nothing.")
@click.option("--by", "by_email", help="The staff or admin account the import is made as.")
def import_command(kind, path, dry_run, by_email):
    """Import organizations, experts, communities or past projects from an XLSX or CSV file."""
    from venture.auth.models import User

    actor = _operator(by_email, User)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise click.ClickException(f"{path}: {error.strerror}") from error
    started = time.monotonic()
    try:
        preview, batch = operations.import_file(
            kind, data, Path(path).name, actor=actor, dry_run=dry_run
        )
    except UnreadableFile as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    for line in preview.refused_lines():
        click.echo(line)
    click.echo(preview.summary())
    if batch is not None:
        db.session.commit()
        click.echo(f"Written as import batch {batch.id} in {time.monotonic() - started:.1f} s.")
    else:
        db.session.rollback()
        click.echo("Dry run: nothing was written.")


def _operator(email, user_model):
    """The account named by --by, else the first active administrator."""
    query = select(user_model).where(user_model.active).order_by(user_model.id)
    if email:
        user = db.session.scalar(query.where(user_model.email == email.strip().lower()))
        if user is None or not user.has_any_role(*IMPORT_ROLES):
            raise click.ClickException(f"{email}: no active staff or admin account.")
        return user
    for user in db.session.scalars(query):
        if user.has_role(Role.ADMIN):
            return user
    raise click.ClickException("No active administrator: name the account with --by EMAIL.")
