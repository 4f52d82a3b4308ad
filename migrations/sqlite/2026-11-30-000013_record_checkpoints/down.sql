DROP TABLE checkpoint_heads;
DROP TABLE record_checkpoints;
