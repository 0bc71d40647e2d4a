-- Reads of customer data (a profile, a history, an order, an export
-- opened), apart from the log of changes: every opening of a customer
-- writes one, the most frequent write of all. On SQLite they go to a file
-- of their own, attached as `journal`: a commit to the main
-- file makes every other connection drop its cache of that file's pages,
-- and the readers of customers were the ones paying for the log of their
-- own reads. A change and its line in `audit_log` stay in one file, one
-- transaction.
--
-- Reads kept from a base since deleted (its file of reads left behind) do
-- not belong to this one.
DROP TABLE IF EXISTS {{JOURNAL}}customer_reads;
CREATE TABLE {{JOURNAL}}customer_reads (
    id {{ID}},
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT,
    created_at BIGINT NOT NULL,
    role TEXT,
    location_id TEXT,
    device TEXT,
    customer_id BIGINT
);
CREATE INDEX {{JOURNAL}}reads_by_location ON customer_reads (location_id, created_at);
CREATE INDEX {{JOURNAL}}reads_by_customer ON customer_reads (customer_id, created_at);
INSERT INTO customer_reads (actor, action, subject, detail, created_at, role, location_id, device, customer_id)
    SELECT actor, action, subject, detail, created_at, role, location_id, device, customer_id
    FROM audit_log
    WHERE action IN ('customer.profile', 'customer.history', 'customer.order', 'customer.export')
    ORDER BY id;
DELETE FROM audit_log
    WHERE action IN ('customer.profile', 'customer.history', 'customer.order', 'customer.export');
