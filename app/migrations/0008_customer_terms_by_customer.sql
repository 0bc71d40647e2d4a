-- A multi-word customer search walks the rarest word's terms and checks,
-- customer by customer, that the others' terms are there too: one probe of
-- this index per customer. With the term in the index, PostgreSQL answers
-- each probe from the index alone (SQLite's index already held it, as the
-- table's key).
DROP INDEX customer_terms_by_customer;
CREATE INDEX customer_terms_by_customer ON customer_terms (customer_id, term);
