DROP TABLE discretion_benchmarks;
