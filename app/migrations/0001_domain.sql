-- The whole retail domain. Valid on SQLite (3.35+) and PostgreSQL (14+):
-- integers are BIGINT, money integer cents, times integer milliseconds
-- since the epoch, flags 0/1. `{{ID}}` becomes an auto-increment key;
-- `{{CLUSTERED}}` stores a table in its primary key's order on SQLite
-- (one SKU's levels at every location sit together).

CREATE TABLE locations (
    id TEXT PRIMARY KEY,
    ordinal BIGINT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('store', 'warehouse')),
    name TEXT NOT NULL,
    city TEXT NOT NULL,
    latitude DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL
);

CREATE TABLE products (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    department TEXT NOT NULL,
    description TEXT NOT NULL,
    -- folded (lower case, no accents) name, category, colours and id
    search_text TEXT NOT NULL
);

CREATE TABLE skus (
    sku TEXT PRIMARY KEY,
    ordinal BIGINT NOT NULL UNIQUE,
    product_id TEXT NOT NULL REFERENCES products (id),
    ean TEXT NOT NULL UNIQUE,
    colour TEXT NOT NULL,
    size TEXT NOT NULL,
    size_rank BIGINT NOT NULL,
    price_cents BIGINT NOT NULL CHECK (price_cents >= 0)
);
-- a product's variants, first in display order first
CREATE INDEX skus_by_product ON skus (product_id, ordinal);

CREATE TABLE stock_levels (
    sku TEXT NOT NULL REFERENCES skus (sku),
    location_id TEXT NOT NULL REFERENCES locations (id),
    on_hand BIGINT NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    safety BIGINT NOT NULL DEFAULT 0 CHECK (safety >= 0),
    -- on_hand change made by the last update, so that a count (which sets
    -- on_hand) can record its delta in the same single statement
    last_delta BIGINT NOT NULL DEFAULT 0,
    -- ledger sequence of the last movement: live clients ignore older events
    last_seq BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (sku, location_id),
    CHECK (reserved <= on_hand)
) {{CLUSTERED}};

-- The ledger: append-only; the sum of its deltas is the level.
CREATE TABLE stock_movements (
    seq {{ID}},
    sku TEXT NOT NULL REFERENCES skus (sku),
    location_id TEXT NOT NULL REFERENCES locations (id),
    kind TEXT NOT NULL,
    on_hand_delta BIGINT NOT NULL,
    reserved_delta BIGINT NOT NULL,
    on_hand_after BIGINT NOT NULL,
    reserved_after BIGINT NOT NULL,
    reason TEXT,
    reference TEXT,
    actor TEXT NOT NULL,
    device TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX stock_movements_by_level ON stock_movements (sku, location_id, seq);

CREATE TABLE staff (
    id {{ID}},
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('associate', 'manager', 'kiosk')),
    location_id TEXT NOT NULL REFERENCES locations (id),
    password_hash TEXT NOT NULL,
    active BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    staff_id BIGINT NOT NULL REFERENCES staff (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    device TEXT NOT NULL
);
CREATE INDEX sessions_by_staff ON sessions (staff_id);

CREATE TABLE api_keys (
    id {{ID}},
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE customers (
    id {{ID}},
    email TEXT NOT NULL UNIQUE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    phone TEXT NOT NULL,
    city TEXT NOT NULL,
    postcode TEXT NOT NULL,
    home_location_id TEXT REFERENCES locations (id),
    consent_marketing BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX customers_by_name ON customers (last_name, first_name);

CREATE TABLE orders (
    id {{ID}},
    reference TEXT NOT NULL UNIQUE,
    customer_id BIGINT REFERENCES customers (id),
    channel TEXT NOT NULL CHECK (channel IN ('web', 'store', 'kiosk')),
    fulfilment TEXT NOT NULL CHECK (fulfilment IN ('carry', 'ship', 'collect')),
    status TEXT NOT NULL,
    -- the shop where it was sold (store and kiosk channels)
    selling_location_id TEXT REFERENCES locations (id),
    -- the shop where it is collected (collect)
    pickup_location_id TEXT REFERENCES locations (id),
    ship_address TEXT,
    pickup_code TEXT,
    total_cents BIGINT NOT NULL,
    idempotency_key TEXT UNIQUE,
    created_by TEXT NOT NULL,
    device TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    ready_at BIGINT,
    pickup_expires_at BIGINT
);
CREATE INDEX orders_by_customer ON orders (customer_id, created_at);
CREATE INDEX orders_by_pickup ON orders (pickup_location_id, status);

CREATE TABLE order_lines (
    id {{ID}},
    order_id BIGINT NOT NULL REFERENCES orders (id),
    line_no BIGINT NOT NULL,
    sku TEXT NOT NULL REFERENCES skus (sku),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    unit_price_cents BIGINT NOT NULL,
    -- where the goods come from (a shop or the warehouse)
    source_location_id TEXT REFERENCES locations (id),
    handed_over_qty BIGINT NOT NULL DEFAULT 0,
    returned_qty BIGINT NOT NULL DEFAULT 0,
    UNIQUE (order_id, line_no),
    CHECK (handed_over_qty <= quantity),
    CHECK (returned_qty <= quantity)
);

-- Every state change of an order: who, when, from which device.
CREATE TABLE order_events (
    id {{ID}},
    order_id BIGINT NOT NULL REFERENCES orders (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    device TEXT NOT NULL,
    note TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX order_events_by_order ON order_events (order_id, id);

CREATE TABLE reservations (
    id {{ID}},
    order_line_id BIGINT NOT NULL REFERENCES order_lines (id),
    sku TEXT NOT NULL REFERENCES skus (sku),
    location_id TEXT NOT NULL REFERENCES locations (id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    status TEXT NOT NULL CHECK (status IN ('held', 'released', 'consumed')),
    created_at BIGINT NOT NULL
);
CREATE INDEX reservations_by_line ON reservations (order_line_id);

CREATE TABLE returns (
    id {{ID}},
    order_id BIGINT NOT NULL REFERENCES orders (id),
    location_id TEXT NOT NULL REFERENCES locations (id),
    refund_cents BIGINT NOT NULL,
    refund_method TEXT NOT NULL CHECK (refund_method IN ('original_payment', 'store_credit')),
    created_by TEXT NOT NULL,
    device TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX returns_by_order ON returns (order_id);

CREATE TABLE return_lines (
    id {{ID}},
    return_id BIGINT NOT NULL REFERENCES returns (id),
    order_line_id BIGINT NOT NULL REFERENCES order_lines (id),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    reason TEXT NOT NULL,
    item_condition TEXT NOT NULL CHECK (item_condition IN ('sellable', 'damaged')),
    refund_cents BIGINT NOT NULL
);

-- Who read or changed what, for the record (customer data reads, policy changes).
CREATE TABLE audit_log (
    id {{ID}},
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT,
    created_at BIGINT NOT NULL
);
