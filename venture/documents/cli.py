"""flask pki init and flask documents verify."""

import sys
from pathlib import Path

import click


def register(app):
    @app.cli.group("pki")
    def pki_group():
        """The signing keys and certificates (venture/documents/pki.py)."""

    @pki_group.command("init")
    @click.option(
        "--rotate",
        is_flag=True,
        help="A new office key and certificate; old documents stay verifiable.",
    )
    def pki_init(rotate):
        """Make the demo CA and the office certificate where missing (SIGNING_FOLDER)."""
        from venture.documents import pki

        written = pki.init_pki(rotate=rotate)
        folder = pki.signing_folder()
        if written:
            for name in written:
                click.echo(f"  wrote {folder / name}")
        else:
            click.echo(f"The signing keys in {folder} are in place; nothing to do.")

    @app.cli.group("documents")
    def documents_group():
        """Issued documents."""

    @documents_group.command("verify")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def documents_verify(file):
        """Check FILE's signatures and whether the platform issued it (exit 0 only if valid)."""
        from flask_babel import force_locale

        from venture.documents.operations import display_code
        from venture.documents.verification import VALID, verify_pdf

        with force_locale("en"):
            verdict = verify_pdf(file.read_bytes())
            click.echo(f"{file.name}: {verdict.status.upper()}")
            click.echo(f"  {verdict.text}")
            click.echo(f"  SHA-256 {verdict.sha256}")
            for n, s in enumerate(verdict.signatures, 1):
                state = (
                    "changed since signing"
                    if not s.intact
                    else "changed after signing"
                    if not s.unchanged_after
                    else "certificate not trusted"
                    if not s.trusted
                    else "valid"
                )
                click.echo(f"  signature {n}: {s.signer} ({s.organization}) {s.signed_at}: {state}")
            if verdict.version is not None:
                how = "exactly" if verdict.exact else "contains, with later additions,"
                click.echo(
                    f"  issued by the platform: {how} document "
                    f"{display_code(verdict.version.document.code)}"
                )
            else:
                click.echo("  does not match any document the platform issued")
        sys.exit(0 if verdict.status == VALID else 1)
