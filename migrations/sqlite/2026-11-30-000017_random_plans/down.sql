DROP TABLE random_plan_cases;
DROP TABLE random_draws;
DROP TABLE random_plans;
DROP TABLE recusals;
ALTER TABLE inspection_items DROP COLUMN random;
