"""Google Ads responsive search ads through the API's REST shape with ``httpx``: campaign budget → Search
campaign → ad group → RSA, every one ``PAUSED``; insights from a GAQL report.

Why REST and not the ``google-ads`` library: that library speaks gRPC, pulls in grpcio and protobuf
(tens of MB), and cannot be pointed at a plain HTTP stand-in or proxy; the REST mapping is the same API.

Authentication: an OAuth access token from a refresh-token exchange against ``token_url`` (Google's by
default; a setting for proxies and the tests), refreshed once when the API says it expired. Headers:
``developer-token``, ``login-customer-id`` (the manager account), ``Authorization: Bearer``.

Idempotent: the campaign and its budget are looked up by name, ad groups by name inside the campaign. An RSA
has no name, so adloom's ad name rides on it as a label (as the Ads Editor export puts it in the Labels
column, which is how the results join back). A deploy cut off after an ad was created but before its label was
attached leaves an unlabelled ad with the same headlines in the same ad group: the rerun adopts it (labels it)
instead of creating it again. Ads go out in one ``adGroupAds:mutate`` with ``partialFailure``, so one ad the
policy check disapproves (reported through ``on_rejected`` with its policy topics) does not stop the others.

The plan's countries become the campaign's location criteria (geo target constants).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import Any

import httpx

from adloom.deploy.base import (
    Credentials,
    CredentialsExpired,
    DeployError,
    DeployPlan,
    InsightRow,
    InvalidParameter,
    ObjectCallback,
    PermissionMissing,
    PlanAd,
    PlatformRateLimited,
    PlatformUnavailable,
    PolicyRejected,
    PublishedObject,
    Publisher,
    PublishResult,
    Rejection,
    RejectionCallback,
)
from adloom.deploy.credentials import scrub
from adloom.deploy.pacing import RatePacer
from adloom.types import GoogleRSACopy

log = logging.getLogger(__name__)

TOKEN_URL = "https://oauth2.googleapis.com/token"
MICROS = 1_000_000
# Geo target constants (Google Ads API "Geotargeting": geo_target_constant ids of countries)
GEO_TARGETS = {"US": "2840", "GB": "2826", "CA": "2124", "AU": "2036", "DE": "2276", "FR": "2250", "ES": "2724",
               "IT": "2380", "NL": "2528", "IE": "2372", "NZ": "2554", "MX": "2484", "BR": "2076", "JP": "2392",
               "SE": "2752"}
DEFAULT_CPC = 1.0          # manual CPC bid of a new ad group, in account currency; the buyer tunes it


class GooglePublisher(Publisher):
    platform = "google"
    default_api_base = "https://googleads.googleapis.com/v26"
    media_kinds = ()               # a responsive search ad is text only

    def __init__(self, credentials: Credentials, api_base: str | None = None, *, token_url: str | None = None,
                 qps: float = 5.0, retries: int = 5, timeout: float = 60.0, **options: Any) -> None:
        super().__init__(credentials, api_base, **options)
        self.token_url = token_url or credentials.get("google_ads_token_url") or TOKEN_URL
        self.pacer = RatePacer(qps)
        self.retries = retries
        self._http = httpx.AsyncClient(timeout=timeout)
        self._token: str | None = None

    async def aclose(self) -> None:
        await self._http.aclose()

    # ------------------------------------------------------------ transport

    async def _access_token(self, renew: bool = False) -> str:
        if self._token and not renew:
            return self._token
        c = self.credentials
        try:
            response = await self._http.post(self.token_url, data={
                "grant_type": "refresh_token", "client_id": c.secret("google_ads_client_id"),
                "client_secret": c.secret("google_ads_client_secret"),
                "refresh_token": c.secret("google_ads_refresh_token")})
        except httpx.HTTPError as exc:
            raise PlatformUnavailable(f"the OAuth token exchange failed: {type(exc).__name__}",
                                      platform="google") from exc
        body = _json(response)
        if response.status_code != 200 or "access_token" not in body:
            error = str(body.get("error", f"HTTP {response.status_code}"))
            if error == "invalid_grant":
                why = "the refresh token is expired or revoked: authorise again and set ADLOOM_GOOGLE_ADS_REFRESH_TOKEN"
            elif error in ("invalid_client", "unauthorized_client"):
                why = ("the OAuth client was refused: check ADLOOM_GOOGLE_ADS_CLIENT_ID and "
                       "ADLOOM_GOOGLE_ADS_CLIENT_SECRET")
            else:
                why = f"the OAuth token exchange failed ({error})"
            raise CredentialsExpired(scrub(why, c.values()), platform="google", code=error)
        self._token = str(body["access_token"])
        return self._token

    async def _post(self, customer: str, method: str, body: dict[str, Any]) -> dict[str, Any]:
        renewed = False
        for attempt in range(self.retries + 1):
            token = await self._access_token()
            headers = {"developer-token": self.credentials.secret("google_ads_developer_token"),
                       "Authorization": f"Bearer {token}"}
            login = self.credentials.get("google_ads_login_customer_id")
            if login:
                headers["login-customer-id"] = login.replace("-", "")
            await self.pacer.wait()
            url = f"{self.api_base}/customers/{customer}/{method}"
            try:
                response = await self._http.post(url, json=body, headers=headers)
            except httpx.HTTPError as exc:
                # a mutate cut off in flight may have landed: never resent blind; a rerun looks things up first
                if method.endswith(":search") and attempt < self.retries:
                    await self.pacer.throttled(attempt)
                    continue
                raise PlatformUnavailable(f"{method} failed: {type(exc).__name__}", platform="google") from exc
            if response.status_code == 200:
                self.pacer.ok()
                return _json(response)
            errors = _failure_errors(_json(response))
            kinds = {k: v for e in errors for k, v in (e.get("errorCode") or {}).items()}
            if kinds.get("authenticationError") == "OAUTH_TOKEN_EXPIRED" and not renewed:
                renewed = True
                await self._access_token(renew=True)
                continue
            if (response.status_code == 429 or "quotaError" in kinds) and attempt < self.retries:
                await self.pacer.throttled(attempt, _retry_delay(errors))
                continue
            if response.status_code >= 500 and method.endswith(":search") and attempt < self.retries:
                await self.pacer.throttled(attempt)
                continue
            raise self._error(method, response.status_code, errors)
        raise AssertionError("unreachable")

    def _error(self, method: str, status: int, errors: list[dict[str, Any]]) -> DeployError:
        first = errors[0] if errors else {}
        kind, code = next(iter((first.get("errorCode") or {"http": str(status)}).items()))
        message = scrub(str(first.get("message", f"HTTP {status}")), self.credentials.values())
        where = _field(first)
        if kind == "authenticationError":
            return CredentialsExpired(f"authentication failed ({code}): {message}", platform="google", code=code)
        if kind == "authorizationError":
            return PermissionMissing(f"{code}: {message}", platform="google", code=code)
        if kind == "quotaError" or status == 429:
            return PlatformRateLimited(f"{method}: still over the rate limit after {self.retries} retries ({code})",
                                       platform="google", code=code, retry_after=_retry_delay(errors))
        if kind == "policyFindingError":
            return PolicyRejected(f"disapproved: {_policy_reason(first)}", platform="google", code=code, field=where)
        if status >= 500:
            return PlatformUnavailable(f"{method}: {message} (HTTP {status})", platform="google", code=code)
        return InvalidParameter(f"{method} refused {where or 'the request'}: {code}: {message}", platform="google",
                                code=code, field=where)

    async def _search(self, customer: str, query: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        body: dict[str, Any] = {"query": query}
        while True:
            page = await self._post(customer, "googleAds:search", body)
            rows.extend(page.get("results") or [])
            token = page.get("nextPageToken")
            if not token:
                return rows
            body = {"query": query, "pageToken": token}

    async def _mutate(self, customer: str, service: str, creates: Sequence[dict[str, Any]]
                      ) -> tuple[list[str | None], dict[int, dict[str, Any]]]:
        """Resource names per operation (None where it failed) and each failed operation's error."""
        answer = await self._post(customer, f"{service}:mutate", {
            "operations": [{"create": c} for c in creates], "partialFailure": True})
        names = [r.get("resourceName") or None for r in answer.get("results") or []]
        failed: dict[int, dict[str, Any]] = {}
        for error in _failure_errors({"error": answer.get("partialFailureError") or {}}):
            elements = (error.get("location") or {}).get("fieldPathElements") or []
            if elements and elements[0].get("fieldName") == "operations":
                failed[int(elements[0].get("index", 0))] = error
        return names, failed

    # ------------------------------------------------------------ publish

    async def publish(self, plan: DeployPlan, *, on_object: ObjectCallback,
                      on_rejected: RejectionCallback) -> PublishResult:
        customer = plan.account_id.replace("-", "").strip()
        objects: list[PublishedObject] = []
        rejected: list[Rejection] = []

        def landed(obj: PublishedObject) -> None:
            objects.append(obj)
            on_object(obj)

        name = plan.campaign.name
        found = await self._search(customer, "SELECT campaign.resource_name, campaign.name FROM campaign "
                                             f"WHERE campaign.name = {_quote(name)} AND campaign.status != 'REMOVED'")
        if found:
            campaign, created = found[0]["campaign"]["resourceName"], False
        else:
            budget = await self._budget(customer, plan)
            names, failed = await self._mutate(customer, "campaigns", [{
                "name": name, "status": "PAUSED", "advertisingChannelType": "SEARCH", "campaignBudget": budget,
                "manualCpc": {}, "networkSettings": {"targetGoogleSearch": True, "targetSearchNetwork": True,
                                                     "targetContentNetwork": False},
                "containsEuPoliticalAdvertising": "DOES_NOT_CONTAIN_EU_POLITICAL_ADVERTISING"}])
            if failed:
                raise self._error("campaigns:mutate", 400, [failed[0]])
            campaign, created = str(names[0]), True
        landed(PublishedObject(level="campaign", name=name, platform_id=_id(campaign), created=created))
        await self._locations(customer, campaign, plan)

        groups = {r["adGroup"]["name"]: r["adGroup"]["resourceName"] for r in await self._search(
            customer, "SELECT ad_group.resource_name, ad_group.name FROM ad_group "
                      f"WHERE campaign.resource_name = {_quote(campaign)} AND ad_group.status != 'REMOVED'")}
        wanted = [g for g in plan.campaign.ad_groups if any(_rsa(ad) for ad in g.ads)]
        missing = [g for g in wanted if g.name not in groups]
        if missing:
            names, failed = await self._mutate(customer, "adGroups", [{
                "name": g.name, "campaign": campaign, "status": "PAUSED", "type": "SEARCH_STANDARD",
                "cpcBidMicros": str(int(DEFAULT_CPC * MICROS))} for g in missing])
            for i, group in enumerate(missing):
                if i not in failed and names[i]:
                    groups[group.name] = str(names[i])
                    landed(PublishedObject(level="ad_group", name=group.name, platform_id=_id(groups[group.name]),
                                           concept_id=group.concept_id, parent_id=_id(campaign)))
            if failed:
                raise self._error("adGroups:mutate", 400, [next(iter(failed.values()))])
        for group in wanted:
            if group not in missing:
                landed(PublishedObject(level="ad_group", name=group.name, platform_id=_id(groups[group.name]),
                                       concept_id=group.concept_id, parent_id=_id(campaign), created=False))

        ads = [(g, ad) for g in wanted for ad in g.ads if _rsa(ad)]
        labels = await self._labels(customer, [ad.name for _, ad in ads])
        existing = await self._search(customer, (
            "SELECT ad_group_ad.resource_name, ad_group_ad.labels, ad_group_ad.ad.responsive_search_ad.headlines, "
            "ad_group.resource_name FROM ad_group_ad "
            f"WHERE campaign.resource_name = {_quote(campaign)} AND ad_group_ad.status != 'REMOVED'"))
        labelled = {lab: r["adGroupAd"]["resourceName"] for r in existing for lab in r["adGroupAd"].get("labels") or []}
        to_create: list[tuple[Any, PlanAd]] = []
        to_label: list[tuple[str, PlanAd]] = []
        for group, ad in ads:
            group_name = groups[group.name]
            if labels[ad.name] in labelled:
                landed(PublishedObject(level="ad", name=ad.name, platform_id=_id(labelled[labels[ad.name]]),
                                       concept_id=ad.concept_id, parent_id=_id(group_name), created=False))
                continue
            orphan = next((r for r in existing if r["adGroup"]["resourceName"] == group_name
                           and not r["adGroupAd"].get("labels") and _headlines(r) == _rsa(ad).headlines), None)
            if orphan is not None:        # created by a deploy cut off before its label: adopt it
                existing.remove(orphan)
                resource = orphan["adGroupAd"]["resourceName"]
                to_label.append((resource, ad))
                landed(PublishedObject(level="ad", name=ad.name, platform_id=_id(resource), concept_id=ad.concept_id,
                                       parent_id=_id(group_name), created=False))
                continue
            to_create.append((group, ad))
        if to_create:
            names, failed = await self._mutate(customer, "adGroupAds", [
                self._ad_body(groups[g.name], ad) for g, ad in to_create])
            problem: dict[str, Any] | None = None
            for i, (group, ad) in enumerate(to_create):
                if i in failed:
                    error = failed[i]
                    if "policyFindingError" in (error.get("errorCode") or {}):
                        rejection = Rejection(ad_name=ad.name, concept_id=ad.concept_id, reason=_policy_reason(error),
                                              title=str(error.get("message", "")),
                                              code=str(error["errorCode"]["policyFindingError"]))
                        rejected.append(rejection)
                        on_rejected(rejection)
                    else:
                        problem = problem or error
                    continue
                resource = str(names[i])
                to_label.append((resource, ad))
                landed(PublishedObject(level="ad", name=ad.name, platform_id=_id(resource), concept_id=ad.concept_id,
                                       parent_id=_id(groups[group.name])))
            if to_label:
                await self._attach(customer, to_label, labels)
            if problem is not None:
                raise self._error("adGroupAds:mutate", 400, [problem])
        elif to_label:
            await self._attach(customer, to_label, labels)
        return PublishResult(platform="google", account_id=customer, objects=tuple(objects), rejected=tuple(rejected))

    async def _locations(self, customer: str, campaign: str, plan: DeployPlan) -> None:
        """The plan's countries as the campaign's location criteria; the ones already there are left alone, so a
        deploy cut off between the campaign and its targeting gets it on the rerun."""
        countries = sorted({c.upper() for g in plan.campaign.ad_groups for c in g.countries})
        unknown = [c for c in countries if c not in GEO_TARGETS]
        if unknown:
            raise InvalidParameter(f"no Google geo target constant known for {', '.join(unknown)} (known: "
                                   f"{', '.join(sorted(GEO_TARGETS))})", field="countries", platform="google")
        have = {str(((r.get("campaignCriterion") or {}).get("location") or {}).get("geoTargetConstant"))
                for r in await self._search(customer, (
                    "SELECT campaign_criterion.location.geo_target_constant FROM campaign_criterion "
                    f"WHERE campaign.resource_name = {_quote(campaign)} AND campaign_criterion.type = 'LOCATION'"))}
        missing = [f"geoTargetConstants/{GEO_TARGETS[c]}" for c in countries
                   if f"geoTargetConstants/{GEO_TARGETS[c]}" not in have]
        if missing:
            _, failed = await self._mutate(customer, "campaignCriteria", [
                {"campaign": campaign, "type": "LOCATION", "location": {"geoTargetConstant": g}} for g in missing])
            if failed:
                raise self._error("campaignCriteria:mutate", 400, [next(iter(failed.values()))])

    async def _budget(self, customer: str, plan: DeployPlan) -> str:
        """The campaign's budget, found by name (a deploy cut off after making it) or created: the sum of the
        plan's ad-group budgets, since a Google budget sits on the campaign."""
        name = f"{plan.campaign.name} – adloom budget"
        found = await self._search(customer, "SELECT campaign_budget.resource_name FROM campaign_budget "
                                             f"WHERE campaign_budget.name = {_quote(name)}")
        if found:
            return str(found[0]["campaignBudget"]["resourceName"])
        daily = sum(g.daily_budget for g in plan.campaign.ad_groups)
        names, failed = await self._mutate(customer, "campaignBudgets", [{
            "name": name, "amountMicros": str(round(daily * MICROS)), "deliveryMethod": "STANDARD",
            "explicitlyShared": False}])
        if failed:
            raise self._error("campaignBudgets:mutate", 400, [failed[0]])
        return str(names[0])

    async def _labels(self, customer: str, names: list[str]) -> dict[str, str]:
        known: dict[str, str] = {}
        for start in range(0, len(names), 500):
            chunk = names[start:start + 500]
            if not chunk:
                continue
            rows = await self._search(customer, "SELECT label.resource_name, label.name FROM label "
                                                f"WHERE label.name IN ({', '.join(_quote(n) for n in chunk)})")
            known.update({r["label"]["name"]: r["label"]["resourceName"] for r in rows})
        missing = [n for n in names if n not in known]
        if missing:
            made, failed = await self._mutate(customer, "labels", [{"name": n} for n in missing])
            if failed:
                raise self._error("labels:mutate", 400, [next(iter(failed.values()))])
            known.update({n: str(r) for n, r in zip(missing, made, strict=True)})
        return known

    async def _attach(self, customer: str, pairs: list[tuple[str, PlanAd]], labels: dict[str, str]) -> None:
        _, failed = await self._mutate(customer, "adGroupAdLabels", [
            {"adGroupAd": resource, "label": labels[ad.name]} for resource, ad in pairs])
        if failed:
            raise self._error("adGroupAdLabels:mutate", 400, [next(iter(failed.values()))])

    @staticmethod
    def _ad_body(group: str, ad: PlanAd) -> dict[str, Any]:
        rsa = _rsa(ad)
        ad_body: dict[str, Any] = {"finalUrls": [ad.link], "responsiveSearchAd": {
            "headlines": [{"text": h} for h in rsa.headlines],
            "descriptions": [{"text": d} for d in rsa.descriptions], "path1": rsa.path1, "path2": rsa.path2}}
        if ad.url_tags:
            ad_body["finalUrlSuffix"] = ad.url_tags
        return {"adGroup": group, "status": "PAUSED", "ad": ad_body}

    # ------------------------------------------------------------ insights

    async def insights(self, account_id: str, since: date, until: date) -> list[InsightRow]:
        customer = account_id.replace("-", "").strip()
        info = await self._search(customer, "SELECT customer.currency_code FROM customer")
        currency = info[0]["customer"].get("currencyCode") if info else None
        names = {r["label"]["resourceName"]: r["label"]["name"] for r in await self._search(
            customer, "SELECT label.resource_name, label.name FROM label")}
        rows = []
        for r in await self._search(customer, (
                "SELECT ad_group_ad.resource_name, ad_group_ad.labels, campaign.name, ad_group.name, segments.date, "
                "metrics.impressions, metrics.clicks, metrics.cost_micros, metrics.conversions, "
                f"metrics.conversions_value FROM ad_group_ad WHERE segments.date BETWEEN '{since.isoformat()}' "
                f"AND '{until.isoformat()}'")):
            name = next((names[lab] for lab in r["adGroupAd"].get("labels") or []
                         if names.get(lab, "").startswith("adl_")), None)
            if name is None:
                continue
            m = r.get("metrics") or {}
            day = date.fromisoformat(r["segments"]["date"])
            rows.append(InsightRow(
                ad_name=name, ad_id=_id(r["adGroupAd"]["resourceName"]), date_start=day, date_end=day,
                campaign_name=(r.get("campaign") or {}).get("name", ""),
                ad_group_name=(r.get("adGroup") or {}).get("name", ""),
                impressions=int(float(m.get("impressions", 0))), clicks=int(float(m.get("clicks", 0))),
                spend=float(m.get("costMicros", 0)) / MICROS, currency=currency,
                purchases=float(m.get("conversions", 0)), revenue=float(m.get("conversionsValue", 0))))
        return rows


# ---------------------------------------------------------------- helpers


def _rsa(ad: PlanAd) -> GoogleRSACopy:
    return ad.copy_variant if isinstance(ad.copy_variant, GoogleRSACopy) else None  # type: ignore[return-value]


def _headlines(row: dict[str, Any]) -> list[str]:
    rsa = ((row.get("adGroupAd") or {}).get("ad") or {}).get("responsiveSearchAd") or {}
    return [h.get("text", "") for h in rsa.get("headlines") or []]


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _id(resource: str) -> str:
    return resource.rsplit("/", 1)[-1]


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _failure_errors(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The GoogleAdsFailure errors inside ``error.details`` (a whole-request failure or a partialFailureError)."""
    error = body.get("error") or {}
    if not isinstance(error, dict):
        return []
    return [e for d in error.get("details") or [] for e in d.get("errors") or []]


def _retry_delay(errors: list[dict[str, Any]]) -> float | None:
    for error in errors:
        delay = ((error.get("details") or {}).get("quotaErrorDetails") or {}).get("retryDelay")
        if delay:
            try:
                return float(str(delay).rstrip("s"))
            except ValueError:
                return None
    return None


def _field(error: dict[str, Any]) -> str | None:
    """``operations[0].create.ad.responsive_search_ad.headlines[2].text`` -> the part after ``create``."""
    parts = []
    for element in (error.get("location") or {}).get("fieldPathElements") or []:
        name = str(element.get("fieldName", ""))
        if name in ("operations", "create"):
            continue
        parts.append(f"{name}[{element['index']}]" if "index" in element else name)
    return ".".join(parts) or None


def _policy_reason(error: dict[str, Any]) -> str:
    entries = (((error.get("details") or {}).get("policyFindingDetails") or {}).get("policyTopicEntries") or [])
    topics = [f"{e.get('topic', '?')} ({e.get('type', '?')})" for e in entries]
    trigger = (error.get("trigger") or {}).get("stringValue")
    where = _field(error)
    text = ", ".join(topics) or str(error.get("message", "policy finding"))
    return text + (f" in {where}" if where else "") + (f": '{trigger}'" if trigger else "")
