-- Returns in the shop of goods bought on any channel: return windows by
-- product family, where each returned item goes (back on the shelf, to
-- the warehouse, into quarantine), refunds to the original payment or as
-- store credit, exchanges, and a manager's approval for a late return.
-- A statement starting with {{SQLITE}} or {{POSTGRES}} runs on that
-- database only: SQLite changes a column's rules by rebuilding its table.

-- How long a product family may come back, in days from the moment the
-- customer had it; a final-sale family never comes back. The family '*'
-- covers every category without a row of its own.
CREATE TABLE return_policies (
    category TEXT PRIMARY KEY,
    window_days BIGINT NOT NULL CHECK (window_days >= 0),
    final_sale BIGINT NOT NULL DEFAULT 0 CHECK (final_sale IN (0, 1))
);
INSERT INTO return_policies (category, window_days, final_sale) VALUES
    ('*', 30, 0),
    ('Manteaux', 45, 0),
    ('Tissus au mètre', 0, 1),
    ('Rubans', 0, 1);

-- A shop's policy for resellable returns: back on its own shelves (1), or
-- everything to the warehouse (0).
ALTER TABLE locations ADD COLUMN restock_returns BIGINT NOT NULL DEFAULT 1;

-- Departments a shop does not sell: their returns go to the warehouse.
CREATE TABLE departments_not_carried (
    location_id TEXT NOT NULL REFERENCES locations (id),
    department TEXT NOT NULL,
    PRIMARY KEY (location_id, department)
);

-- Items kept aside (damaged, or waiting to be checked): physically at the
-- location, never available, never counted in `on_hand`.
ALTER TABLE stock_levels ADD COLUMN quarantined BIGINT NOT NULL DEFAULT 0 CHECK (quarantined >= 0);
ALTER TABLE stock_movements ADD COLUMN quarantined_delta BIGINT NOT NULL DEFAULT 0;
ALTER TABLE stock_movements ADD COLUMN quarantined_after BIGINT NOT NULL DEFAULT 0;

-- The delivery fee the customer paid (part of `total_cents`).
ALTER TABLE orders ADD COLUMN delivery_fee_cents BIGINT NOT NULL DEFAULT 0;

-- Store credit: a balance on the customer, always the sum of its ledger.
ALTER TABLE customers ADD COLUMN store_credit_cents BIGINT NOT NULL DEFAULT 0 CHECK (store_credit_cents >= 0);
CREATE TABLE store_credit_movements (
    id {{ID}},
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    delta_cents BIGINT NOT NULL,
    balance_after BIGINT NOT NULL CHECK (balance_after >= 0),
    -- refund: credited by a return, spend: paid a sale with it
    kind TEXT NOT NULL CHECK (kind IN ('refund', 'spend')),
    order_id BIGINT REFERENCES orders (id),
    return_id BIGINT REFERENCES returns (id),
    actor TEXT NOT NULL,
    device TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX store_credit_by_customer ON store_credit_movements (customer_id, id);

-- A return: its reference on the receipt, the language of the receipt,
-- the delivery fee given back, the sale it was exchanged for.
ALTER TABLE returns ADD COLUMN reference TEXT;
ALTER TABLE returns ADD COLUMN lang TEXT NOT NULL DEFAULT 'fr';
ALTER TABLE returns ADD COLUMN delivery_fee_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE returns ADD COLUMN exchange_order_id BIGINT REFERENCES orders (id);
-- what went to the exchange's new sale, of `refund_cents`
ALTER TABLE returns ADD COLUMN applied_to_exchange_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE returns ADD COLUMN approval_id BIGINT;
UPDATE returns SET reference = 'RET-' || CAST(id AS TEXT);
CREATE UNIQUE INDEX returns_by_reference ON returns (reference);
CREATE INDEX returns_by_location ON returns (location_id, created_at);

-- A manager's approval to take back lines past their return window:
-- asked by an associate with why, approved or refused with a note, used
-- by one return.
CREATE TABLE return_approvals (
    id {{ID}},
    order_id BIGINT NOT NULL REFERENCES orders (id),
    location_id TEXT NOT NULL REFERENCES locations (id),
    status TEXT NOT NULL CHECK (status IN ('asked', 'approved', 'refused', 'used')),
    why TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_device TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    decided_by TEXT,
    decided_device TEXT,
    decided_at BIGINT,
    decision_note TEXT,
    return_id BIGINT REFERENCES returns (id)
);
CREATE INDEX return_approvals_by_shop ON return_approvals (location_id, status, requested_at);
CREATE INDEX return_approvals_by_order ON return_approvals (order_id);

-- Each returned line: the reason (a code, and a text for 'other'), the
-- condition and where the items went. Earlier free-text reasons become
-- codes, and 'sellable' becomes 'resellable'.
{{SQLITE}} CREATE TABLE return_lines_new (
    id {{ID}},
    return_id BIGINT NOT NULL REFERENCES returns (id),
    order_line_id BIGINT NOT NULL REFERENCES order_lines (id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    reason TEXT NOT NULL,
    item_condition TEXT NOT NULL,
    refund_cents BIGINT NOT NULL
);
{{SQLITE}} INSERT INTO return_lines_new (id, return_id, order_line_id, quantity, reason, item_condition, refund_cents)
    SELECT id, return_id, order_line_id, quantity, reason, item_condition, refund_cents FROM return_lines ORDER BY id;
{{SQLITE}} DROP TABLE return_lines;
{{SQLITE}} ALTER TABLE return_lines_new RENAME TO return_lines;
{{POSTGRES}} ALTER TABLE return_lines DROP CONSTRAINT IF EXISTS return_lines_item_condition_check;
ALTER TABLE return_lines ADD COLUMN reason_note TEXT;
ALTER TABLE return_lines ADD COLUMN disposition TEXT NOT NULL DEFAULT 'restock';
UPDATE return_lines SET reason_note = reason, reason = CASE reason
        WHEN 'Taille trop petite' THEN 'too_small'
        WHEN 'Taille trop grande' THEN 'too_big'
        WHEN 'Couleur différente de la photo' THEN 'not_as_pictured'
        WHEN 'Défaut de fabrication' THEN 'defective'
        WHEN 'Ne correspond pas à mes attentes' THEN 'changed_mind'
        ELSE 'other' END
    WHERE reason NOT IN ('too_small', 'too_big', 'not_as_pictured', 'defective', 'arrived_late', 'changed_mind', 'other');
UPDATE return_lines SET reason_note = NULL WHERE reason <> 'other';
UPDATE return_lines SET item_condition = 'resellable' WHERE item_condition = 'sellable';
UPDATE return_lines SET disposition = 'quarantine' WHERE item_condition = 'damaged';
CREATE INDEX IF NOT EXISTS return_lines_by_return ON return_lines (return_id);
CREATE INDEX return_lines_by_order_line ON return_lines (order_line_id);

-- Payments and refunds gain their new ways: a sale paid (in part) with
-- store credit or with what an exchange brought back; a refund of the
-- delivery fee (no line) or of units of a return, with the payment it goes
-- back to and the terminal's reference.
{{SQLITE}} CREATE TABLE payments_new (
    id {{ID}},
    order_id BIGINT NOT NULL REFERENCES orders (id),
    method TEXT NOT NULL CHECK (method IN ('card', 'cash', 'gift_card', 'link', 'web', 'store_credit', 'exchange')),
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    reference TEXT,
    recorded_by TEXT NOT NULL,
    device TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
{{SQLITE}} INSERT INTO payments_new (id, order_id, method, amount_cents, reference, recorded_by, device, created_at)
    SELECT id, order_id, method, amount_cents, reference, recorded_by, device, created_at FROM payments ORDER BY id;
{{SQLITE}} DROP TABLE payments;
{{SQLITE}} ALTER TABLE payments_new RENAME TO payments;
{{SQLITE}} CREATE INDEX payments_by_order ON payments (order_id);
{{POSTGRES}} ALTER TABLE payments DROP CONSTRAINT IF EXISTS payments_method_check;
{{POSTGRES}} ALTER TABLE payments ADD CONSTRAINT payments_method_check
    CHECK (method IN ('card', 'cash', 'gift_card', 'link', 'web', 'store_credit', 'exchange'));

{{SQLITE}} CREATE TABLE refunds_new (
    id {{ID}},
    order_id BIGINT NOT NULL REFERENCES orders (id),
    order_line_id BIGINT REFERENCES order_lines (id),
    quantity BIGINT NOT NULL CHECK (quantity >= 0),
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    method TEXT NOT NULL CHECK (method IN ('original_payment', 'store_credit', 'exchange')),
    reason TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    device TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
{{SQLITE}} INSERT INTO refunds_new (id, order_id, order_line_id, quantity, amount_cents, method, reason, recorded_by, device, created_at)
    SELECT id, order_id, order_line_id, quantity, amount_cents, method, reason, recorded_by, device, created_at FROM refunds ORDER BY id;
{{SQLITE}} DROP TABLE refunds;
{{SQLITE}} ALTER TABLE refunds_new RENAME TO refunds;
{{SQLITE}} CREATE INDEX refunds_by_order ON refunds (order_id);
{{POSTGRES}} ALTER TABLE refunds DROP CONSTRAINT IF EXISTS refunds_method_check;
{{POSTGRES}} ALTER TABLE refunds DROP CONSTRAINT IF EXISTS refunds_quantity_check;
{{POSTGRES}} ALTER TABLE refunds ADD CONSTRAINT refunds_method_check
    CHECK (method IN ('original_payment', 'store_credit', 'exchange'));
{{POSTGRES}} ALTER TABLE refunds ADD CONSTRAINT refunds_quantity_check CHECK (quantity >= 0);
ALTER TABLE refunds ADD COLUMN return_id BIGINT REFERENCES returns (id);
-- the payment's way the money goes back on (card, cash, gift card...)
ALTER TABLE refunds ADD COLUMN payment_method TEXT;
ALTER TABLE refunds ADD COLUMN payment_reference TEXT;
CREATE INDEX refunds_by_line ON refunds (order_line_id);

-- Goods between two locations for other reasons than an order: returns
-- sent to the warehouse (to sell there, or to check) and quarantine sent
-- back. Order transfers keep their order and line; the others name their
-- return line; `arrives_as` says where they land: on the shelf and held
-- for the order, on the shelf, or in quarantine.
{{SQLITE}} CREATE TABLE transfer_lines_new (
    id {{ID}},
    fulfilment_id BIGINT REFERENCES order_fulfilments (id),
    order_line_id BIGINT REFERENCES order_lines (id),
    sku TEXT NOT NULL REFERENCES skus (sku),
    from_location_id TEXT NOT NULL REFERENCES locations (id),
    to_location_id TEXT NOT NULL REFERENCES locations (id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    status TEXT NOT NULL CHECK (status IN ('in_transit', 'received')),
    sent_at BIGINT NOT NULL,
    received_at BIGINT
);
{{SQLITE}} INSERT INTO transfer_lines_new (id, fulfilment_id, order_line_id, sku, from_location_id, to_location_id,
        quantity, status, sent_at, received_at)
    SELECT id, fulfilment_id, order_line_id, sku, from_location_id, to_location_id, quantity, status, sent_at,
        received_at FROM transfer_lines ORDER BY id;
{{SQLITE}} DROP TABLE transfer_lines;
{{SQLITE}} ALTER TABLE transfer_lines_new RENAME TO transfer_lines;
{{SQLITE}} CREATE INDEX transfer_lines_by_sku ON transfer_lines (sku, status);
{{SQLITE}} CREATE INDEX transfer_lines_by_fulfilment ON transfer_lines (fulfilment_id);
{{POSTGRES}} ALTER TABLE transfer_lines ALTER COLUMN fulfilment_id DROP NOT NULL;
{{POSTGRES}} ALTER TABLE transfer_lines ALTER COLUMN order_line_id DROP NOT NULL;
ALTER TABLE transfer_lines ADD COLUMN purpose TEXT NOT NULL DEFAULT 'order';
ALTER TABLE transfer_lines ADD COLUMN arrives_as TEXT NOT NULL DEFAULT 'held';
ALTER TABLE transfer_lines ADD COLUMN return_line_id BIGINT REFERENCES return_lines (id);
ALTER TABLE transfer_lines ADD COLUMN parcel_code TEXT;
ALTER TABLE transfer_lines ADD COLUMN sent_by TEXT;
ALTER TABLE transfer_lines ADD COLUMN received_by TEXT;
CREATE INDEX transfer_lines_to ON transfer_lines (to_location_id, status, purpose);
CREATE INDEX transfer_lines_by_parcel ON transfer_lines (parcel_code);
