package adloom.policies.political_test

import data.adloom.policies.political
import rego.v1

doc(platforms, held, text) := {"categories": ["political"], "concept": {"texts": [{"field": "x", "text": text}]},
	"campaign": {"platforms": platforms, "countries": ["US"], "age_min": 18, "age_max": 65, "vertical": null,
		"permissions": held}}

test_tiktok_never_runs_political_ads if {
	result := political.deny with input as doc(["tiktok"], ["political:tiktok"], "Paid for by Friends of Jo")
	{d.id | some d in result} == {"political.platform_ban"}
}

test_meta_needs_authorisation if {
	result := political.deny with input as doc(["meta"], [], "Vote Jo. Paid for by Friends of Jo")
	{d.id | some d in result} == {"political.unauthorised"}
}

test_meta_authorised_with_disclaimer_passes if {
	count(political.deny) == 0 with input as doc(["meta"], ["political:meta"], "Vote Jo. Paid for by Friends of Jo")
	count(political.rewrite) == 0 with input as doc(["meta"], ["political:meta"], "Vote Jo. Paid for by Friends of Jo")
}

test_missing_disclaimer_is_a_rewrite_not_a_deny if {
	{d.id | some d in political.rewrite} == {"political.disclaimer_missing"} with input as doc(["meta"], ["political:meta"], "Vote Jo")
	count(political.deny) == 0 with input as doc(["meta"], ["political:meta"], "Vote Jo")
}
