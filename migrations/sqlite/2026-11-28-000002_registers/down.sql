DROP TABLE subjects;
DROP TABLE power_versions;
DROP TABLE powers;
