DROP TRIGGER random_plan_cases_no_truncate ON random_plan_cases;
DROP TRIGGER random_plan_cases_no_delete ON random_plan_cases;
DROP TRIGGER random_plan_cases_publish_only ON random_plan_cases;
DROP TRIGGER random_draws_no_truncate ON random_draws;
DROP TRIGGER random_draws_no_update_delete ON random_draws;
DROP FUNCTION random_draws_append_only();
