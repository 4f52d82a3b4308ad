DROP TABLE rectifications;
DROP TABLE case_file_reviews;
DROP TABLE review_campaigns;
DROP TABLE review_templates;
