"""`flask integrity check`: every record that breaks an invariant, with rule and record."""

import click


def register(app):
    @app.cli.group("integrity")
    def integrity():
        """The fund's invariants over the whole database."""

    @integrity.command("check")
    @click.option("--rule", "rules", multiple=True, help="Only this rule (repeatable).")
    def check(rules):
        """List every record that breaks a rule; exit status 1 when there are findings."""
        from venture.integrity.checks import run_checks
        from venture.integrity.registry import CHECKS

        findings = run_checks(rules or None)
        for finding in findings:
            click.echo(str(finding))
        click.echo(f"{len(findings)} findings ({len(CHECKS)} rules checked)")
        if findings:
            raise SystemExit(1)
