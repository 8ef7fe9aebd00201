# Age gates: a restricted category needs the campaign's minimum audience age to reach the strictest age any
# matching row of data.tables.age_gates asks for (platform, country, category; "*" matches any).
# Copy cannot fix targeting, so every result here is a deny.
package adloom.policies.age_gates

import rego.v1

# Helpers are called by their full path (data.adloom.lib.f): regorus does not resolve functions through an import alias.

required_age(platform, country, category) := max(ages) if {
	ages := {row.min_age |
		some row in data.tables.age_gates
		row.category in {category, "*"}
		data.adloom.lib.matches(row.platform, platform)
		data.adloom.lib.matches(row.country, country)
	}
	count(ages) > 0
}

deny contains d if {
	some category in input.categories
	category in data.tables.restricted_categories
	some [platform, country] in data.adloom.lib.targets
	need := required_age(platform, country, category)
	input.campaign.age_min < need
	d := {
		"id": "age_gate",
		"category": category, "platform": platform, "country": country,
		"msg": sprintf("%v ads on %v in %v need an audience aged %v+; the campaign starts at %v",
			[category, platform, country, need, input.campaign.age_min]),
		"fix": sprintf("Raise the campaign's minimum age to %v; rewriting the copy cannot fix targeting.", [need]),
	}
}
