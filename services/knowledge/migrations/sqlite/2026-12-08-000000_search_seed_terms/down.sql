DROP TABLE search_seed_terms;
