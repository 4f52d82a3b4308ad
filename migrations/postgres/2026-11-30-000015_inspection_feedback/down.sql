DROP TABLE inspection_feedback;
