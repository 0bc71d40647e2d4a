-- Customer 360: a profile (address, loyalty card, sizes, preferences),
-- consent per channel, staff notes, a search index, co-purchases for
-- advice, and an audit log that says who looked at which customer.

-- Phones are stored in one form, +33 and nine digits ("06 12 34 56 78"
-- becomes "+33612345678"), so that every way of typing one finds it.
UPDATE customers SET phone = '+33' || substr(replace(replace(replace(phone, ' ', ''), '.', ''), '-', ''), 2)
WHERE phone LIKE '0%';
-- Demo data drawn at random may repeat a phone: only the first keeps it.
UPDATE customers SET phone = ''
WHERE id NOT IN (SELECT MIN(id) FROM customers GROUP BY phone);
-- A phone is known once (an erased customer has none).
CREATE UNIQUE INDEX customers_by_phone ON customers (phone) WHERE phone <> '';

ALTER TABLE customers ADD COLUMN street TEXT NOT NULL DEFAULT '';
-- An EAN-13 on the card (prefix 2: a number for the chain's own use).
ALTER TABLE customers ADD COLUMN loyalty_card TEXT;
ALTER TABLE customers ADD COLUMN loyalty_tier TEXT CHECK (loyalty_tier IN ('member', 'silver', 'gold'));
ALTER TABLE customers ADD COLUMN loyalty_points BIGINT NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN top_size TEXT;
ALTER TABLE customers ADD COLUMN bottom_size TEXT;
ALTER TABLE customers ADD COLUMN preferences TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
-- Right to erasure: personal data replaced, orders kept with their amounts.
ALTER TABLE customers ADD COLUMN erased_at BIGINT;
CREATE UNIQUE INDEX customers_by_card ON customers (loyalty_card);
UPDATE customers SET updated_at = created_at;

-- Marketing consent, per channel, with when, where and by whom it was
-- given or withdrawn. A customer without a row for a channel has not
-- consented.
CREATE TABLE customer_consents (
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    granted BIGINT NOT NULL CHECK (granted IN (0, 1)),
    changed_at BIGINT NOT NULL,
    -- 'web', or the location where it was recorded (a shop, its kiosk)
    source TEXT NOT NULL,
    -- a staff username, or 'customer' (given by the customer online)
    changed_by TEXT NOT NULL,
    PRIMARY KEY (customer_id, channel)
);
INSERT INTO customer_consents (customer_id, channel, granted, changed_at, source, changed_by)
SELECT id, 'email', consent_marketing, created_at, 'web', 'customer' FROM customers;
ALTER TABLE customers DROP COLUMN consent_marketing;

-- What staff noted about a customer ("prefers natural fibres").
CREATE TABLE customer_notes (
    id {{ID}},
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    body TEXT NOT NULL,
    author TEXT NOT NULL,
    author_name TEXT NOT NULL,
    location_id TEXT NOT NULL REFERENCES locations (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX customer_notes_by_customer ON customer_notes (customer_id, created_at);

-- The customer search: one row per thing a customer is found by, tagged by
-- kind ("n:martin" a name word, "e:" the e-mail, "p:0612345678" the phone,
-- "c:" the card). Typing looks up a range of terms ("n:mar" to "n:mas"),
-- compared byte by byte on both engines ({{BYTES}}). Filled by the app
-- (`services::customers`), which splits and folds the words.
CREATE TABLE customer_terms (
    term TEXT {{BYTES}} NOT NULL,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    PRIMARY KEY (term, customer_id)
) {{CLUSTERED}};
CREATE INDEX customer_terms_by_customer ON customer_terms (customer_id);

-- "Goes well with": how many customers bought both products. Computed from
-- the orders (`services::advice::refresh_co_purchases`), read by a lookup.
CREATE TABLE co_purchases (
    product_id TEXT NOT NULL REFERENCES products (id),
    other_product_id TEXT NOT NULL REFERENCES products (id),
    customers BIGINT NOT NULL,
    PRIMARY KEY (product_id, other_product_id)
);

-- A customer's returns are read with their lines (the timeline).
CREATE INDEX return_lines_by_return ON return_lines (return_id);

-- Who looked at which customer, from where: filters for the manager.
ALTER TABLE audit_log ADD COLUMN role TEXT;
ALTER TABLE audit_log ADD COLUMN location_id TEXT;
ALTER TABLE audit_log ADD COLUMN device TEXT;
ALTER TABLE audit_log ADD COLUMN customer_id BIGINT;
CREATE INDEX audit_by_location ON audit_log (location_id, created_at);
CREATE INDEX audit_by_customer ON audit_log (customer_id, created_at);
