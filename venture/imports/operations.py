"""Import operations: read and judge a file, keep it, confirm it in one transaction, undo it;
and the claiming of imported organizations' accounts."""

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from venture.core import audit
from venture.core.actions import Refused
from venture.core.files import read_upload, store_bytes
from venture.core.timeutil import now
from venture.extensions import db
from venture.imports.columns import match_header, place_columns, read_cells
from venture.imports.enums import BatchState, ImportKind, RowAction
from venture.imports.models import ImportBatch, ImportRecord, PastProject
from venture.imports.parsers import UnreadableFile, read_table
from venture.imports.registry import kind_for
from venture.orgs.models import Organization
from venture.reference.models import Community, Street
from venture.review.models import ReviewerAffiliation, ReviewerProfile

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# what undo deletes or restores, by ImportRecord.object_type
MODELS = {
    "Organization": Organization,
    "ReviewerProfile": ReviewerProfile,
    "ReviewerAffiliation": ReviewerAffiliation,
    "Street": Street,
    "Community": Community,
    "PastProject": PastProject,
}


class ImportRefused(Refused):
    """A file or a step that cannot go ahead; str() is a message for a person."""


class WrongClaimCode(ImportRefused):
    """A wrong code: the try is counted, so the caller commits."""


@dataclass
class Preview:
    """A file read and every row judged; nothing written."""

    kind: ImportKind
    header_row: int
    file_format: str
    placed: dict  # field -> Placed
    results: list  # RowResult per data row

    @property
    def counts(self):
        counted = Counter(r.action for r in self.results)
        return {action: counted.get(action, 0) for action in RowAction}

    @property
    def accepted(self):
        return [r for r in self.results if r.action in (RowAction.ADD, RowAction.UPDATE)]

    def header_of(self, field):
        placed = self.placed.get(field)
        return placed.header if placed else field

    def refused_lines(self):
        """One line per refused row: its number, then each refused column and the reason."""
        lines = []
        for result in self.results:
            if result.issues:
                cells = "; ".join(f"{self.header_of(n)}: {m}" for n, m in result.issues)
                lines.append(f"row {result.number}, {cells}")
        return lines

    def summary(self):
        counts = self.counts
        return (
            f"{len(self.results)} rows: {counts[RowAction.ADD]} to add, "
            f"{counts[RowAction.UPDATE]} to update, {counts[RowAction.UNCHANGED]} unchanged, "
            f"{counts[RowAction.REFUSED]} refused"
        )


def preview_data(kind, data):
    """Read and judge a file's rows against the database; writes nothing."""
    kind = ImportKind(kind)
    handler = kind_for(kind)
    columns = handler.columns
    table = read_table(data, lambda key: match_header(columns, key)[0] is not None)
    placed = place_columns(columns, table.headers)
    scales = {name: p.scale for name, p in placed.items()}
    results = [handler.read(n, read_cells(placed, values), scales) for n, values in table.rows]
    with db.session.no_autoflush:
        ctx = handler.context(results, set(placed))
        for result in results:
            handler.decide(result, ctx)
        handler.finish([r for r in results if not r.refused], ctx)
    for result in results:
        if result.refused:
            result.action = RowAction.REFUSED
    return Preview(kind, table.header_row, table.file_format, placed, results), ctx


def _too_large(mb):
    return _("The file is larger than %(mb)s MB. Split it into smaller files.", mb=mb)


def start_import(kind, storage, *, actor):
    """Keep an uploaded file as a batch awaiting confirmation; refuse one that cannot be read."""
    data = read_upload(storage, ImportRefused, _too_large)
    try:
        preview, _ctx = preview_data(kind, data)
    except UnreadableFile as error:
        raise ImportRefused(str(error)) from error
    return _new_batch(kind, data, storage.filename or "import", preview, actor=actor), preview


def _new_batch(kind, data, filename, preview, *, actor):
    suffix = ".xlsx" if preview.file_format == "xlsx" else ".csv"
    content_type = XLSX_TYPE if suffix == ".xlsx" else "text/csv"
    name = Path(filename).stem + suffix
    stored = store_bytes(data, name=name, content_type=content_type, actor=actor)
    batch = ImportBatch(
        kind=ImportKind(kind), file=stored, created_by_id=getattr(actor, "id", None)
    )
    _count(batch, preview)
    db.session.add(batch)
    db.session.flush()
    return batch


def _count(batch, preview):
    counts = preview.counts
    batch.rows_total = len(preview.results)
    batch.added = counts[RowAction.ADD]
    batch.updated = counts[RowAction.UPDATE]
    batch.unchanged = counts[RowAction.UNCHANGED]
    batch.refused = counts[RowAction.REFUSED]


def preview_batch(batch):
    """The batch's stored file judged against the database as it is now."""
    try:
        return preview_data(batch.kind, batch.file.path.read_bytes())[0]
    except (UnreadableFile, OSError) as error:
        raise ImportRefused(str(error)) from error


def confirm_import(batch, *, actor):
    """Write every accepted row in this transaction, audited as one batch; refused rows write
    nothing. The file is judged again, so what is written matches the database now."""
    taken = db.session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch.id, ImportBatch.state == BatchState.PREVIEWED)
        .values(state=BatchState.CONFIRMED)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        raise ImportRefused(_("This import was confirmed or left already."))
    try:
        preview, ctx = preview_data(batch.kind, batch.file.path.read_bytes())
    except (UnreadableFile, OSError) as error:
        raise ImportRefused(str(error)) from error
    handler = kind_for(batch.kind)
    records = handler.apply(preview.accepted, ctx, actor=actor, batch=batch)
    if records:
        # a bulk INSERT, in the order written, which undo reverses
        columns = (
            "batch_id",
            "row_number",
            "action",
            "object_type",
            "object_id",
            "before",
            "after",
        )
        db.session.execute(
            insert(ImportRecord), [{c: getattr(r, c) for c in columns} for r in records]
        )
    db.session.refresh(batch)
    batch.state = BatchState.CONFIRMED
    batch.confirmed_at = now()
    _count(batch, preview)
    audit.record(
        "import.confirm",
        batch,
        actor=actor,
        after={
            "kind": batch.kind,
            "file": batch.file.original_name,
            "sha256": batch.file.sha256,
            "rows": batch.rows_total,
            "added": batch.added,
            "updated": batch.updated,
            "unchanged": batch.unchanged,
            "refused": batch.refused,
        },
    )
    return preview


def import_file(kind, data, filename, *, actor, dry_run=False):
    """The command line's import: judge, and unless dry_run write at once. (preview, batch)"""
    preview, _ctx = preview_data(kind, data)
    if dry_run:
        return preview, None
    batch = _new_batch(kind, data, filename, preview, actor=actor)
    return confirm_import(batch, actor=actor), batch


def undo_import(batch, *, actor):
    """Delete what the batch created and put back what it changed, all or nothing; refused
    while anything refers to a created record or a changed one was changed since."""
    if batch.state != BatchState.CONFIRMED:
        raise ImportRefused(_("Only a confirmed import can be undone."))
    handler = kind_for(batch.kind)
    records = list(
        db.session.scalars(
            select(ImportRecord)
            .where(ImportRecord.batch_id == batch.id)
            .order_by(ImportRecord.id.desc())
        )
    )
    problems = []
    savepoint = db.session.begin_nested()
    try:
        for entry in records:
            problem = _undo_one(handler, entry)
            if problem:
                problems.append(problem)
                if len(problems) >= 5:
                    break
        if not problems:
            db.session.flush()
    except IntegrityError:
        problems.append(_("a record it created is in use"))
    if problems:
        savepoint.rollback()
        raise ImportRefused(
            _("This import cannot be undone: %(problems)s.", problems="; ".join(problems))
        )
    savepoint.commit()
    batch.state = BatchState.UNDONE
    batch.undone_at = now()
    batch.undone_by_id = getattr(actor, "id", None)
    audit.record(
        "import.undo",
        batch,
        actor=actor,
        before={"state": BatchState.CONFIRMED},
        after={"state": BatchState.UNDONE, "records": len(records)},
    )


def _undo_one(handler, entry):
    record = db.session.get(MODELS[entry.object_type], entry.object_id)
    if record is None:
        return None
    if entry.action == RowAction.UPDATE:
        return handler.restore(record, entry)
    user = None
    if entry.object_type == "ReviewerProfile" and entry.after:
        user = record.user
        if entry.after.get("role_added") and not entry.after.get("user_created"):
            user.set_roles([r for r in user.roles if r.value != "reviewer"])
        if not entry.after.get("user_created"):
            user = None
    try:
        with db.session.begin_nested():
            db.session.delete(record)
            db.session.flush()
            if user is not None:
                db.session.delete(user)
                db.session.flush()
    except IntegrityError:
        return _(
            "row %(row)d: %(what)s is in use elsewhere",
            row=entry.row_number,
            what=_describe(record),
        )
    return None


def _describe(record):
    return getattr(record, "name", None) or getattr(record, "title", None) or str(record.id)


# --- claiming an imported organization's account (认领) ------------------------------------

CLAIM_CODE_MINUTES = 30
CLAIM_CODE_ATTEMPTS = 5
CLAIM_CODE_INTERVAL = 60  # seconds between two codes for one organization


def imported_org_ids(org_ids=None):
    """Ids of organizations that a confirmed import created (of org_ids, when given)."""
    query = (
        select(ImportRecord.object_id)
        .join(ImportBatch, ImportRecord.batch_id == ImportBatch.id)
        .where(
            ImportRecord.object_type == "Organization",
            ImportRecord.action == RowAction.ADD,
            ImportBatch.state == BatchState.CONFIRMED,
        )
    )
    if org_ids is not None:
        query = query.where(ImportRecord.object_id.in_(list(org_ids)))
    return set(db.session.scalars(query))


def is_claimable(org):
    """An imported organization that nobody has signed in for yet."""
    from venture.auth.models import User

    has_member = db.session.scalar(select(User.id).where(User.organization_id == org.id).limit(1))
    return has_member is None and org.id in imported_org_ids([org.id])


def claim_status(org_ids):
    """{org id: (first member or None, latest invitation or None)}, in two queries."""
    from venture.auth.models import User
    from venture.orgs.models import Invitation

    members, invitations = {}, {}
    if not org_ids:
        return {}
    for user in db.session.scalars(
        select(User).where(User.organization_id.in_(org_ids)).order_by(User.created_at, User.id)
    ):
        members.setdefault(user.organization_id, user)
    for invitation in db.session.scalars(
        select(Invitation).where(Invitation.organization_id.in_(org_ids)).order_by(Invitation.id)
    ):
        invitations[invitation.organization_id] = invitation
    return {i: (members.get(i), invitations.get(i)) for i in org_ids}


def invite_to_claim(org, *, actor):
    """Staff send the organization's registered contact an invitation to set up its account."""
    from venture.orgs.operations import invite_member

    if not is_claimable(org):
        raise ImportRefused(_("%(org)s has an account already.", org=org.name))
    if not org.contact_email:
        raise ImportRefused(
            _("%(org)s has no contact e-mail: add one by importing it again.", org=org.name)
        )
    invitation, _token = invite_member(org, org.contact_email, actor=actor)
    return invitation


def _code_hash(org_id, code):
    import hashlib

    secret = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{secret}:{org_id}:{code}".encode()).hexdigest()


def masked_email(email):
    name, _sep, domain = email.partition("@")
    return f"{name[:1]}***@{domain}"


def _claimable_by_code(credit_code):
    from venture.orgs.credit_code import InvalidCreditCode, normalise_credit_code
    from venture.orgs.operations import find_by_credit_code

    try:
        code = normalise_credit_code(credit_code)
    except InvalidCreditCode as error:
        raise ImportRefused(str(error)) from error
    org = find_by_credit_code(code)
    if org is None:
        raise ImportRefused(
            _("No imported organization has this credit code. Register it instead.")
        )
    if not is_claimable(org):
        raise ImportRefused(
            _("This organization has an account already: sign in, or ask a member to invite you.")
        )
    return org


def send_claim_code(credit_code):
    """Mail a one-time code to the registered contact of an imported organization."""
    import secrets
    from datetime import timedelta

    from venture.core.mail import send_mail
    from venture.imports.models import ClaimCode

    org = _claimable_by_code(credit_code)
    if not org.contact_email:
        raise ImportRefused(
            _(
                "No contact e-mail is registered for this organization: ask the bureau's staff "
                "for an invitation."
            )
        )
    last = db.session.scalar(
        select(ClaimCode).where(ClaimCode.organization_id == org.id).order_by(ClaimCode.id.desc())
    )
    if last is not None and (now() - last.sent_at).total_seconds() < CLAIM_CODE_INTERVAL:
        raise ImportRefused(_("A code was sent less than a minute ago; please wait for it."))
    code = f"{secrets.randbelow(10**6):06d}"
    claim = ClaimCode(
        organization_id=org.id,
        code_hash=_code_hash(org.id, code),
        sent_to=org.contact_email,
        sent_at=now(),
        expires_at=now() + timedelta(minutes=CLAIM_CODE_MINUTES),
    )
    db.session.add(claim)
    send_mail(
        org.contact_email,
        _("Your code to claim %(org)s on Venture", org=org.name),
        _(
            "The code to set up the account of %(org)s is %(code)s. It works for %(minutes)d "
            "minutes. If you did not ask for it, ignore this message.",
            org=org.name,
            code=code,
            minutes=CLAIM_CODE_MINUTES,
        ),
    )
    return org, claim, code


def claim_with_code(credit_code, code, *, account):
    """The first member's account of an imported organization, proven by the mailed code."""
    from venture.auth import operations as accounts
    from venture.auth.enums import Role
    from venture.imports.models import ClaimCode

    org = _claimable_by_code(credit_code)
    claim = db.session.scalar(
        select(ClaimCode)
        .where(ClaimCode.organization_id == org.id, ClaimCode.used_at.is_(None))
        .order_by(ClaimCode.id.desc())
    )
    if claim is None or claim.expires_at < now() or claim.attempts >= CLAIM_CODE_ATTEMPTS:
        raise ImportRefused(_("The code has expired or was used up: ask for a new one."))
    if claim.code_hash != _code_hash(org.id, (code or "").strip()):
        claim.attempts += 1
        left = CLAIM_CODE_ATTEMPTS - claim.attempts
        raise WrongClaimCode(_("The code is wrong; %(n)d tries left.", n=left))
    if accounts.find_user_by_email(account["email"]) is not None:
        raise ImportRefused(_("An account with this e-mail already exists."))
    claim.used_at = now()
    user = accounts.create_account(account, roles=[Role.APPLICANT], actor=None, organization=org)
    audit.record(
        "organization.claim",
        org,
        actor=user,
        after={"member": user.email, "code_sent_to": claim.sent_to},
    )
    return user
