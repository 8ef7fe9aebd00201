"""A Marketing API (Graph API) stand-in: a real HTTP server on 127.0.0.1, in a thread, holding one ad account.

Request and response shapes follow the public reference (pages cited in tests/deploy/test_deploy_meta.py):
form-encoded POSTs with JSON-encoded list/object values, ``{"id": ...}`` answers for creates, ``{"images":
{filename: {"hash", "url"}}}`` for image uploads (the hash is the file's MD5), ``{"data": [...], "paging":
{"cursors": {"before", "after"}, "next"}}`` for edges (``limit`` / ``after``), ``filtering`` on ``name``
(EQUAL, CONTAIN), Graph error bodies (``message``, ``type``, ``code``, ``error_subcode``, ``error_user_title``,
``error_user_msg``, ``error_data.blame_field_specs``, ``fbtrace_id``), and the usage headers ``X-App-Usage``,
``X-Ad-Account-Usage`` and ``X-Business-Use-Case-Usage`` on every answer.

Scripted behaviour: ``usage`` (the percentage the headers report), ``fail_after`` (object-creating requests
answered before every further create fails with a transient Graph error: a deploy cut off halfway),
``slow_creates`` (seconds each create takes: room for a test to SIGKILL the deploying process), ``throttle``
(the next N requests get Graph code 80004 and a BUC header saying access is back), ``reject_phrase`` (a
creative whose text holds it is refused by "ad review", code 368), ``expire_token`` (code 190), ``deny``
(code 200), and ``script`` (one arbitrary error body for the next request to a path).
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

PAGE_SIZE = 2          # small on purpose: every list a publisher reads spans several pages


@dataclass
class Seen:
    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]


@dataclass
class MetaStandIn:
    token: str = "stand-in-token"
    account: str = "act_1234567890"
    currency: str = "USD"
    usage: float = 10.0
    fail_after: int | None = None
    slow_creates: float = 0.0
    throttle: int = 0
    reject_phrase: str | None = None
    expire_token: bool = False
    deny: bool = False
    objects: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {
        k: {} for k in ("campaigns", "adsets", "adcreatives", "ads", "adimages", "advideos")})
    requests: list[Seen] = field(default_factory=list)
    creates: int = 0
    scripted: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.lock = threading.RLock()
        self._ids = itertools.count(23850000000001)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    # ------------------------------------------------------------ lifecycle

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v26.0"

    def __enter__(self) -> MetaStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def script(self, path_suffix: str, status: int, error: dict[str, Any]) -> None:
        """The next request whose path ends with ``path_suffix`` is answered ``{"error": error}``."""
        self.scripted[path_suffix] = (status, error)

    def names(self, edge: str) -> list[str]:
        return [o.get("name") or o.get("title") or "" for o in self.objects[edge].values()]

    def posts(self, suffix: str = "") -> list[Seen]:
        return [r for r in self.requests if r.method == "POST" and r.path.endswith(suffix)]

    # ------------------------------------------------------------ routing

    def handle(self, method: str, path: str, params: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
        with self.lock:
            self.requests.append(Seen(method, path, {k: v for k, v in params.items() if isinstance(v, str)},
                                      headers))
            for suffix, (status, error) in list(self.scripted.items()):
                if path.endswith(suffix):
                    del self.scripted[suffix]
                    return status, {"error": {"type": "OAuthException", "fbtrace_id": "AStandIn", **error}}
            auth = headers.get("authorization", "")
            if self.expire_token or auth != f"Bearer {self.token}":
                return 400, _error(190, "Error validating access token: Session has expired.", subcode=463)
            if self.deny:
                return 403, _error(200, "(#200) Requires ads_management permission to manage the object")
            if self.throttle > 0:
                self.throttle -= 1
                return 400, _error(80004, "There have been too many calls to this ad-account. Wait a bit and try "
                                          "again.", subcode=2446079, title="Too many calls")
        parts = [p for p in path.split("/") if p][1:]          # drop the version
        if method == "POST" and len(parts) == 2 and parts[0] == self.account:
            return self._create(parts[1], params)
        with self.lock:
            if method == "GET" and parts == [self.account]:
                return 200, {"id": self.account, "currency": self.currency}
            if method == "GET" and len(parts) == 2 and parts[0] == self.account and parts[1] in self.objects:
                return self._list(path, parts[1], params, lambda o: True)
            if method == "GET" and parts and parts[-1] == "insights":
                return self._insights(path, params)
            if method == "GET" and len(parts) == 2 and parts[1] in ("adsets", "ads"):
                parent = "campaign_id" if parts[1] == "adsets" else "adset_id"
                return self._list(path, parts[1], params, lambda o: o.get(parent) == parts[0])
            videos = self.objects["advideos"]
            if method == "GET" and len(parts) == 2 and parts[1] == "thumbnails" and parts[0] in videos:
                return 200, {"data": [{"id": f"{parts[0]}1", "uri": f"https://scontent.example/{parts[0]}.jpg",
                                       "is_preferred": True}], "paging": {"cursors": {"before": "0", "after": "0"}}}
            if method == "GET" and len(parts) == 1 and parts[0] in self.objects["advideos"]:
                return 200, {"id": parts[0], "status": {"video_status": "ready"}}
        return 400, _error(100, f"Unsupported {method} request. Object with ID '{'/'.join(parts)}' does not exist")

    def _create(self, edge: str, params: dict[str, Any]) -> tuple[int, Any]:
        if self.slow_creates:
            time.sleep(self.slow_creates)
        with self.lock:
            if self.fail_after is not None and self.creates >= self.fail_after:
                return 500, _error(2, "An unexpected error has occurred. Please retry your request later.",
                                   transient=True)
            problem = _validate(self, edge, params)
            if problem is not None:
                return 400, problem
            oid = str(next(self._ids))
            self.creates += 1
            if edge == "adimages":
                filename, data = next((k, v) for k, v in params.items() if isinstance(v, bytes))
                digest = hashlib.md5(data, usedforsecurity=False).hexdigest()
                self.objects["adimages"][digest] = {"id": f"{self.account[4:]}:{digest}", "hash": digest,
                                                    "name": filename, "status": "ACTIVE"}
                return 200, {"images": {filename: {"hash": digest, "url": f"https://scontent.example/{digest}"}}}
            if edge == "advideos":
                self.objects["advideos"][oid] = {"id": oid, "title": params.get("title", "")}
                return 200, {"id": oid}
            record = {"id": oid, **{k: _decoded(v) for k, v in params.items() if not isinstance(v, bytes)}}
            record["effective_status"] = record.get("status", "ACTIVE")
            if edge == "ads":
                record["creative"] = record.get("creative")
            self.objects[edge][oid] = record
            return 200, {"id": oid}

    def _list(self, path: str, edge: str, params: dict[str, Any], keep: Any) -> tuple[int, Any]:
        items = [o for o in self.objects[edge].values() if keep(o)]
        if "hashes" in params:
            wanted = set(json.loads(params["hashes"]))
            items = [o for o in items if o.get("hash") in wanted]
        for rule in json.loads(params.get("filtering", "[]")):
            value = rule.get("value", "")
            if rule.get("operator") == "EQUAL":
                items = [o for o in items if o.get("name") == value]
            elif rule.get("operator") == "CONTAIN":
                items = [o for o in items if value in str(o.get("name", ""))]
        fields = [f for f in params.get("fields", "id,name").split(",") if f]
        rows = [{k: o[k] for k in ["id", *fields] if k in o} for o in items]
        return 200, self._page(path, params, rows)

    def _page(self, path: str, params: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
        limit = min(int(params.get("limit", PAGE_SIZE)), PAGE_SIZE)
        start = int(params.get("after", "0") or 0)
        chunk = rows[start:start + limit]
        body: dict[str, Any] = {"data": chunk}
        if rows:
            body["paging"] = {"cursors": {"before": str(start), "after": str(start + len(chunk))}}
            if start + len(chunk) < len(rows):
                query = {k: v for k, v in params.items() if isinstance(v, str)} | {"after": str(start + len(chunk))}
                body["paging"]["next"] = f"http://127.0.0.1:{self.httpd.server_address[1]}{path}?{urlencode(query)}"
        return body

    def _insights(self, path: str, params: dict[str, Any]) -> tuple[int, Any]:
        """Two days of deterministic figures per ad (insights exist once an ad does)."""
        time_range = json.loads(params.get("time_range", "{}"))
        since = date.fromisoformat(time_range.get("since", "2026-11-01"))
        rows = []
        for ad in sorted(self.objects["ads"].values(), key=lambda a: a["id"]):
            adset = self.objects["adsets"].get(str(ad.get("adset_id")), {})
            campaign = self.objects["campaigns"].get(str(adset.get("campaign_id")), {})
            seed = int(ad["id"]) % 97
            for offset in range(2):
                day = (since + timedelta(days=offset)).isoformat()
                impressions = 1000 + 37 * seed + offset
                rows.append({
                    "ad_id": ad["id"], "ad_name": ad["name"], "adset_name": adset.get("name", ""),
                    "campaign_name": campaign.get("name", ""), "date_start": day, "date_stop": day,
                    "impressions": str(impressions), "reach": str(impressions - 100), "spend": f"{5 + seed / 10:.2f}",
                    "account_currency": self.currency, "inline_link_clicks": str(10 + seed),
                    "actions": [{"action_type": "video_view", "value": str(200 + seed)},
                                {"action_type": "offsite_conversion.fb_pixel_purchase", "value": str(seed % 3)},
                                {"action_type": "purchase", "value": str(seed % 3)}],
                    "action_values": [{"action_type": "offsite_conversion.fb_pixel_purchase",
                                       "value": f"{(seed % 3) * 49.5:.2f}"}],
                    "video_thruplay_watched_actions": [{"action_type": "video_view", "value": str(80 + seed)}],
                    "video_15_sec_watched_actions": [{"action_type": "video_view", "value": str(60 + seed)}],
                })
        return 200, self._page(path, params, rows)

    def headers(self) -> dict[str, str]:
        pct = round(self.usage)
        regain = 0
        return {
            "x-app-usage": json.dumps({"call_count": pct, "total_cputime": pct // 2, "total_time": pct // 2}),
            "x-ad-account-usage": json.dumps({"acc_id_util_pct": self.usage, "reset_time_duration": 0,
                                              "ads_api_access_tier": "standard_access"}),
            "x-business-use-case-usage": json.dumps({"1234": [{"type": "ads_management", "call_count": pct,
                                                              "total_cputime": pct // 3, "total_time": pct // 3,
                                                              "estimated_time_to_regain_access": regain,
                                                              "ads_api_access_tier": "standard_access"}]}),
        }


def _error(code: int, message: str, *, subcode: int | None = None, title: str = "", user_msg: str = "",
           transient: bool = False, blame: list[str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AStandIn"}
    if subcode:
        body["error_subcode"] = subcode
    if title:
        body["error_user_title"] = title
        body["error_user_msg"] = user_msg or message
    if transient:
        body["is_transient"] = True
    if blame:
        body["error_data"] = json.dumps({"blame_field_specs": [blame]})
    return {"error": body}


def _decoded(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _invalid(field_name: str, title: str) -> dict[str, Any]:
    return _error(100, "Invalid parameter", subcode=1815001, title=title,
                  user_msg=f"{title}: check the {field_name} field.", blame=[field_name])


def _validate(server: MetaStandIn, edge: str, params: dict[str, Any]) -> dict[str, Any] | None:
    """The required fields the reference names for each create, and references to objects that exist."""
    p = {k: _decoded(v) for k, v in params.items()}
    if edge == "campaigns":
        for name in ("name", "objective", "status", "special_ad_categories"):
            if name not in p:
                return _invalid(name, f"Missing {name}")
        if p["special_ad_categories"] and not p.get("special_ad_category_country"):
            return _invalid("special_ad_category_country", "Special ad category country required")
    elif edge == "adsets":
        for name in ("name", "campaign_id", "daily_budget", "billing_event", "optimization_goal", "targeting",
                     "status"):
            if name not in p:
                return _invalid(name, f"Missing {name}")
        if str(p["campaign_id"]) not in server.objects["campaigns"]:
            return _invalid("campaign_id", "Campaign does not exist")
        if not str(p["daily_budget"]).isdigit():
            return _invalid("daily_budget", "Budget must be an integer in the account's minor units")
        targeting = p["targeting"] if isinstance(p["targeting"], dict) else {}
        if not targeting.get("geo_locations", {}).get("countries"):
            return _invalid("targeting", "Location required")
        if int(targeting.get("age_min", 18)) < 13:
            return _invalid("targeting.age_min", "Invalid age")
    elif edge == "adcreatives":
        spec = p.get("object_story_spec")
        if not isinstance(spec, dict) or not spec.get("page_id"):
            return _invalid("object_story_spec", "Page required")
        data = spec.get("link_data") or spec.get("video_data") or {}
        text = " ".join(str(data.get(k, "")) for k in ("message", "name", "title", "description",
                                                       "link_description"))
        if server.reject_phrase and server.reject_phrase.lower() in text.lower():
            return {"error": {"message": "The action attempted has been deemed abusive or is otherwise disallowed",
                              "type": "OAuthException", "code": 368, "error_subcode": 1487390,
                              "error_user_title": "Ad Rejected: Misleading Claims",
                              "error_user_msg": f"Your ad makes a claim ('{server.reject_phrase}') that goes "
                                                "against our Advertising Standards.", "fbtrace_id": "AStandIn"}}
        if data.get("image_hash") and data["image_hash"] not in server.objects["adimages"]:
            return _invalid("image_hash", "Image not found")
        if "video_id" in data and str(data["video_id"]) not in server.objects["advideos"]:
            return _invalid("video_id", "Video not found")
        if "video_data" in spec and not (data.get("image_hash") or data.get("image_url")):
            return _invalid("video_data.image_hash", "Video thumbnail required")
    elif edge == "ads":
        if str(p.get("adset_id")) not in server.objects["adsets"]:
            return _invalid("adset_id", "Ad set does not exist")
        creative = p.get("creative") if isinstance(p.get("creative"), dict) else {}
        if str(creative.get("creative_id")) not in server.objects["adcreatives"]:
            return _invalid("creative", "Creative does not exist")
    elif edge in ("adimages", "advideos"):
        if not any(isinstance(v, bytes) for v in params.values()):
            return _invalid("filename" if edge == "adimages" else "source", "File required")
    else:
        return _error(100, f"Unknown edge {edge}")
    return None


def _params(handler: BaseHTTPRequestHandler) -> dict[str, Any]:
    split = urlsplit(handler.path)
    params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
    length = int(handler.headers.get("content-length") or 0)
    body = handler.rfile.read(length) if length else b""
    kind = handler.headers.get("content-type", "")
    if body and kind.startswith("application/x-www-form-urlencoded"):
        params |= {k: v[-1] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
    elif body and kind.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + kind.encode() + b"\r\n\r\n" + body)
        for part in message.iter_parts():
            name = str(part.get_param("name", header="content-disposition"))
            payload = part.get_payload(decode=True) or b""
            if part.get_filename():
                params[part.get_filename() if name == "filename" else name] = payload
            else:
                params[name] = payload.decode()
    return params


def _handler(server: MetaStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._answer("GET")

        def do_POST(self) -> None:
            self._answer("POST")

        def _answer(self, method: str) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, body = server.handle(method, urlsplit(self.path).path, _params(self), headers)
            payload = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                for key, value in server.headers().items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler
