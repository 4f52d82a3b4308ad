DROP TABLE checkpoint_heads;
DROP TABLE record_checkpoints;
DROP FUNCTION record_checkpoints_append_only();
