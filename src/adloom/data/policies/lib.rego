# Helpers shared by the policies: which (platform, country) rows apply, and which permissions are held.
package adloom.lib

import rego.v1

# A row's "platform" / "country" matches the campaign's value, or "*" for any.
matches(row_value, value) if row_value == "*"

matches(row_value, value) if row_value == value

# A permission record is "category", "category:platform" or "category:platform:country";
# a broader record covers the narrower cases.
held(category, platform, country) if {
	some p in input.campaign.permissions
	p in {category, concat(":", [category, platform]), concat(":", [category, platform, country])}
}

# Every (platform, country) the campaign targets.
targets contains [platform, country] if {
	some platform in input.campaign.platforms
	some country in input.campaign.countries
}
