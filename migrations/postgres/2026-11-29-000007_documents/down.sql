DROP TABLE documents;
DROP FUNCTION documents_fixed();
