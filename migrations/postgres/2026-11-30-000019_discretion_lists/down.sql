DROP TABLE discretion_list_entries;
