DROP TRIGGER documents_fixed;
DROP TRIGGER documents_no_delete;
DROP TABLE documents;
