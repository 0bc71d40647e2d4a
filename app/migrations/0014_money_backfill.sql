-- Money recorded line by line for orders and returns from before it was:
-- each paid order's payment (so that what a return gives back is checked
-- against what came in), each return's refunds, and the store credit
-- those returns gave, as a ledger and a balance. Run again by the demo
-- seed after it writes its orders: it touches only what has none yet.

INSERT INTO payments (order_id, method, amount_cents, reference, recorded_by, device, created_at)
    SELECT o.id, CASE WHEN o.channel = 'web' THEN 'web' ELSE 'card' END, o.total_cents, NULL,
           o.created_by, o.device, o.created_at
    FROM orders o
    WHERE o.payment_status = 'paid' AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.order_id = o.id)
    ORDER BY o.id;

INSERT INTO refunds (order_id, order_line_id, quantity, amount_cents, method, reason, recorded_by, device,
        created_at, return_id, payment_method, payment_reference)
    SELECT r.order_id, rl.order_line_id, rl.quantity, rl.refund_cents, r.refund_method, 'return ' || r.reference,
           r.created_by, r.device, r.created_at, r.id,
           CASE WHEN r.refund_method = 'original_payment'
                THEN (SELECT MIN(p.method) FROM payments p WHERE p.order_id = r.order_id) END,
           CASE WHEN r.refund_method = 'original_payment'
                THEN (SELECT MIN(p.reference) FROM payments p WHERE p.order_id = r.order_id) END
    FROM return_lines rl JOIN returns r ON r.id = rl.return_id
    WHERE NOT EXISTS (SELECT 1 FROM refunds f WHERE f.return_id = r.id)
    ORDER BY rl.id;

INSERT INTO store_credit_movements (customer_id, delta_cents, balance_after, kind, order_id, return_id, actor,
        device, created_at)
    SELECT o.customer_id, r.refund_cents,
           SUM(r.refund_cents) OVER (PARTITION BY o.customer_id ORDER BY r.created_at, r.id),
           'refund', r.order_id, r.id, r.created_by, r.device, r.created_at
    FROM returns r JOIN orders o ON o.id = r.order_id
    WHERE r.refund_method = 'store_credit' AND o.customer_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM store_credit_movements m WHERE m.customer_id = o.customer_id)
    ORDER BY r.created_at, r.id;

UPDATE customers SET store_credit_cents = (
        SELECT CAST(COALESCE(SUM(m.delta_cents), 0) AS BIGINT) FROM store_credit_movements m
        WHERE m.customer_id = customers.id)
    WHERE EXISTS (SELECT 1 FROM store_credit_movements m WHERE m.customer_id = customers.id);
