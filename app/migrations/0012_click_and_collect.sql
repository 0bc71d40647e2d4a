-- Click-and-collect, from the order to the customer's hands: goods sent
-- from another location and received at the pickup shop, picked item by
-- item, staged on a shelf slot, a customer checking in at the kiosk, the
-- handover (whole or partial, with its proof), and no-shows.

-- Each shop's pickup rules: how soon an order should be ready (minutes
-- from the order), how long a ready order waits (days from ready), and
-- whether an associate may hand over on an ID check instead of the code.
ALTER TABLE locations ADD COLUMN street TEXT NOT NULL DEFAULT '';
ALTER TABLE locations ADD COLUMN pickup_target_minutes BIGINT NOT NULL DEFAULT 120;
ALTER TABLE locations ADD COLUMN pickup_hold_days BIGINT NOT NULL DEFAULT 7;
ALTER TABLE locations ADD COLUMN pickup_id_check BIGINT NOT NULL DEFAULT 1;

-- A fulfilment on its way to the customer: where its bag sits, the
-- customer waiting at the shop (checked in at the kiosk, until someone
-- takes them), the reminder sent for a collect-by date, the parcel sent
-- from its source and received at the pickup shop.
ALTER TABLE order_fulfilments ADD COLUMN slot TEXT;
ALTER TABLE order_fulfilments ADD COLUMN checked_in_at BIGINT;
ALTER TABLE order_fulfilments ADD COLUMN attended_by TEXT;
-- the collect-by moment the last reminder was about (a new date reminds again)
ALTER TABLE order_fulfilments ADD COLUMN reminded_for BIGINT;
ALTER TABLE order_fulfilments ADD COLUMN collected_at BIGINT;
ALTER TABLE order_fulfilments ADD COLUMN parcel_code TEXT;
ALTER TABLE order_fulfilments ADD COLUMN sent_at BIGINT;
ALTER TABLE order_fulfilments ADD COLUMN sent_by TEXT;
ALTER TABLE order_fulfilments ADD COLUMN received_at BIGINT;
ALTER TABLE order_fulfilments ADD COLUMN received_by TEXT;
CREATE INDEX fulfilments_by_code ON order_fulfilments (pickup_code);
CREATE INDEX fulfilments_by_expiry ON order_fulfilments (status, pickup_expires_at);

-- Per line: units scanned into the bag, and units no longer coming (a
-- short pick or a line the customer gave up), which are never handed over.
ALTER TABLE order_lines ADD COLUMN picked_qty BIGINT NOT NULL DEFAULT 0;
ALTER TABLE order_lines ADD COLUMN cancelled_qty BIGINT NOT NULL DEFAULT 0;

-- Goods of an order between two locations: sent (out of the source's
-- stock, not yet in the pickup shop's), then received.
CREATE TABLE transfer_lines (
    id {{ID}},
    fulfilment_id BIGINT NOT NULL REFERENCES order_fulfilments (id),
    order_line_id BIGINT NOT NULL REFERENCES order_lines (id),
    sku TEXT NOT NULL REFERENCES skus (sku),
    from_location_id TEXT NOT NULL REFERENCES locations (id),
    to_location_id TEXT NOT NULL REFERENCES locations (id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    status TEXT NOT NULL CHECK (status IN ('in_transit', 'received')),
    sent_at BIGINT NOT NULL,
    received_at BIGINT
);
CREATE INDEX transfer_lines_by_sku ON transfer_lines (sku, status);
CREATE INDEX transfer_lines_by_fulfilment ON transfer_lines (fulfilment_id);

-- Pickup codes tried, per shop and per order, to slow down guessing (the
-- rule of `domain::sign_in`, with its own allowances).
CREATE TABLE pickup_code_attempts (
    scope TEXT PRIMARY KEY,
    attempts BIGINT NOT NULL,
    last_attempt_at BIGINT NOT NULL,
    locked_until BIGINT NOT NULL
);

-- Each handover: what proved the customer's right (the code, its QR, or
-- an identity document seen: its kind only, never its number), who, when,
-- from which device, and the units handed.
CREATE TABLE handovers (
    id {{ID}},
    fulfilment_id BIGINT NOT NULL REFERENCES order_fulfilments (id),
    proof TEXT NOT NULL CHECK (proof IN ('code', 'id_check')),
    id_document TEXT,
    actor TEXT NOT NULL,
    device TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX handovers_by_fulfilment ON handovers (fulfilment_id);
CREATE TABLE handover_lines (
    handover_id BIGINT NOT NULL REFERENCES handovers (id),
    order_line_id BIGINT NOT NULL REFERENCES order_lines (id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (handover_id, order_line_id)
);

-- Money given back (recorded, not processed): a line the customer gave up
-- at the counter, later a return.
CREATE TABLE refunds (
    id {{ID}},
    order_id BIGINT NOT NULL REFERENCES orders (id),
    order_line_id BIGINT REFERENCES order_lines (id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    method TEXT NOT NULL CHECK (method IN ('original_payment', 'store_credit')),
    reason TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    device TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX refunds_by_order ON refunds (order_id);

-- How long past its collect-by moment a ready order waits before the
-- job expires it (the manager's board shows it as overdue meanwhile).
INSERT INTO chain_policies (name, value) VALUES ('pickup_grace_hours', 24);

-- A message may carry a QR code (the pickup code), attached as an image
-- by the mail worker; and the outbox also carries webhooks to other
-- systems, each channel delivered by its own worker.
ALTER TABLE outbox ADD COLUMN qr_text TEXT;
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'email';
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (channel, status, next_attempt_at);
CREATE INDEX fulfilments_collected ON order_fulfilments (pickup_location_id, collected_at);

-- Other systems told of order changes by a signed POST to their URL
-- (configured by the environment), delivered from the outbox.
CREATE TABLE webhook_subscriptions (
    id {{ID}},
    url TEXT NOT NULL UNIQUE,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
