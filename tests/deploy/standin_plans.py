"""Small deploy plans for the TikTok and Google publisher tests: real files on disk, names by the convention."""

from __future__ import annotations

import hashlib
from pathlib import Path

from adloom.deploy.base import Credentials, DeployPlan, PlanAd, PlanAdGroup, PlanCampaign, PlanMedia, PublishedObject
from adloom.naming import ad_name
from adloom.types import GoogleRSACopy, TikTokCopy

TOKEN = "tt-planted-token-5f1c9a"      # planted: no output may ever carry it


def _media(folder: Path, kind: str, name: str, data: bytes) -> PlanMedia:
    path = folder / name
    path.write_bytes(data)
    return PlanMedia(kind=kind, path=str(path), sha256=hashlib.sha256(data).hexdigest(), asset_id=name)  # type: ignore[arg-type]


def concept_id(i: int) -> str:
    return hashlib.sha256(f"concept-{i}".encode()).hexdigest()[:32]


def tiktok_plan(folder: Path, *, groups: int = 2, hooks: int = 3, account: str = "7001",
                texts: dict[str, str] | None = None, cover: bool = True) -> DeployPlan:
    out = []
    for g in range(groups):
        cid = concept_id(g)
        ads = []
        for h in range(1, hooks + 1):
            name = ad_name("restwave", f"angle-{g}", "runners", f"h{h}", cid, "tiktok")
            media = [_media(folder, "video", f"{cid[:8]}_h{h}.mp4", f"video {g} {h}".encode())]
            if cover:
                media.append(_media(folder, "image", f"{cid[:8]}_cover.png", f"png {g}".encode()))
            text = (texts or {}).get(f"{g}.{h}", f"Sore legs after the long run {g}.{h}? Try Restwave")
            ads.append(PlanAd(name=name, concept_id=cid, hook_id=f"h{h}",
                              copy_variant=TikTokCopy.model_construct(hook_id=f"h{h}", ad_text=text, cta="SHOP_NOW"),
                              link="https://restwave.example/pulse", url_tags="utm_source=tiktok",
                              display_name="Restwave", media=tuple(media)))
        out.append(PlanAdGroup(name=f"Restwave – Angle {g} – Runners", concept_id=cid, daily_budget=25.0,
                               countries=("US", "GB"), age_min=25, age_max=44, ads=tuple(ads)))
    return DeployPlan(platform="tiktok", account_id=account, run_id="run-1", brand_slug="restwave",
                      brand_version="v1", campaign=PlanCampaign(name="Restwave – Winter", objective="OUTCOME_TRAFFIC",
                                                                ad_groups=tuple(out)))


def google_plan(*, groups: int = 3, account: str = "123-456-7890",
                headline: dict[int, str] | None = None) -> DeployPlan:
    out = []
    for g in range(groups):
        cid = concept_id(g)
        heads = [f"Recover faster {g}.{k}" for k in range(5)]
        if headline and g in headline:
            heads.append(headline[g])
        copy = GoogleRSACopy.model_construct(headlines=heads, descriptions=["Percussive massage for runners.",
                                                                            "Six hours per charge."],
                                             path1="pulse", path2="runners", platform="google")
        name = ad_name("restwave", f"angle-{g}", "runners", "rsa", cid, "google")
        out.append(PlanAdGroup(name=f"Restwave – Angle {g} – Runners", concept_id=cid, daily_budget=20.0,
                               countries=("US",), age_min=18, age_max=65,
                               ads=(PlanAd(name=name, concept_id=cid, hook_id="rsa", copy_variant=copy,
                                           link="https://restwave.example/pulse", url_tags="utm_source=google"),)))
    return DeployPlan(platform="google", account_id=account, run_id="run-1", brand_slug="restwave",
                      brand_version="v1", campaign=PlanCampaign(name="Restwave – Search", objective="OUTCOME_SALES",
                                                                ad_groups=tuple(out)))


class Collected:
    """What the publisher reported, as the deploy recorder would receive it."""

    def __init__(self) -> None:
        self.objects: list[PublishedObject] = []
        self.rejected: list[object] = []

    def on_object(self, obj: PublishedObject) -> None:
        self.objects.append(obj)

    def on_rejected(self, rejection: object) -> None:
        self.rejected.append(rejection)


def tiktok_credentials(token: str = TOKEN) -> Credentials:
    return Credentials("tiktok", {"tiktok_access_token": token})
