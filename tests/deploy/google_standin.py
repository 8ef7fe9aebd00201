"""A Google Ads API stand-in speaking the REST shape (the JSON mapping of the v26 protos), with the OAuth token
endpoint beside it, on a real HTTP server on 127.0.0.1.

Shapes follow the public references: developers.google.com/google-ads/api/rest/overview and
/rest/reference/rest (``customers.googleAds.search``: ``{"query", "pageToken"}`` -> ``{"results",
"nextPageToken", "fieldMask"}``; ``customers.<service>.mutate``: ``{"operations": [{"create": ...}],
"partialFailure"}`` -> ``{"results": [{"resourceName"}], "partialFailureError"}``, a failed operation's result
left empty), /docs/best-practices/partial-failures, /docs/concepts/call-structure (``developer-token``,
``login-customer-id``, ``Authorization: Bearer``), /docs/common-errors (the ``GoogleAdsFailure`` in
``error.details`` with ``errorCode`` / ``message`` / ``location.fieldPathElements``; OAUTH_TOKEN_EXPIRED,
USER_PERMISSION_DENIED, RESOURCE_TEMPORARILY_EXHAUSTED with ``quotaErrorDetails.retryDelay``, POLICY_FINDING
with ``policyFindingDetails``), /docs/rate-sheet, and developers.google.com/identity/protocols/oauth2/web-server
("Refreshing an access token": a form POST with grant_type=refresh_token; ``invalid_grant`` when it is revoked).

GAQL is implemented only as far as the publisher and the tests use it: ``SELECT`` field paths ``FROM`` one
resource ``WHERE`` conditions joined by AND (=, !=, IN, BETWEEN, >=, <=). Search pages hold ``page_cap`` rows
(the real API's page is 10,000) so paging is exercised.
"""

from __future__ import annotations

import base64
import itertools
import re
from datetime import date
from typing import Any

from tests.deploy.standin_http import Answer, Request, StandIn

VERSION = "v26"
FAILURE_TYPE = f"type.googleapis.com/google.ads.googleads.{VERSION}.errors.GoogleAdsFailure"
SERVICES = {"campaignBudgets": "campaign_budget", "campaigns": "campaign", "adGroups": "ad_group",
            "adGroupAds": "ad_group_ad", "labels": "label", "adGroupAdLabels": "ad_group_ad_label",
            "campaignCriteria": "campaign_criterion"}
_PATH = re.compile(rf"^/{VERSION}/customers/(\d+)/(googleAds:search|(\w+):mutate)$")


class GoogleAdsStandIn(StandIn):
    def __init__(self, *, developer_token: str = "dev-test-token", client_id: str = "client-id.apps",
                 client_secret: str = "client-secret", refresh_token: str = "refresh-test-token",
                 manager: str = "1110000000", customers: tuple[str, ...] = ("1234567890",), page_cap: int = 2,
                 currency: str = "USD", rejected_phrases: tuple[str, ...] = (), **options: Any) -> None:
        super().__init__(**options)
        self.developer_token = developer_token
        self.client = (client_id, client_secret)
        self.refresh_token = refresh_token
        self.manager = manager
        self.customers = set(customers)
        self.page_cap = page_cap
        self.currency = currency
        self.rejected_phrases = rejected_phrases
        self.ids = itertools.count(9_000_001)
        self.tokens: dict[str, bool] = {}                   # access token -> still valid
        self.objects: dict[str, dict[str, dict[str, Any]]] = {r: {} for r in SERVICES.values()}
        self.stats: dict[tuple[str, str], dict[str, float]] = {}
        self.scripted: list[Answer] = []

    @property
    def api_base(self) -> str:
        return f"{self.root}/{VERSION}"

    @property
    def token_url(self) -> str:
        return self.root + "/token"

    def expire_tokens(self) -> None:
        """Every access token handed out so far expires (they last an hour on the real service)."""
        self.tokens = dict.fromkeys(self.tokens, False)

    def fail_next(self, answer: Answer) -> None:
        self.scripted.append(answer)

    def deliver(self, ad_resource: str, day: date, **metrics: float) -> None:
        self.stats[(ad_resource, day.isoformat())] = dict(metrics)

    def of(self, resource: str) -> list[dict[str, Any]]:
        return list(self.objects[resource].values())

    # ------------------------------------------------------------ routing

    def route(self, request: Request) -> Answer:
        if request.path == "/token":
            return self._token(request)
        if self.over_budget():
            return _failure(429, "RESOURCE_EXHAUSTED", "Too many requests.",
                            [{"errorCode": {"quotaError": "RESOURCE_TEMPORARILY_EXHAUSTED"},
                              "message": "Too many requests. Retry in 1 seconds.",
                              "details": {"quotaErrorDetails": {"rateScope": "DEVELOPER",
                                                                "rateName": "Requests per developer per second",
                                                                "retryDelay": "1s"}}}])
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer not in self.tokens or not self.tokens[bearer]:
            code = "OAUTH_TOKEN_EXPIRED" if bearer in self.tokens else "OAUTH_TOKEN_INVALID"
            return _failure(401, "UNAUTHENTICATED", "Request is missing required authentication credential.",
                            [{"errorCode": {"authenticationError": code},
                              "message": "Authentication of the request failed."}])
        if request.headers.get("developer-token") != self.developer_token:
            return _failure(403, "PERMISSION_DENIED", "The caller does not have permission",
                            [{"errorCode": {"authorizationError": "DEVELOPER_TOKEN_NOT_APPROVED"},
                              "message": "The developer token is not approved for this account."}])
        match = _PATH.match(request.path)
        if request.method != "POST" or match is None:
            return Answer(404, {"error": {"code": 404, "message": f"no such method {request.path}",
                                          "status": "NOT_FOUND"}})
        customer = match.group(1)
        if customer not in self.customers or request.headers.get("login-customer-id") != self.manager:
            return _failure(403, "PERMISSION_DENIED", "The caller does not have permission",
                            [{"errorCode": {"authorizationError": "USER_PERMISSION_DENIED"},
                              "message": "User doesn't have permission to access customer. Note: If you're "
                                         "accessing a client customer, the manager's customer id must be set in "
                                         "the 'login-customer-id' header."}])
        if self.scripted:
            return self.scripted.pop(0)
        body = request.json or {}
        if match.group(2) == "googleAds:search":
            return self._search(customer, body)
        service = match.group(3)
        if service not in SERVICES:
            return Answer(404, {"error": {"code": 404, "message": f"no service {service}", "status": "NOT_FOUND"}})
        return self._mutate(customer, SERVICES[service], body)

    def _token(self, request: Request) -> Answer:
        form = request.form
        if (form.get("client_id"), form.get("client_secret")) != self.client:
            return Answer(401, {"error": "invalid_client", "error_description": "The OAuth client was not found."})
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != self.refresh_token:
            return Answer(400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
        token = f"ya29.test-{next(self.ids)}"
        self.tokens[token] = True
        return Answer(200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer",
                            "scope": "https://www.googleapis.com/auth/adwords"})

    # ------------------------------------------------------------ mutate

    def _mutate(self, customer: str, resource: str, body: dict[str, Any]) -> Answer:
        operations = body.get("operations") or []
        partial = bool(body.get("partialFailure"))
        results: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        staged: list[tuple[str, dict[str, Any]]] = []
        for index, operation in enumerate(operations):
            create = operation.get("create")
            problem = (_error({"fieldError": "REQUIRED"}, "Only create operations are supported here.", index, [])
                       if create is None else self._check(customer, resource, _snake(create), index, staged))
            if problem is not None:
                errors.append(problem)
                results.append({})
                continue
            name, obj = self._build(customer, resource, _snake(create))
            staged.append((name, obj))
            results.append({"resourceName": name})
        if errors and not partial:
            return _failure(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", errors)
        if not body.get("validateOnly"):
            for name, obj in staged:
                self.objects[resource][name] = obj
                self.created()
        answer: dict[str, Any] = {"results": results}
        if errors:
            answer["partialFailureError"] = {"code": 3, "message": "Multiple errors in 'details'.",
                                             "details": [{"@type": FAILURE_TYPE, "errors": errors}]}
        return Answer(200, answer)

    def _check(self, customer: str, resource: str, obj: dict[str, Any], index: int,
               staged: list[tuple[str, dict[str, Any]]]) -> dict[str, Any] | None:
        existing = [*self.objects[resource].values(), *(o for _, o in staged if o["_resource"] == resource)]
        required = {"campaign_budget": ("name", "amount_micros"),
                    "campaign": ("name", "advertising_channel_type", "campaign_budget", "status"),
                    "ad_group": ("name", "campaign", "status"), "label": ("name",),
                    "ad_group_ad": ("ad_group", "status", "ad"), "ad_group_ad_label": ("ad_group_ad", "label"),
                    "campaign_criterion": ("campaign", "location")}
        for field in required[resource]:
            if obj.get(field) in (None, "", [], {}):
                return _error({"fieldError": "REQUIRED"}, "The required field was not present.", index, [field])
        for field in ("campaign_budget", "campaign", "ad_group", "ad_group_ad", "label"):
            ref = obj.get(field) if field != resource else None
            if isinstance(ref, str) and not ref.startswith(f"customers/{customer}/"):
                return _error({"mutateError": "RESOURCE_NOT_FOUND"}, "The resource was not found.", index, [field])
        duplicate = {"campaign_budget": ("campaignBudgetError", "DUPLICATE_NAME", ("name",)),
                     "campaign": ("campaignError", "DUPLICATE_CAMPAIGN_NAME", ("name",)),
                     "ad_group": ("adGroupError", "DUPLICATE_ADGROUP_NAME", ("name", "campaign")),
                     "label": ("labelError", "DUPLICATE_NAME", ("name",)),
                     "ad_group_ad_label": ("mutateError", "RESOURCE_ALREADY_EXISTS", ("ad_group_ad", "label")),
                     "campaign_criterion": ("campaignCriterionError", "DUPLICATE_CRITERION", ("campaign", "location"))}
        if resource in duplicate:
            kind, code, keys = duplicate[resource]
            if any(all(o.get(k) == obj.get(k) for k in keys) for o in existing):
                return _error({kind: code}, f"{code.replace('_', ' ').capitalize()}.", index, [keys[0]])
        if resource == "campaign" and not any(k in obj for k in ("manual_cpc", "maximize_clicks", "target_spend",
                                                                   "maximize_conversions")):
            return _error({"biddingError": "BIDDING_STRATEGY_AND_BUDGET_MUST_BE_ALIGNED"},
                          "A bidding strategy is required.", index, ["manual_cpc"])
        if resource == "ad_group_ad":
            return self._check_rsa(obj, index)
        return None

    def _check_rsa(self, obj: dict[str, Any], index: int) -> dict[str, Any] | None:
        ad = obj["ad"]
        if not ad.get("final_urls"):
            return _error({"adError": "URL_NOT_SPECIFIED"}, "The ad has no final URL.", index, ["ad", "final_urls"])
        rsa = ad.get("responsive_search_ad") or {}
        for field, low, high, size in (("headlines", 3, 15, 30), ("descriptions", 2, 4, 90)):
            items = rsa.get(field) or []
            if not low <= len(items) <= high:
                return _error({"adError": "TOO_FEW_HEADLINES" if field == "headlines" and len(items) < low
                               else "TOO_MANY_HEADLINES" if field == "headlines" else "TOO_FEW_DESCRIPTIONS"},
                              f"{len(items)} {field}; {low} to {high} are allowed.", index,
                              ["ad", "responsive_search_ad", field])
            for i, item in enumerate(items):
                text = str(item.get("text", ""))
                if len(text) > size:
                    return _error({"stringLengthError": "TOO_LONG"}, "Too long.", index,
                                  ["ad", "responsive_search_ad", field, i, "text"], trigger=text)
                hit = next((p for p in self.rejected_phrases if p.lower() in text.lower()), None)
                if hit:
                    error = _error({"policyFindingError": "POLICY_FINDING"},
                                   "The resource has been disapproved since the policy summary includes policy "
                                   "topics of type PROHIBITED.", index,
                                   ["ad", "responsive_search_ad", field, i, "text"], trigger=text)
                    error["details"] = {"policyFindingDetails": {"policyTopicEntries": [
                        {"topic": "UNREALISTIC_HEALTH_CLAIMS", "type": "PROHIBITED",
                         "evidences": [{"textList": {"texts": [hit]}}]}]}}
                    return error
        return None

    def _build(self, customer: str, resource: str, obj: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        new_id = str(next(self.ids))
        collection = {"campaign_budget": "campaignBudgets", "campaign": "campaigns", "ad_group": "adGroups",
                      "label": "labels"}
        obj = {**obj, "_resource": resource, "id": new_id}
        if resource == "ad_group_ad":
            group_id = obj["ad_group"].rsplit("/", 1)[1]
            obj["ad"] = {**obj["ad"], "id": new_id}
            obj["labels"] = []
            name = f"customers/{customer}/adGroupAds/{group_id}~{new_id}"
        elif resource == "campaign_criterion":
            name = f"customers/{customer}/campaignCriteria/{obj['campaign'].rsplit('/', 1)[1]}~{new_id}"
        elif resource == "ad_group_ad_label":
            group_ad = obj["ad_group_ad"].rsplit("/", 1)[1]
            label_id = obj["label"].rsplit("/", 1)[1]
            name = f"customers/{customer}/adGroupAdLabels/{group_ad}~{label_id}"
            target = self.objects["ad_group_ad"].get(obj["ad_group_ad"])
            if target is not None:
                target["labels"] = [*target["labels"], obj["label"]]
        else:
            name = f"customers/{customer}/{collection[resource]}/{new_id}"
        obj["resource_name"] = name
        return name, obj

    # ------------------------------------------------------------ search

    def _search(self, customer: str, body: dict[str, Any]) -> Answer:
        query = " ".join(str(body.get("query", "")).split())
        match = re.match(r"SELECT (.+?) FROM (\w+)(?: WHERE (.+?))?(?: ORDER BY .+)?$", query, re.I)
        if match is None:
            return _failure(400, "INVALID_ARGUMENT", "Request contains an invalid argument.",
                            [{"errorCode": {"queryError": "UNEXPECTED_END_OF_QUERY"}, "message": "Bad query."}])
        fields = [f.strip() for f in match.group(1).split(",")]
        resource = match.group(2)
        conditions = _conditions(match.group(3) or "")
        rows = [r for r in self._rows(customer, resource, fields) if all(c(r) for c in conditions)]
        start = int(base64.b64decode(body["pageToken"]).decode()) if body.get("pageToken") else 0
        page = rows[start:start + self.page_cap]
        answer: dict[str, Any] = {"results": [_select(r, fields) for r in page],
                                  "fieldMask": ",".join(_camel_path(f) for f in fields)}
        if start + self.page_cap < len(rows):
            answer["nextPageToken"] = base64.b64encode(str(start + self.page_cap).encode()).decode()
        return Answer(200, answer)

    def _rows(self, customer: str, resource: str, fields: list[str]) -> list[dict[str, Any]]:
        if resource == "customer":
            return [{"customer": {"id": customer, "currency_code": self.currency,
                                  "resource_name": f"customers/{customer}"}}]
        prefix = f"customers/{customer}/"
        rows = []
        for obj in self.objects[resource].values():
            if not obj["resource_name"].startswith(prefix):
                continue
            row: dict[str, Any] = {resource: obj}
            group = self.objects["ad_group"].get(obj.get("ad_group", ""))
            if resource == "ad_group_ad_label":
                row["label"] = self.objects["label"].get(obj["label"], {})
                row["ad_group_ad"] = self.objects["ad_group_ad"].get(obj["ad_group_ad"], {})
            if group is not None:
                row["ad_group"] = group
            campaign = self.objects["campaign"].get(obj.get("campaign") or (group or {}).get("campaign", ""))
            if campaign is not None:
                row["campaign"] = campaign
            rows.append(row)
        if resource == "ad_group_ad" and any(f.startswith(("metrics.", "segments.")) for f in fields):
            by_name = {r["ad_group_ad"]["resource_name"]: r for r in rows}
            return [{**by_name[ad], "metrics": figures, "segments": {"date": day}}
                    for (ad, day), figures in sorted(self.stats.items()) if ad in by_name]
        return rows


# ---------------------------------------------------------------- helpers


def _failure(status: int, code: str, message: str, errors: list[dict[str, Any]]) -> Answer:
    return Answer(status, {"error": {"code": status, "message": message, "status": code, "details": [
        {"@type": FAILURE_TYPE, "errors": errors, "requestId": "standin-request"}]}})


def _error(code: dict[str, str], message: str, index: int, path: list[str | int],
           trigger: str | None = None) -> dict[str, Any]:
    elements: list[dict[str, Any]] = [{"fieldName": "operations", "index": index}, {"fieldName": "create"}]
    for part in path:
        if isinstance(part, int):
            elements[-1]["index"] = part
        else:
            elements.append({"fieldName": part})
    error: dict[str, Any] = {"errorCode": code, "message": message, "location": {"fieldPathElements": elements}}
    if trigger is not None:
        error["trigger"] = {"stringValue": trigger}
    return error


def _snake(value: Any) -> Any:
    if isinstance(value, dict):
        return {re.sub(r"(?<!^)([A-Z])", r"_\1", k).lower(): _snake(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake(v) for v in value]
    return value


def _camel(value: Any) -> Any:
    if isinstance(value, dict):
        return {_camel_word(k): _camel(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def _camel_word(word: str) -> str:
    head, *rest = word.split("_")
    return head + "".join(p.title() for p in rest)


def _camel_path(path: str) -> str:
    return ".".join(_camel_word(p) for p in path.split("."))


def _get(row: dict[str, Any], path: str) -> Any:
    value: Any = row
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _select(row: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path in fields:
        value = _get(row, path)
        if value is None:
            continue
        parts = path.split(".")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(_camel_word(part), {})
        node[_camel_word(parts[-1])] = _camel(value)
    # every selected resource also names itself, as the real service does
    for resource in {p.split(".")[0] for p in fields} - {"metrics", "segments"}:
        name = _get(row, f"{resource}.resource_name")
        if name:
            out.setdefault(_camel_word(resource), {})["resourceName"] = name
    return out


def _literal(text: str) -> Any:
    text = text.strip()
    if text[:1] in "'\"":
        return text[1:-1]
    return text


def _conditions(where: str) -> list[Any]:
    out = []
    # BETWEEN's own AND is not a conjunction: fold it before splitting
    where = re.sub(r"BETWEEN '([^']+)' AND '([^']+)'", r"BETWEEN '\1'~'\2'", where, flags=re.I)
    for clause in re.split(r"\s+AND\s+", where, flags=re.I) if where else []:
        clause = clause.strip()
        between = re.match(r"([\w.]+) BETWEEN '([^']+)'~'([^']+)'$", clause, re.I)
        listed = re.match(r"([\w.]+) (NOT IN|IN) \((.*)\)$", clause, re.I)
        compare = re.match(r"([\w.]+)\s*(=|!=|>=|<=)\s*(.+)$", clause)
        if between:
            f, lo, hi = between.groups()
            out.append(lambda r, f=f, lo=lo, hi=hi: lo <= str(_get(r, f)) <= hi)
        elif listed:
            f, op, items = listed.groups()
            values = {_literal(v) for v in items.split(",") if v.strip()}
            negate = op.upper() == "NOT IN"
            out.append(lambda r, f=f, values=values, negate=negate: (str(_get(r, f)) in values) != negate)
        elif compare:
            f, op, raw = compare.groups()
            value = _literal(raw)
            checks = {"=": lambda a, b: a == b, "!=": lambda a, b: a != b, ">=": lambda a, b: a >= b,
                      "<=": lambda a, b: a <= b}
            out.append(lambda r, f=f, value=value, check=checks[op]: check(str(_get(r, f)), value))
        else:
            raise ValueError(f"unsupported GAQL condition: {clause}")
    return out
