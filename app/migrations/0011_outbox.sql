-- Messages to customers, written in the same transaction as the change
-- they announce and delivered afterwards by a background worker, which
-- may run on several servers at once.

CREATE TABLE outbox (
    id {{ID}},
    -- what the message is: 'order_confirmation' (later: pickup ready,
    -- reminder, return receipt)
    kind TEXT NOT NULL,
    -- what it is about, so that one change queues one message of a kind
    -- (for an order confirmation: the order's id)
    subject_key TEXT NOT NULL,
    order_id BIGINT REFERENCES orders (id),
    recipient TEXT NOT NULL,
    lang TEXT NOT NULL,
    -- the message as rendered when queued, in the recipient's language
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    -- pending: to send, sent: accepted by the mail server, failed: refused
    -- for good by the mail server (a bad address), kept with its error
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    -- not tried again before this moment (back-off after a failure)
    next_attempt_at BIGINT NOT NULL,
    -- the worker sending it, and until when its claim holds: a worker that
    -- stops mid-send loses the row to another once the claim lapses
    claimed_by TEXT,
    claimed_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    UNIQUE (kind, subject_key)
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_by_order ON outbox (order_id);

-- Where to collect: the shop's postcode and opening hours (minutes after
-- midnight, shop time, Monday to Saturday), shown in collect confirmations.
ALTER TABLE locations ADD COLUMN postcode TEXT NOT NULL DEFAULT '';
ALTER TABLE locations ADD COLUMN opens_at_min BIGINT NOT NULL DEFAULT 600;
ALTER TABLE locations ADD COLUMN closes_at_min BIGINT NOT NULL DEFAULT 1140;

