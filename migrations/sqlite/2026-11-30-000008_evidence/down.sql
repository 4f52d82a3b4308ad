DROP TRIGGER evidence_fixed;
DROP TRIGGER evidence_no_delete;
DROP TABLE evidence;
