# Prior permission: categories a platform runs only for advertisers holding a permission record for
# (platform, country) (data.tables.prior_permission; campaign.permissions holds the records).
package adloom.policies.permissions

import rego.v1

deny contains d if {
	some category in input.categories
	some [platform, country] in data.adloom.lib.targets
	some row in data.tables.prior_permission
	row.category == category
	data.adloom.lib.matches(row.platform, platform)
	some row_country in row.countries
	data.adloom.lib.matches(row_country, country)
	not data.adloom.lib.held(category, platform, country)
	d := {
		"id": "permission_missing",
		"category": category, "platform": platform, "country": country,
		"msg": sprintf("%v ads on %v in %v need prior written permission, and the campaign holds none",
			[category, platform, country]),
		"fix": sprintf("Obtain the permission and add '%v:%v:%v' to the campaign's permissions.",
			[category, platform, country]),
	}
}
