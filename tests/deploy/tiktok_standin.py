"""A TikTok API for Business (v1.3) stand-in: the request and response shapes of the public reference, kept as
state in memory, on a real HTTP server on 127.0.0.1.

Shapes follow https://business-api.tiktok.com/portal/docs (API Reference: Campaign, Ad Group, Ad, Identity,
Video and Image upload/search, Get suggested video covers, Reporting "integrated/get", and the Return code
appendix, doc id 1737172488964097): every answer is HTTP 200 with ``{"code", "message", "data", "request_id"}``;
``code`` 0 is success, 40001 a missing permission, 40002 a parameter error naming the field, 40100 too many requests
(the QPS limit), 40105 an access token that is wrong, expired or revoked. Lists page with ``page``/``page_size`` and
answer ``page_info {page, page_size, total_number, total_page}``. Ad review is asynchronous on TikTok: an ad is
created, then ``ad/review_info/`` says whether it was approved and, if not, why; here an ad whose text carries
one of ``rejected_phrases`` is not approved.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from datetime import date, timedelta
from typing import Any

from tests.deploy.standin_http import Answer, Request, StandIn

PREFIX = "/open_api/v1.3/"
OK = 0
NO_PERMISSION = 40001
BAD_PARAMETER = 40002
TOO_MANY_REQUESTS = 40100
BAD_TOKEN = 40105


class TikTokStandIn(StandIn):
    def __init__(self, *, token: str = "tt-test-token", advertisers: tuple[str, ...] = ("7001",),
                 page_cap: int = 2, currency: str = "USD", rejected_phrases: tuple[str, ...] = (),
                 **options: Any) -> None:
        super().__init__(**options)
        self.token = token
        self.advertisers = set(advertisers)
        self.page_cap = page_cap
        self.currency = currency
        self.rejected_phrases = rejected_phrases
        self.ids = itertools.count(1_800_000_000_000_000_001)
        self.campaigns: dict[str, dict[str, Any]] = {}
        self.adgroups: dict[str, dict[str, Any]] = {}
        self.ads: dict[str, dict[str, Any]] = {}
        self.identities: dict[str, dict[str, Any]] = {}
        self.videos: dict[str, dict[str, Any]] = {}
        self.images: dict[str, dict[str, Any]] = {}
        self.scripted: dict[str, tuple[int, str]] = {}      # endpoint -> (code, message) for its next call
        self.stats: dict[tuple[str, str], dict[str, float]] = {}   # (ad_id, day) -> metrics

    @property
    def api_base(self) -> str:
        return self.root + "/open_api/v1.3"

    def fail_next(self, endpoint: str, code: int, message: str) -> None:
        self.scripted[endpoint] = (code, message)

    def deliver(self, ad_id: str, day: date, **metrics: float) -> None:
        """Record one day's delivery of an ad, which the reporting endpoint then answers."""
        self.stats[(ad_id, day.isoformat())] = dict(metrics)

    # ------------------------------------------------------------ routing

    def route(self, request: Request) -> Answer:
        endpoint = request.path.removeprefix(PREFIX)
        if self.over_budget():
            return _reply(TOO_MANY_REQUESTS, "Too many requests. Please retry in some time.")
        if request.headers.get("access-token") != self.token:
            return _reply(BAD_TOKEN, "Access token is incorrect or has been revoked.")
        if endpoint in self.scripted:
            return _reply(*self.scripted.pop(endpoint))
        params: dict[str, Any] = (request.json if request.method == "POST" and request.json is not None
                                  else request.form if request.method == "POST" else dict(request.query))
        advertiser = str(params.get("advertiser_id") or _first(params.get("advertiser_ids")) or "")
        if not advertiser:
            return _reply(BAD_PARAMETER, "advertiser_id: Missing data for required field.")
        if advertiser not in self.advertisers:
            return _reply(NO_PERMISSION, f"No permission to operate advertiser {advertiser}.")
        handler = ROUTES.get((request.method, endpoint))
        if handler is None:
            return Answer(404, {"code": 40404, "message": f"unknown endpoint {request.path}"})
        try:
            return handler(self, params)
        except _Invalid as exc:
            return _reply(BAD_PARAMETER, str(exc))

    # ------------------------------------------------------------ campaign, ad group, ad

    def _campaign_get(self, p: dict[str, Any]) -> Answer:
        rows = [c for c in self.campaigns.values() if c["advertiser_id"] == p["advertiser_id"]]
        return self._page(rows, p)

    def _campaign_create(self, p: dict[str, Any]) -> Answer:
        _require(p, "campaign_name", "objective_type")
        if p.get("budget_mode") in ("BUDGET_MODE_DAY", "BUDGET_MODE_TOTAL"):
            _require(p, "budget")
        row = {"campaign_id": self._id(), "advertiser_id": p["advertiser_id"], "campaign_name": p["campaign_name"],
               "objective_type": p["objective_type"], "budget_mode": p.get("budget_mode", "BUDGET_MODE_INFINITE"),
               "budget": p.get("budget", 0), "operation_status": p.get("operation_status", "ENABLE")}
        self.campaigns[row["campaign_id"]] = row
        self.created()
        return _reply(OK, "OK", {"campaign_id": row["campaign_id"]})

    def _adgroup_get(self, p: dict[str, Any]) -> Answer:
        wanted = set(_filtering(p).get("campaign_ids") or [])
        rows = [g for g in self.adgroups.values() if g["advertiser_id"] == p["advertiser_id"]
                and (not wanted or g["campaign_id"] in wanted)]
        return self._page(rows, p)

    def _adgroup_create(self, p: dict[str, Any]) -> Answer:
        _require(p, "campaign_id", "adgroup_name", "placement_type", "location_ids", "budget_mode", "schedule_type",
                 "schedule_start_time", "optimization_goal", "billing_event")
        if p["campaign_id"] not in self.campaigns:
            raise _Invalid(f"campaign_id: campaign {p['campaign_id']} does not exist.")
        row = {**{k: p[k] for k in ("campaign_id", "adgroup_name", "location_ids", "budget_mode")},
               "adgroup_id": self._id(), "advertiser_id": p["advertiser_id"], "budget": p.get("budget", 0),
               "age_groups": p.get("age_groups"), "operation_status": p.get("operation_status", "ENABLE")}
        self.adgroups[row["adgroup_id"]] = row
        self.created()
        return _reply(OK, "OK", {"adgroup_id": row["adgroup_id"]})

    def _ad_get(self, p: dict[str, Any]) -> Answer:
        wanted = set(_filtering(p).get("adgroup_ids") or [])
        rows = [a for a in self.ads.values() if a["advertiser_id"] == p["advertiser_id"]
                and (not wanted or a["adgroup_id"] in wanted)]
        return self._page(rows, p)

    def _ad_create(self, p: dict[str, Any]) -> Answer:
        _require(p, "adgroup_id", "creatives")
        if p["adgroup_id"] not in self.adgroups:
            raise _Invalid(f"adgroup_id: ad group {p['adgroup_id']} does not exist.")
        made = []
        for i, creative in enumerate(p["creatives"]):
            for name in ("ad_name", "ad_format", "ad_text", "identity_id", "identity_type", "video_id", "image_ids",
                         "call_to_action", "landing_page_url"):
                if not creative.get(name):
                    raise _Invalid(f"creatives[{i}].{name}: Missing data for required field.")
            text = creative["ad_text"]
            if len(text) > 100 or any(c in text for c in "#{}"):
                raise _Invalid(f"creatives[{i}].ad_text: ad text must be 1-100 characters without '#', '{{' or '}}'.")
            if creative["video_id"] not in self.videos:
                raise _Invalid(f"creatives[{i}].video_id: video {creative['video_id']} does not exist.")
            if any(image not in self.images for image in creative["image_ids"]):
                raise _Invalid(f"creatives[{i}].image_ids: image {creative['image_ids']} does not exist.")
            made.append(creative)
        ids = []
        for creative in made:
            rejected = [p for p in self.rejected_phrases if p.lower() in creative["ad_text"].lower()]
            row = {**creative, "ad_id": self._id(), "adgroup_id": p["adgroup_id"], "advertiser_id": p["advertiser_id"],
                   "campaign_id": self.adgroups[p["adgroup_id"]]["campaign_id"],
                   "operation_status": creative.get("operation_status", "ENABLE"),
                   "secondary_status": "AD_STATUS_NOT_APPROVED" if rejected else "AD_STATUS_IN_REVIEW",
                   "_rejected": rejected}
            self.ads[row["ad_id"]] = row
            ids.append(row["ad_id"])
            self.created()
        return _reply(OK, "OK", {"ad_ids": ids})

    def _ad_review_info(self, p: dict[str, Any]) -> Answer:
        review = {}
        for ad_id in _json_list(p.get("ad_ids")):
            ad = self.ads.get(ad_id)
            if ad is None:
                continue
            rejected = ad["_rejected"]
            review[ad_id] = {"is_approved": not rejected,
                             "review_status": "REJECT" if rejected else "PROCESSING",
                             "reject_info": [{"content_type": "AD_TEXT", "suggestion": "Remove the claim.",
                                              "reasons": [f"Exaggerated or misleading claim: '{phrase}'"
                                                          for phrase in rejected]}] if rejected else []}
        return _reply(OK, "OK", {"ad_review_map": review})

    # ------------------------------------------------------------ identity and media

    def _identity_get(self, p: dict[str, Any]) -> Answer:
        rows = [i for i in self.identities.values() if i["advertiser_id"] == p["advertiser_id"]]
        answer = self._page(rows, p)
        answer.body["data"] = {"identity_list": answer.body["data"]["list"],
                               "page_info": answer.body["data"]["page_info"]}
        return answer

    def _identity_create(self, p: dict[str, Any]) -> Answer:
        _require(p, "display_name")
        row = {"identity_id": self._id(), "identity_type": "CUSTOMIZED_USER", "display_name": p["display_name"],
               "advertiser_id": p["advertiser_id"]}
        self.identities[row["identity_id"]] = row
        self.created()
        return _reply(OK, "OK", {"identity_id": row["identity_id"]})

    def _video_search(self, p: dict[str, Any]) -> Answer:
        rows = [v for v in self.videos.values() if v["advertiser_id"] == p["advertiser_id"]]
        return self._page(rows, p)

    def _video_upload(self, p: dict[str, Any]) -> Answer:
        _require(p, "video_file", "video_signature", "file_name")
        data = p["video_file"]
        if hashlib.md5(data).hexdigest() != p["video_signature"]:
            raise _Invalid("video_signature: the signature does not match the file.")
        row = {"video_id": f"v10033g5{self._id()}", "signature": p["video_signature"], "file_name": p["file_name"],
               "size": len(data), "advertiser_id": p["advertiser_id"], "format": "mp4"}
        self.videos[row["video_id"]] = row
        self.created()
        return _reply(OK, "OK", [{k: v for k, v in row.items() if k != "advertiser_id"}])

    def _suggest_cover(self, p: dict[str, Any]) -> Answer:
        _require(p, "video_id")
        if p["video_id"] not in self.videos:
            raise _Invalid(f"video_id: video {p['video_id']} does not exist.")
        cover = f"tos-alisg-p-0051/cover-{p['video_id']}"
        self.images.setdefault(cover, {"image_id": cover, "signature": "", "file_name": "", "size": 0,
                                       "advertiser_id": p["advertiser_id"], "_suggested": True})
        return _reply(OK, "OK", {"list": [{"id": cover, "width": 1080, "height": 1920,
                                           "url": f"https://p16-sign-sg.tiktokcdn.com/{cover}"}]})

    def _image_search(self, p: dict[str, Any]) -> Answer:
        rows = [v for v in self.images.values() if v["advertiser_id"] == p["advertiser_id"] and v["signature"]]
        return self._page(rows, p)

    def _image_upload(self, p: dict[str, Any]) -> Answer:
        _require(p, "image_file", "image_signature", "file_name")
        if hashlib.md5(p["image_file"]).hexdigest() != p["image_signature"]:
            raise _Invalid("image_signature: the signature does not match the file.")
        row = {"image_id": f"ad-site-i18n-sg/{self._id()}", "signature": p["image_signature"],
               "file_name": p["file_name"], "size": len(p["image_file"]), "advertiser_id": p["advertiser_id"]}
        self.images[row["image_id"]] = row
        self.created()
        return _reply(OK, "OK", {k: v for k, v in row.items() if k != "advertiser_id"})

    # ------------------------------------------------------------ advertiser and reporting

    def _advertiser_info(self, p: dict[str, Any]) -> Answer:
        return _reply(OK, "OK", {"list": [{"advertiser_id": a, "name": f"Advertiser {a}", "currency": self.currency,
                                           "timezone": "Etc/GMT"} for a in _json_list(p.get("advertiser_ids"))]})

    def _report(self, p: dict[str, Any]) -> Answer:
        _require(p, "report_type", "data_level", "dimensions", "start_date", "end_date")
        if p["data_level"] != "AUCTION_AD" or sorted(_json_list(p["dimensions"])) != ["ad_id", "stat_time_day"]:
            raise _Invalid("dimensions: this stand-in reports ad x day only.")
        first, last = date.fromisoformat(p["start_date"]), date.fromisoformat(p["end_date"])
        if last < first or (last - first) > timedelta(days=30):
            raise _Invalid("end_date: the range must be 1 to 30 days with stat_time_day.")
        metrics = _json_list(p.get("metrics"))
        rows = []
        for (ad_id, day), figures in sorted(self.stats.items()):
            if not first.isoformat() <= day <= last.isoformat() or ad_id not in self.ads:
                continue
            values = {m: str(figures.get(m, 0)) for m in metrics}
            if "ad_name" in metrics:
                values["ad_name"] = self.ads[ad_id]["ad_name"]
            rows.append({"dimensions": {"ad_id": ad_id, "stat_time_day": f"{day} 00:00:00"}, "metrics": values})
        return self._page(rows, p)

    # ------------------------------------------------------------ helpers

    def _id(self) -> str:
        return str(next(self.ids))

    def _page(self, rows: list[dict[str, Any]], p: dict[str, Any]) -> Answer:
        page = int(p.get("page") or 1)
        size = min(int(p.get("page_size") or 10), self.page_cap)
        chunk = rows[(page - 1) * size: page * size]
        visible = [{k: v for k, v in r.items() if not k.startswith("_")} for r in chunk]
        return _reply(OK, "OK", {"list": visible, "page_info": {
            "page": page, "page_size": size, "total_number": len(rows),
            "total_page": max(1, math.ceil(len(rows) / size))}})


class _Invalid(Exception):
    pass


def _reply(code: int, message: str, data: Any = None) -> Answer:
    return Answer(200, {"code": code, "message": message, "data": data if data is not None else {},
                        "request_id": hashlib.sha1(message.encode()).hexdigest()[:24]})


def _require(p: dict[str, Any], *names: str) -> None:
    for name in names:
        if p.get(name) in (None, "", []):
            raise _Invalid(f"{name}: Missing data for required field.")


def _json_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str) and value.startswith("["):
        return [str(v) for v in json.loads(value)]
    return [value] if value else []


def _first(value: Any) -> str | None:
    items = _json_list(value)
    return items[0] if items else None


def _filtering(p: dict[str, Any]) -> dict[str, Any]:
    raw = p.get("filtering")
    if isinstance(raw, str) and raw:
        return dict(json.loads(raw))
    return dict(raw or {})


ROUTES = {
    ("GET", "advertiser/info/"): TikTokStandIn._advertiser_info,
    ("GET", "campaign/get/"): TikTokStandIn._campaign_get,
    ("POST", "campaign/create/"): TikTokStandIn._campaign_create,
    ("GET", "adgroup/get/"): TikTokStandIn._adgroup_get,
    ("POST", "adgroup/create/"): TikTokStandIn._adgroup_create,
    ("GET", "ad/get/"): TikTokStandIn._ad_get,
    ("POST", "ad/create/"): TikTokStandIn._ad_create,
    ("GET", "ad/review_info/"): TikTokStandIn._ad_review_info,
    ("GET", "identity/get/"): TikTokStandIn._identity_get,
    ("POST", "identity/create/"): TikTokStandIn._identity_create,
    ("GET", "file/video/ad/search/"): TikTokStandIn._video_search,
    ("POST", "file/video/ad/upload/"): TikTokStandIn._video_upload,
    ("GET", "file/video/suggestcover/"): TikTokStandIn._suggest_cover,
    ("GET", "file/image/ad/search/"): TikTokStandIn._image_search,
    ("POST", "file/image/ad/upload/"): TikTokStandIn._image_upload,
    ("GET", "report/integrated/get/"): TikTokStandIn._report,
}
