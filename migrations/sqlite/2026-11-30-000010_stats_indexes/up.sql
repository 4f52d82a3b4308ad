-- Statistics (DESIGN §7) read the cases opened in a period, per agency: their kind,
-- inspection result, transfer and status, and their ids to join officers, powers and
-- findings. Carried in the index, a period's cases are read without visiting the table.
-- It replaces cases_agency_opened_idx, whose columns it starts with.
CREATE INDEX cases_agency_opened_cover_idx ON cases (agency_id, opened_on, status, kind, inspection_result, transferred_to, id);
DROP INDEX cases_agency_opened_idx;

-- Hazards (general and major findings) by level and rectification: the statistics' count
-- and the case list's hazard_level / hazard_rectified filters (the figures' drill-downs)
-- read them without scanning every finding.
CREATE INDEX case_findings_hazard_idx ON case_findings (hazard_level, rectified, case_id);
