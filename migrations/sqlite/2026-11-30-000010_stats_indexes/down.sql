DROP INDEX case_findings_hazard_idx;
CREATE INDEX cases_agency_opened_idx ON cases (agency_id, opened_on);
DROP INDEX cases_agency_opened_cover_idx;
