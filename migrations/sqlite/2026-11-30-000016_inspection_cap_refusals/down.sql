DROP TABLE inspection_cap_refusals;
