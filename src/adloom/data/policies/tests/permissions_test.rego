package adloom.policies.permissions_test

import data.adloom.policies.permissions
import rego.v1

campaign(platforms, countries, held) := {"platforms": platforms, "countries": countries, "age_min": 25,
	"age_max": 65, "vertical": null, "permissions": held}

test_gambling_without_permission_denied if {
	result := permissions.deny with input as {"categories": ["gambling"], "campaign": campaign(["meta"], ["GB"], [])}
	{d.id | some d in result} == {"permission_missing"}
}

test_gambling_with_country_permission_allowed if {
	count(permissions.deny) == 0 with input as {"categories": ["gambling"],
		"campaign": campaign(["meta"], ["GB"], ["gambling:meta:GB"])}
}

test_permission_for_one_country_does_not_cover_another if {
	result := permissions.deny with input as {"categories": ["gambling"],
		"campaign": campaign(["meta"], ["GB", "IE"], ["gambling:meta:GB"])}
	{d.country | some d in result} == {"IE"}
}

test_credit_needs_permission_only_where_listed if {
	count(permissions.deny) == 1 with input as {"categories": ["credit"], "campaign": campaign(["google"], ["GB"], [])}
	count(permissions.deny) == 0 with input as {"categories": ["credit"], "campaign": campaign(["google"], ["US"], [])}
}
