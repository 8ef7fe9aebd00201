"""``adloom deploy RUN --platform P --account ID``: a run's approved concepts as paused ads on an ad platform."""

from __future__ import annotations

import asyncio
import getpass
from pathlib import Path
from typing import Any, cast

import typer
from rich.markup import escape

from adloom.audit import DEFAULT_REDACTOR, AuditLog
from adloom.cli.common import ProjectOpt, cli_errors, console, err_console, existing_store
from adloom.deploy.base import DeployPlan, PublishResult
from adloom.deploy.credentials import api_base_for, credentials_for, scrub
from adloom.deploy.plan import build_plan, load_run
from adloom.deploy.record import rejected_concepts
from adloom.deploy.registry import get_publisher
from adloom.deploy.run import deploy as run_deploy
from adloom.errors import ConfigError, InputError
from adloom.platforms import PLATFORMS, Platform
from adloom.settings import Settings
from adloom.store.db import transaction
from adloom.types import Campaign

REJECTED_EXIT = 1       # some ads were refused by the platform's review: the rest is deployed, paused


def _platform(value: str) -> Platform:
    chosen = value.strip().lower()
    if chosen not in PLATFORMS:
        raise ConfigError(f"unknown platform '{value}'; choose from {', '.join(PLATFORMS)}", field="--platform")
    return cast(Platform, chosen)


def _options(platform: Platform, campaign: Campaign) -> dict[str, Any]:
    """Per-platform publisher options that come from campaign.yaml rather than settings."""
    if platform == "meta":
        return {"page_id": campaign.meta_page_id, "pixel_id": campaign.meta_pixel_id}
    return {}


def print_plan(plan: DeployPlan) -> None:
    """Every object the deploy would create, with its fields, in the order it would create them."""
    c = plan.campaign
    out = [f"{plan.platform} account {plan.account_id} · run {plan.run_id}",
           f"campaign '{c.name}' {c.status} objective {c.objective} buying {c.buying_type} special_ad_categories "
           f"[{', '.join(c.special_ad_categories)}]"]
    for group in c.ad_groups:
        out.append(f"  ad group '{group.name}' {group.status} concept {group.concept_id[:12]} daily budget "
                   f"{group.daily_budget:.2f} countries {','.join(group.countries)} "
                   f"ages {group.age_min}-{group.age_max}")
        for ad in group.ads:
            out.append(f"    ad {ad.name} {ad.status}")
            fields = ad.copy_variant.model_dump(exclude={"platform", "hook_id"})
            for key, value in fields.items():
                out.append(f"      {key}: {value}")
            out.append(f"      link: {ad.link}")
            out.append(f"      url_tags: {ad.url_tags}")
            for media in ad.media:
                out.append(f"      {media.kind}: {media.path} (sha256 {media.sha256[:16]})")
    n_ads = sum(len(g.ads) for g in c.ad_groups)
    out.append(f"{len(c.ad_groups)} ad groups, {n_ads} ads, all {c.status}")
    console.print(escape("\n".join(out)), highlight=False, soft_wrap=True)


def print_result(result: PublishResult) -> None:
    for obj in result.objects:
        how = "created" if obj.created else "exists "
        console.print(escape(f"{how} {obj.level:<9} {obj.platform_id:<20} {obj.name}"), highlight=False,
                      soft_wrap=True)
    found = len(result.objects) - len(result.created)
    console.print(f"{result.platform} account {result.account_id}: {len(result.created)} objects created, {found} "
                  f"already there, {len(result.rejected)} ads rejected; everything is PAUSED", highlight=False)


@cli_errors
def deploy(
    run_id: str = typer.Argument(..., help="The run whose approved concepts to deploy (see `adloom concepts list`)."),
    platform: str = typer.Option(..., "--platform", help="meta, tiktok or google."),
    account: str = typer.Option(..., "--account", help="Ad account: Meta act_<id>, TikTok advertiser id, Google "
                                                      "customer id."),
    campaign: str = typer.Option(None, "--campaign", help="Campaign name (default: campaign.yaml's name, else the "
                                                         "brand's)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the exact plan and change nothing."),
    as_json: bool = typer.Option(False, "--json", help="With --dry-run: print the plan as JSON."),
    by: str = typer.Option(None, "--by", help="Who deploys, for the audit log (default: your login name)."),
    project: Path = ProjectOpt,
) -> None:
    """Deploy a run's approved concepts as PAUSED campaign, ad groups and ads; a rerun creates only what is missing.

    Credentials come from ADLOOM_META_ACCESS_TOKEN / ADLOOM_TIKTOK_ACCESS_TOKEN / ADLOOM_GOOGLE_ADS_* or the OS
    keyring; each created object is an audit event (`adloom audit lineage AD_NAME` shows it).
    """
    settings = Settings()
    chosen = _platform(platform)
    factory = existing_store(project, settings)
    with transaction(factory) as session:
        material = load_run(session, run_id)
        skip = rejected_concepts(session, chosen, [c.id for c in material.concepts])
    plan = build_plan(material, chosen, account, campaign_name_override=campaign, skip=frozenset(skip))
    left_out = [f"{c.id[:12]} ({c.status})" for c in material.not_approved]
    if left_out:
        err_console.print(escape(f"not approved, left out: {', '.join(left_out)}"), highlight=False, soft_wrap=True)
    if skip:
        err_console.print(escape(f"rejected by {chosen} before, left out: {', '.join(s[:12] for s in sorted(skip))}"),
                          highlight=False, soft_wrap=True)
    if not plan.campaign.ad_groups:
        raise InputError(f"run {run_id} has no approved concept with {chosen} copy to deploy", field="RUN")
    if dry_run:
        if as_json:
            typer.echo(plan.model_dump_json(indent=2))
        else:
            print_plan(plan)
            console.print("dry run: nothing was sent or recorded", highlight=False)
        return
    credentials = credentials_for(chosen, settings)
    publisher = get_publisher(chosen, credentials, api_base_for(chosen, settings),
                              **_options(chosen, material.campaign))
    audit = AuditLog(factory, redact=DEFAULT_REDACTOR if settings.audit_redact else None)
    result = asyncio.run(run_deploy(plan, publisher, factory=factory, audit=audit,
                                    actor=by or getpass.getuser() or "cli"))
    print_result(result)
    if result.rejected:
        for r in result.rejected:
            err_console.print(escape(scrub(f"error: {chosen} rejected {r.ad_name}: {r.reason}", credentials.values())),
                              highlight=False, soft_wrap=True)
        raise typer.Exit(REJECTED_EXIT)
