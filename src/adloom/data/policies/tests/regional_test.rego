package adloom.policies.regional_test

import data.adloom.policies.regional
import rego.v1

doc(countries, evidence) := {"claims": [{"kind": "superlative", "text": "the best pillow", "evidence": evidence}],
	"campaign": {"platforms": ["meta"], "countries": countries, "age_min": 18, "age_max": 65, "vertical": null,
		"permissions": []}}

test_uk_superlative_without_evidence_reviewed if {
	{d.id | some d in regional.review} == {"regional.evidence_needed"} with input as doc(["GB"], false)
}

test_uk_superlative_with_evidence_passes if {
	count(regional.review) == 0 with input as doc(["GB"], true)
}

test_us_superlative_not_affected if {
	count(regional.review) == 0 with input as doc(["US"], false)
}
