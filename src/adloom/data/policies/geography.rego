# Geography: categories a platform does not allow in some countries at all (data.tables.country_bans).
package adloom.policies.geography

import rego.v1

deny contains d if {
	some category in input.categories
	some [platform, country] in data.adloom.lib.targets
	some row in data.tables.country_bans
	row.category == category
	data.adloom.lib.matches(row.platform, platform)
	country in row.countries
	d := {
		"id": "country_ban",
		"category": category, "platform": platform, "country": country,
		"msg": sprintf("%v ads are not allowed on %v in %v", [category, platform, country]),
		"fix": sprintf("Remove %v from the campaign's countries; rewriting the copy cannot fix targeting.", [country]),
	}
}
