DROP TABLE rectifications;
DROP TABLE case_file_reviews;
DROP TABLE review_campaigns;
DROP TABLE review_templates;
DROP FUNCTION case_file_reviews_fixed();
DROP FUNCTION review_templates_fixed();
