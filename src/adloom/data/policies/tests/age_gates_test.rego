package adloom.policies.age_gates_test

import data.adloom.policies.age_gates
import rego.v1

campaign(platforms, countries, age_min) := {"platforms": platforms, "countries": countries, "age_min": age_min,
	"age_max": 65, "vertical": null, "permissions": []}

ids(result) := {d.id | some d in result}

test_weight_loss_under_18_denied if {
	result := age_gates.deny with input as {"categories": ["weight_loss"], "campaign": campaign(["meta"], ["US"], 16)}
	ids(result) == {"age_gate"}
}

test_weight_loss_adult_audience_allowed if {
	count(age_gates.deny) == 0 with input as {"categories": ["weight_loss"], "campaign": campaign(["meta"], ["US"], 18)}
}

test_alcohol_us_needs_21 if {
	count(age_gates.deny) == 1 with input as {"categories": ["alcohol"], "campaign": campaign(["meta"], ["US"], 18)}
	count(age_gates.deny) == 0 with input as {"categories": ["alcohol"], "campaign": campaign(["meta"], ["US"], 21)}
}

test_meta_indonesia_treats_under_21_as_teens if {
	count(age_gates.deny) == 1 with input as {"categories": ["dating"], "campaign": campaign(["meta"], ["ID"], 18)}
	count(age_gates.deny) == 0 with input as {"categories": ["dating"], "campaign": campaign(["google"], ["ID"], 18)}
}

test_unrestricted_category_has_no_gate if {
	count(age_gates.deny) == 0 with input as {"categories": ["fitness"], "campaign": campaign(["meta"], ["US"], 13)}
}

test_threshold_is_data_not_code if {
	count(age_gates.deny) == 0 with input as {"categories": ["alcohol"], "campaign": campaign(["meta"], ["CA"], 19)}
	count(age_gates.deny) == 1 with input as {"categories": ["alcohol"], "campaign": campaign(["meta"], ["CA"], 19)}
		with data.tables.age_gates as [{"category": "alcohol", "platform": "*", "country": "CA", "min_age": 25}]
}
