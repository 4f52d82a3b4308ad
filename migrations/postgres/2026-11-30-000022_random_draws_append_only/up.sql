-- Double random, one public (双随机、一公开; 国发〔2019〕5号): what a draw drew stays as drawn.
--
-- random_draws is append-only: a draw, with its pools, recusals, witness and result, is
-- never changed, deleted or truncated; a redraw is a new row (seq 2, 3, …) and the one it
-- replaces stays, as the public verification recomputes both.
--
-- random_plan_cases links each drawn subject to the inspection the draw opened. Rows are
-- never deleted (a redraw voids the earlier inspections, and keeps their rows). The one
-- legitimate change is publishing a result (一公开, POST /random-plans/{id}/publish-results,
-- random_plans::store::publish): published_on goes from NULL to the day, once. Every other
-- update (another case, subject, draw or plan; a result unpublished or re-dated, which
-- would turn a late publication into an on-time one) is refused.
CREATE FUNCTION random_draws_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: a draw and the cases it opened stay as drawn; only an unpublished result is published, once', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER random_draws_no_update_delete BEFORE UPDATE OR DELETE ON random_draws
    FOR EACH ROW EXECUTE FUNCTION random_draws_append_only();
CREATE TRIGGER random_draws_no_truncate BEFORE TRUNCATE ON random_draws
    FOR EACH STATEMENT EXECUTE FUNCTION random_draws_append_only();
CREATE TRIGGER random_plan_cases_publish_only BEFORE UPDATE ON random_plan_cases
    FOR EACH ROW
    WHEN (NOT (
        OLD.published_on IS NULL AND NEW.published_on IS NOT NULL
        AND NEW.draw_id = OLD.draw_id AND NEW.plan_id = OLD.plan_id
        AND NEW.case_id = OLD.case_id AND NEW.subject_id = OLD.subject_id
    ))
    EXECUTE FUNCTION random_draws_append_only();
CREATE TRIGGER random_plan_cases_no_delete BEFORE DELETE ON random_plan_cases
    FOR EACH ROW EXECUTE FUNCTION random_draws_append_only();
CREATE TRIGGER random_plan_cases_no_truncate BEFORE TRUNCATE ON random_plan_cases
    FOR EACH STATEMENT EXECUTE FUNCTION random_draws_append_only();
