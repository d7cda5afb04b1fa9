DROP TABLE search_phrasings;
