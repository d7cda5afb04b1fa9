DROP TABLE search_seeds;
DROP TABLE search_unanswered;
DROP TABLE search_synonyms;
