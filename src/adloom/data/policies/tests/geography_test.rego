package adloom.policies.geography_test

import data.adloom.policies.geography
import rego.v1

campaign(platforms, countries) := {"platforms": platforms, "countries": countries, "age_min": 25, "age_max": 65,
	"vertical": null, "permissions": []}

test_alcohol_banned_in_norway_on_meta if {
	result := geography.deny with input as {"categories": ["alcohol"], "campaign": campaign(["meta"], ["US", "NO"])}
	{[d.id, d.country] | some d in result} == {["country_ban", "NO"]}
}

test_alcohol_allowed_elsewhere if {
	count(geography.deny) == 0 with input as {"categories": ["alcohol"], "campaign": campaign(["meta"], ["GB", "US"])}
}

test_ban_is_per_platform if {
	count(geography.deny) == 0 with input as {"categories": ["alcohol"], "campaign": campaign(["google"], ["NO"])}
}
