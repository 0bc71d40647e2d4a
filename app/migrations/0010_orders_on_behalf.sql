-- Selling what the shop lacks: baskets kept on the server, orders split
-- into fulfilments (take now, ship home, collect in a shop), payments, and
-- the rules that source and date them.

-- A basket being built on a tablet, the manager's PC or the kiosk. It is
-- kept here, not in the browser: it survives a reload and can be handed
-- to another device by its code (kiosk to till, tablet to manager).
CREATE TABLE baskets (
    id {{ID}},
    -- read out, typed or scanned (a QR) to open the basket elsewhere
    handoff_code TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL CHECK (channel IN ('store', 'kiosk')),
    -- the shop where it is built and sold
    location_id TEXT NOT NULL REFERENCES locations (id),
    -- who works on it now: a staff username, or a kiosk's account
    holder TEXT NOT NULL,
    -- open: being built, handed: waiting to be opened on another device,
    -- ordered: became an order, abandoned: given up
    status TEXT NOT NULL CHECK (status IN ('open', 'handed', 'ordered', 'abandoned')),
    -- who a handed basket waits for: 'associate' (a kiosk basket to pay at
    -- the till) or 'manager' (a discount to approve)
    handed_to TEXT CHECK (handed_to IN ('associate', 'manager')),
    -- who handed it (and asked for the approval, when it went to a manager)
    handed_by TEXT,
    customer_id BIGINT REFERENCES customers (id),
    -- a guest's address for the confirmation (no customer record)
    guest_email TEXT,
    -- the customer's language, for what is sent to them
    lang TEXT NOT NULL DEFAULT 'fr',
    -- the address for lines shipped home
    ship_name TEXT,
    ship_street TEXT,
    ship_postcode TEXT,
    ship_city TEXT,
    order_id BIGINT REFERENCES orders (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX baskets_by_holder ON baskets (holder, status, updated_at);
CREATE INDEX baskets_by_location ON baskets (location_id, status, updated_at);

CREATE TABLE basket_lines (
    id {{ID}},
    basket_id BIGINT NOT NULL REFERENCES baskets (id),
    sku TEXT NOT NULL REFERENCES skus (sku),
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    fulfilment TEXT NOT NULL CHECK (fulfilment IN ('carry', 'ship', 'collect')),
    -- collect: the shop where the customer collects
    pickup_location_id TEXT REFERENCES locations (id),
    -- where the goods come from, when someone chose; otherwise the
    -- proposed source is taken at checkout
    source_location_id TEXT REFERENCES locations (id),
    discount_percent BIGINT NOT NULL DEFAULT 0 CHECK (discount_percent BETWEEN 0 AND 100),
    -- a discount beyond what an associate may give, approved by a manager
    approval_id BIGINT,
    added_at BIGINT NOT NULL
);
CREATE INDEX basket_lines_by_basket ON basket_lines (basket_id, id);

-- A manager's approval of a discount: who asked, who approved, when, why.
CREATE TABLE discount_approvals (
    id {{ID}},
    basket_id BIGINT NOT NULL REFERENCES baskets (id),
    sku TEXT NOT NULL REFERENCES skus (sku),
    discount_percent BIGINT NOT NULL,
    requested_by TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    device TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- An order reaches the customer in one or more fulfilments: the goods
-- taken now, those shipped home, those collected in a shop. Each has its
-- source, its destination, its promised date and its own life (the state
-- machine of `domain::order`); the order's `status` and `fulfilment`
-- sum them up (`domain::order::summary`). Orders from before this
-- migration had one fulfilment each, described by the order's columns:
-- they are copied here, and read from here from now on.
CREATE TABLE order_fulfilments (
    id {{ID}},
    order_id BIGINT NOT NULL REFERENCES orders (id),
    group_no BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('carry', 'ship', 'collect')),
    status TEXT NOT NULL,
    source_location_id TEXT REFERENCES locations (id),
    pickup_location_id TEXT REFERENCES locations (id),
    ship_address TEXT,
    -- the day promised to the customer (ms, start of the day, shop time)
    promised_at BIGINT,
    pickup_code TEXT,
    ready_at BIGINT,
    pickup_expires_at BIGINT,
    updated_at BIGINT NOT NULL,
    UNIQUE (order_id, group_no)
);
CREATE INDEX fulfilments_by_pickup ON order_fulfilments (pickup_location_id, status);
CREATE INDEX fulfilments_by_source ON order_fulfilments (source_location_id, status);
INSERT INTO order_fulfilments (order_id, group_no, kind, status, source_location_id, pickup_location_id,
        ship_address, promised_at, pickup_code, ready_at, pickup_expires_at, updated_at)
    SELECT o.id, 1, o.fulfilment, o.status,
           (SELECT MIN(l.source_location_id) FROM order_lines l WHERE l.order_id = o.id),
           o.pickup_location_id, o.ship_address, NULL, o.pickup_code, o.ready_at,
           o.pickup_expires_at, o.updated_at
    FROM orders o ORDER BY o.id;

ALTER TABLE order_lines ADD COLUMN fulfilment_id BIGINT REFERENCES order_fulfilments (id);
-- The price of the line after its discount is quantity x unit price less
-- this (whole cents, rounded to the customer's advantage).
ALTER TABLE order_lines ADD COLUMN discount_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE order_lines ADD COLUMN discount_percent BIGINT NOT NULL DEFAULT 0;
ALTER TABLE order_lines ADD COLUMN approval_id BIGINT REFERENCES discount_approvals (id);
UPDATE order_lines SET fulfilment_id = (
    SELECT f.id FROM order_fulfilments f WHERE f.order_id = order_lines.order_id
);
CREATE INDEX order_lines_by_fulfilment ON order_lines (fulfilment_id);

-- Paid at the till, or waiting for a payment by link (cancelled, and its
-- stock released, when unpaid after `pay_by`).
ALTER TABLE orders ADD COLUMN payment_status TEXT NOT NULL DEFAULT 'paid'
    CHECK (payment_status IN ('paid', 'awaiting', 'cancelled'));
ALTER TABLE orders ADD COLUMN pay_by BIGINT;
-- Where the confirmation goes, and in which language.
ALTER TABLE orders ADD COLUMN contact_email TEXT;
ALTER TABLE orders ADD COLUMN lang TEXT NOT NULL DEFAULT 'fr';
ALTER TABLE orders ADD COLUMN discount_cents BIGINT NOT NULL DEFAULT 0;
CREATE INDEX orders_awaiting_payment ON orders (payment_status, pay_by);

-- Payments recorded (none is processed here): at the till with the
-- terminal's reference, or confirmed by the web shop for a link.
CREATE TABLE payments (
    id {{ID}},
    order_id BIGINT NOT NULL REFERENCES orders (id),
    method TEXT NOT NULL CHECK (method IN ('card', 'cash', 'gift_card', 'link', 'web')),
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    reference TEXT,
    recorded_by TEXT NOT NULL,
    device TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX payments_by_order ON payments (order_id);

-- What holds a level's reserved figure: the held reservations of one SKU
-- at one location.
CREATE INDEX reservations_by_level ON reservations (sku, location_id, status);

-- How long the goods take, by where they come from and where they go
-- (`destination`: home, a store, or the store that holds them), up to a
-- distance between the two; the rule with the smallest `up_to_km` that
-- covers the distance applies. Days are shop days (Sundays do not count).
-- Data, so that the chain can change it.
CREATE TABLE lead_times (
    source_kind TEXT NOT NULL CHECK (source_kind IN ('warehouse', 'store')),
    destination TEXT NOT NULL CHECK (destination IN ('home', 'store', 'same_store')),
    up_to_km BIGINT NOT NULL,
    days BIGINT NOT NULL CHECK (days >= 0),
    PRIMARY KEY (source_kind, destination, up_to_km)
);
INSERT INTO lead_times (source_kind, destination, up_to_km, days) VALUES
    ('warehouse', 'home', 100000, 2),
    ('warehouse', 'store', 100000, 2),
    ('store', 'home', 100000, 3),
    ('store', 'store', 150, 1),
    ('store', 'store', 100000, 2),
    ('store', 'same_store', 100000, 0),
    ('warehouse', 'same_store', 100000, 0);

-- The chain's rules, as figures a manager may change.
CREATE TABLE chain_policies (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO chain_policies (name, value) VALUES
    -- the largest discount on a line an associate gives alone (percent)
    ('associate_discount_limit_percent', 10),
    -- how long an order paid by link waits for its payment (minutes)
    ('pay_by_link_minutes', 2880),
    -- how long a handed basket's code opens it (minutes)
    ('handoff_code_minutes', 60);
