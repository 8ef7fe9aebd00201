"""`adloom` command line: one module per command group, mounted here explicitly."""

from __future__ import annotations

import typer

from adloom.cli import (
    audit,
    brand,
    check,
    common,
    concepts,
    feedback,
    init,
    insights,
    policy,
    review,
    run,
    schema,
    serve,
    token,
    user,
)

app = typer.Typer(name="adloom", help="Creative strategy engine: brand folder in, governed ad creatives out.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
app.callback()(common.app_options)      # --version
app.command("init")(init.init)
app.command("run")(run.run)
app.command("export")(run.export)
app.command("schema")(schema.schema)
app.command("check")(check.check)
app.add_typer(brand.app, name="brand", help="Show, diff, extract and approve the brand object.")
app.add_typer(concepts.app, name="concepts", help="List and inspect stored concepts.")
app.add_typer(policy.app, name="policy", help="Test the rule packs and policies; evaluate against labelled copy.")
app.add_typer(audit.app, name="audit", help="Verify the audit chain, trace an ad's lineage, export events.")
app.command("serve")(serve.serve)
app.add_typer(review.app, name="review", help="The review queue: list, approve, reject, escalate, export.")
app.add_typer(user.app, name="user", help="Desk users (argon2-hashed passwords).")
app.add_typer(token.app, name="token", help="Bearer tokens for the REST API (stored hashed).")
app.add_typer(feedback.app, name="feedback", help="Import performance exports (Meta, TikTok, Google).")
app.command("insights")(insights.insights)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
