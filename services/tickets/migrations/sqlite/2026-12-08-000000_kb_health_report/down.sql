DROP TABLE report_search_keys;
DROP TABLE report_kb_answers;
DROP TABLE report_kb_days;
