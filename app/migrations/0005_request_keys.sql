-- Requests made once. A client names a request it may send again (a retry
-- after the connection dropped before the answer came, a double tap) with a
-- key of its choosing; the first request with a key does the work, the
-- later ones get its answer back. The key's row is written in the same
-- transaction as the work, so it exists exactly when the work was done.
-- Keys belong to their owner (an API client, a staff member): one owner
-- cannot replay another's. Rows are kept a day.
CREATE TABLE request_keys (
    owner TEXT NOT NULL,
    request_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    answer TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (owner, request_key)
);
CREATE INDEX request_keys_by_age ON request_keys (created_at);
