# Region-specific substantiation: in the UK and EU an unqualified superlative is a comparison with every
# competitor and needs documentary evidence, so a superlative backed by a claim without evidence goes to review.
package adloom.policies.regional

import rego.v1

review contains d if {
	some country in input.campaign.countries
	country in data.tables.strict_substantiation.countries
	some claim in input.claims
	claim.kind in data.tables.strict_substantiation.kinds
	not claim.evidence
	d := {
		"id": "regional.evidence_needed", "country": country, "excerpt": claim.text,
		"msg": sprintf("in %v a %v claim needs documentary evidence: '%v'", [country, claim.kind, claim.text]),
		"fix": "Attach evidence to the approved claim, or drop the superlative for this market.",
	}
}
