DROP INDEX cases_agency_decided_idx;
DROP TABLE case_revocations;
