# Political ads: some platforms take none at all; others need an authorised advertiser (a permission
# record "political:<platform>") and a "Paid for by" disclaimer in the copy.
package adloom.policies.political

import rego.v1

rules := data.tables.political

deny contains d if {
	"political" in input.categories
	some platform in input.campaign.platforms
	platform in rules.banned_platforms
	d := {
		"id": "political.platform_ban", "platform": platform,
		"msg": sprintf("%v does not run political ads", [platform]),
		"fix": sprintf("Drop %v from the campaign; rewriting the copy cannot fix this.", [platform]),
	}
}

deny contains d if {
	"political" in input.categories
	some [platform, country] in data.adloom.lib.targets
	platform in rules.authorisation_required
	not data.adloom.lib.held("political", platform, country)
	d := {
		"id": "political.unauthorised", "platform": platform, "country": country,
		"msg": sprintf("political ads on %v in %v need an authorised advertiser", [platform, country]),
		"fix": sprintf("Complete %v's ad authorisation and add 'political:%v' to the campaign's permissions.",
			[platform, platform]),
	}
}

disclaimer_present if {
	some t in input.concept.texts
	some phrase in rules.disclaimers
	contains(lower(t.text), phrase)
}

# The disclaimer is copy, so a rewrite can fix it.
rewrite contains d if {
	"political" in input.categories
	some platform in input.campaign.platforms
	platform in rules.authorisation_required
	not disclaimer_present
	d := {
		"id": "political.disclaimer_missing", "platform": platform,
		"msg": sprintf("political ads on %v must carry a 'Paid for by' disclaimer", [platform]),
		"fix": "Add 'Paid for by <advertiser>' to the ad copy.",
	}
}
