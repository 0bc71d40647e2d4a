//! Click-and-collect through real HTTP: a kiosk check-in reaching 200
//! open tablets of the shop, and the handover of ready 3-line orders.
//! The ready orders are made beforehand through the services (placed,
//! scanned, staged), as a shop's day would leave them.

use super::checkout::call;
use super::{RunFigures, gathered, http_client, lock};
use crate::client;
use app::db::Db;
use app::domain::basket::{DiscountPercent, PaymentMethod};
use app::domain::order::{Channel, Fulfilment};
use app::domain::stock::Movement;
use app::domain::{Lang, LocationId, Quantity, Role, Sku};
use app::services::Actor;
use app::services::audit::Staff;
use app::services::events::EventBus;
use app::services::orders::payment::place_once;
use app::services::orders::{LineRequest, OrderRequest, PaymentRequest};
use app::services::pickups;
use app::services::request_keys::RequestKey;
use app::services::stock::{MovementRequest, record_movement};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The shop of the measurements and its demo accounts.
const SHOP: &str = "PAR01";
const ASSOCIATE: &str = "associate";
const KIOSK: &str = "kiosk";

/// A ready order: its fulfilment, reference, code and line ids.
#[derive(Debug, Clone)]
pub struct ReadyOrder {
    pub id: i64,
    pub reference: String,
    pub code: String,
    pub lines: Vec<i64>,
}

fn bench_staff() -> Result<Staff, String> {
    Ok(Staff {
        username: "bench".into(),
        display_name: "Bench".into(),
        role: Role::Associate,
        location: LocationId::parse(SHOP).map_err(|e| e.to_string())?,
        device: "bench".into(),
    })
}

/// Receives `quantity` of each SKU at `shop`, through the stock service.
pub(super) async fn receive_goods(
    db: &Db,
    bus: &EventBus,
    shop: &LocationId,
    skus: &[String],
    quantity: i64,
    reference: &str,
) -> Result<(), String> {
    let actor = Actor::new("bench", "bench");
    for sku in skus {
        let request = MovementRequest {
            sku: Sku::parse(sku).map_err(|e| e.to_string())?,
            location: shop.clone(),
            movement: Movement::Receipt(Quantity::new(quantity).map_err(|e| e.to_string())?),
            reason: None,
            reference: Some(reference.into()),
        };
        record_movement(db, bus, request, &actor, None)
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// One unit of each SKU, from `source`, without discount.
pub(super) fn one_of_each(
    skus: &[String],
    fulfilment: Fulfilment,
    pickup: Option<&LocationId>,
    source: &LocationId,
) -> Result<Vec<LineRequest>, String> {
    skus.iter()
        .map(|sku| {
            Ok(LineRequest {
                sku: Sku::parse(sku).map_err(|e| e.to_string())?,
                quantity: Quantity::new(1).map_err(|e| e.to_string())?,
                fulfilment,
                pickup: pickup.cloned(),
                source: Some(source.clone()),
                discount: DiscountPercent::new(0).map_err(|e| e.to_string())?,
                approval_id: None,
            })
        })
        .collect()
}

/// `count` ready 3-line orders at the shop, stocked first.
pub async fn ready_orders(db: &Db, count: usize, tag: &str) -> Result<Vec<ReadyOrder>, String> {
    let bus = EventBus::new(db.backend);
    let skus: Vec<String> =
        sqlx::query_scalar("SELECT sku FROM skus ORDER BY ordinal DESC LIMIT 3 OFFSET 10")
            .fetch_all(&db.pool)
            .await
            .map_err(|e| e.to_string())?;
    let shop = LocationId::parse(SHOP).map_err(|e| e.to_string())?;
    let actor = Actor::new("bench", "bench");
    receive_goods(db, &bus, &shop, &skus, count as i64 + 5, "bench pickups").await?;
    let staff = bench_staff()?;
    let mut ready = Vec::with_capacity(count);
    for n in 0..count {
        let request = OrderRequest {
            channel: Channel::Web,
            selling: None,
            customer_id: None,
            contact_email: Some(format!("bench{n}@example.org")),
            lang: Lang::Fr,
            ship: None,
            lines: one_of_each(&skus, Fulfilment::Collect, Some(&shop), &shop)?,
            payment: PaymentRequest {
                method: PaymentMethod::Web,
                reference: Some(format!("PSP-{tag}-{n}")),
                paid: true,
            },
            basket_id: None,
            credits: Vec::new(),
            delivery_fee: app::domain::Cents(0),
        };
        let key = RequestKey::new("bench", &format!("pickup-{tag}-{n}"), "bench")
            .map_err(|e| e.to_string())?;
        let receipt = place_once(db, &bus, &request, &actor, &key)
            .await
            .map_err(|e| e.to_string())?
            .value;
        let id = pickups::by_reference(db, &receipt.reference)
            .await
            .map_err(|e| e.to_string())?;
        for sku in &skus {
            pickups::scan_item(db, &bus, &staff, id, sku)
                .await
                .map_err(|e| e.to_string())?;
        }
        let order = pickups::stage(db, &bus, &staff, id, "Z9")
            .await
            .map_err(|e| e.to_string())?;
        let code: String =
            sqlx::query_scalar("SELECT pickup_code FROM order_fulfilments WHERE id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await
                .map_err(|e| e.to_string())?;
        ready.push(ReadyOrder {
            id,
            reference: receipt.reference,
            code,
            lines: order.lines.iter().map(|l| l.line_id).collect(),
        });
    }
    Ok(ready)
}

/// Opens `tablets` live links of the shop's pickups, then checks in each
/// order at the kiosk, one after another: the latency is from the kiosk's
/// request to the event's arrival on each tablet.
pub async fn check_in_run(
    base: &str,
    orders: &[ReadyOrder],
    tablets: usize,
) -> Result<(RunFigures, usize), String> {
    use app::api::pickups::KioskCheckIn;
    use leptos::server_fn::ServerFn;
    let http = http_client()?;
    let staff_cookie = client::sign_in(&http, base, ASSOCIATE, "demo").await?;
    let kiosk_cookie = client::sign_in(&http, base, KIOSK, "demo").await?;
    let received: Arc<Vec<std::sync::Mutex<HashMap<String, Instant>>>> = Arc::new(
        (0..tablets)
            .map(|_| std::sync::Mutex::new(HashMap::new()))
            .collect(),
    );
    let mut readers = Vec::with_capacity(tablets);
    for index in 0..tablets {
        let response = http
            .get(format!("{base}/api/pickups/events"))
            .header("cookie", &staff_cookie)
            .send()
            .await
            .map_err(|e| {
                format!("tablet {index} could not connect: {e} (is `ulimit -n` high enough?)")
            })?;
        if !response.status().is_success() {
            return Err(format!("tablet {index}: {}", response.status()));
        }
        let received = received.clone();
        readers.push(tokio::spawn(async move {
            client::read_events(response, |event| {
                if event.kind.as_deref() == Some("pickup")
                    && let Some(data) = event.data
                    && let Ok(value) = serde_json::from_str::<serde_json::Value>(&data)
                    && value["change"] == "customer_waiting"
                    && let Some(reference) = value["reference"].as_str()
                {
                    lock(&received[index]).insert(reference.to_string(), Instant::now());
                }
                true
            })
            .await;
        }));
    }
    let mut sent = HashMap::new();
    for order in orders {
        let at = Instant::now();
        call(
            &http,
            base,
            &kiosk_cookie,
            KioskCheckIn::PATH,
            &[("code", order.code.clone())],
        )
        .await?;
        sent.insert(order.reference.clone(), at);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline
        && !received
            .iter()
            .all(|seen| sent.keys().all(|r| lock(seen).contains_key(r)))
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for reader in readers {
        reader.abort();
    }
    let mut latencies = Vec::with_capacity(tablets * orders.len());
    let mut missed = 0;
    for seen in received.iter() {
        let seen = lock(seen);
        for (reference, at) in &sent {
            match seen.get(reference) {
                Some(got) => {
                    latencies.push(got.saturating_duration_since(*at).as_secs_f64() * 1000.0)
                }
                None => missed += 1,
            }
        }
    }
    Ok((
        RunFigures {
            per_second: 0.0,
            latencies_ms: latencies,
        },
        missed,
    ))
}

/// Hands over each ready order whole through the server function, from
/// `associates` tablets at once.
pub async fn handover_run(
    base: &str,
    orders: &[ReadyOrder],
    associates: usize,
    tag: &str,
) -> Result<RunFigures, String> {
    use app::api::pickups::PickupHandOver;
    use leptos::server_fn::ServerFn;
    let http = http_client()?;
    let cookie = client::sign_in(&http, base, ASSOCIATE, "demo").await?;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..associates {
        let mine: Vec<ReadyOrder> = orders
            .iter()
            .skip(worker)
            .step_by(associates)
            .cloned()
            .collect();
        let (http, base, cookie, tag) = (
            http.clone(),
            base.to_string(),
            cookie.clone(),
            tag.to_string(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(mine.len());
            for order in mine {
                let quantities = order
                    .lines
                    .iter()
                    .map(|l| format!("{l}:1"))
                    .collect::<Vec<_>>()
                    .join(",");
                let at = Instant::now();
                call(
                    &http,
                    &base,
                    &cookie,
                    PickupHandOver::PATH,
                    &[
                        ("id", order.id.to_string()),
                        ("code", order.code.clone()),
                        ("quantities", quantities),
                        ("rest", "keep".into()),
                        ("request_key", format!("handover-{tag}-{}", order.id)),
                    ],
                )
                .await?;
                latencies.push(at.elapsed().as_secs_f64() * 1000.0);
            }
            Ok::<_, String>(latencies)
        }));
    }
    gathered(tasks, started).await
}

/// `total` ready one-line orders spread over the first shops and SKUs,
/// `overdue` of them past their collect-by date and its grace, written by
/// a few set-wise statements (with their holds, and the ledger lines that
/// bring the stock levels to them), as a chain's day would leave them.
/// Returns the prefix of their references, for [`forget_orders`]. Written
/// in the writers' turn: the server's own writers (the mail worker) wait
/// for it in turn, rather than polling for the lock.
pub async fn many_ready_orders(db: &Db, total: i64, overdue: i64) -> Result<String, String> {
    let now = app::db::now_ms();
    // References of their own each time (a kept bench database has the
    // orders of earlier runs).
    let prefix = format!("BXP{now}-");
    let every = (total / overdue.max(1)).max(1);
    let hour = 3_600_000i64;
    let statements = [
        format!(
            "INSERT INTO orders (reference, channel, fulfilment, status, pickup_location_id, total_cents, \
                 created_by, device, created_at, updated_at) \
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {total}) \
             SELECT '{prefix}' || CAST(i AS TEXT), 'web', 'collect', 'ready', \
                    (SELECT id FROM locations WHERE kind = 'store' AND ordinal = 1 + (i % 12)), \
                    1000, 'bench', 'bench', {created}, {created} FROM n",
            created = now - 9 * 24 * hour
        ),
        format!(
            "INSERT INTO order_fulfilments (order_id, group_no, kind, status, source_location_id, \
                 pickup_location_id, pickup_code, ready_at, pickup_expires_at, reminded_for, slot, updated_at) \
             SELECT id, 1, 'collect', 'ready', pickup_location_id, pickup_location_id, \
                    CAST(10000000 + id AS TEXT), {ready}, \
                    CASE WHEN id % {every} = 0 THEN {late} ELSE {later} END, \
                    CASE WHEN id % {every} = 0 THEN {late} ELSE {later} END, \
                    'Z1', {now} \
             FROM orders WHERE reference LIKE '{prefix}%'",
            ready = now - 8 * 24 * hour,
            late = now - 30 * hour,
            later = now + 3 * 24 * hour,
        ),
        format!(
            "INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price_cents, source_location_id, \
                 handed_over_qty, fulfilment_id, picked_qty) \
             SELECT o.id, 1, (SELECT sku FROM skus WHERE ordinal = 1 + (o.id % 500)), \
                    1, 1000, o.pickup_location_id, 0, f.id, 1 \
             FROM orders o JOIN order_fulfilments f ON f.order_id = o.id \
             WHERE o.reference LIKE '{prefix}%'"
        ),
        format!(
            "INSERT INTO reservations (order_line_id, sku, location_id, quantity, status, created_at) \
             SELECT l.id, l.sku, l.source_location_id, 1, 'held', {now} FROM order_lines l \
             JOIN orders o ON o.id = l.order_id WHERE o.reference LIKE '{prefix}%'"
        ),
        // The goods arrived for these orders and are held for them: on
        // hand and reserved rise together, one ledger line per level.
        format!(
            "UPDATE stock_levels SET on_hand = on_hand + h.n, reserved = reserved + h.n \
             FROM (SELECT r.sku, r.location_id, COUNT(*) AS n FROM reservations r \
                   JOIN order_lines l ON l.id = r.order_line_id JOIN orders o ON o.id = l.order_id \
                   WHERE o.reference LIKE '{prefix}%' GROUP BY r.sku, r.location_id) h \
             WHERE stock_levels.sku = h.sku AND stock_levels.location_id = h.location_id"
        ),
        format!(
            "INSERT INTO stock_movements (sku, location_id, kind, on_hand_delta, reserved_delta, on_hand_after, \
                 reserved_after, reason, reference, actor, device, created_at) \
             SELECT h.sku, h.location_id, 'transfer_in', h.n, h.n, s.on_hand, s.reserved, NULL, 'bench expiry', \
                    'bench', 'bench', {now} \
             FROM (SELECT r.sku, r.location_id, COUNT(*) AS n FROM reservations r \
                   JOIN order_lines l ON l.id = r.order_line_id JOIN orders o ON o.id = l.order_id \
                   WHERE o.reference LIKE '{prefix}%' GROUP BY r.sku, r.location_id) h \
             JOIN stock_levels s ON s.sku = h.sku AND s.location_id = h.location_id"
        ),
    ];
    let mut tx = db.begin_write().await.map_err(|e| e.to_string())?;
    for statement in statements {
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&mut *tx)
            .await
            .map_err(|e| format!("bench orders not written: {e}"))?;
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(prefix)
}

/// Takes the orders of [`many_ready_orders`] away again, with the stock they
/// brought (ledger lines included), so a kept bench database does not grow
/// by 100,000 orders a run and slow the next runs down.
pub async fn forget_orders(db: &Db, prefix: &str) -> Result<(), String> {
    let now = app::db::now_ms();
    let of_lines = format!(
        "SELECT l.id FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.reference LIKE '{prefix}%'"
    );
    let of_orders = format!("SELECT id FROM orders WHERE reference LIKE '{prefix}%'");
    // Per level: every unit these orders brought in, and those still held.
    let brought = format!(
        "SELECT r.sku, r.location_id, COUNT(*) AS n, \
                SUM(CASE WHEN r.status = 'held' THEN 1 ELSE 0 END) AS held \
         FROM reservations r WHERE r.order_line_id IN ({of_lines}) GROUP BY r.sku, r.location_id"
    );
    let statements = [
        format!(
            "UPDATE stock_levels SET on_hand = on_hand - h.n, reserved = reserved - h.held \
             FROM ({brought}) h \
             WHERE stock_levels.sku = h.sku AND stock_levels.location_id = h.location_id"
        ),
        format!(
            "INSERT INTO stock_movements (sku, location_id, kind, on_hand_delta, reserved_delta, on_hand_after, \
                 reserved_after, reason, reference, actor, device, created_at) \
             SELECT h.sku, h.location_id, 'transfer_out', -h.n, -h.held, s.on_hand, s.reserved, NULL, \
                    'bench expiry', 'bench', 'bench', {now} \
             FROM ({brought}) h JOIN stock_levels s ON s.sku = h.sku AND s.location_id = h.location_id"
        ),
        format!("DELETE FROM reservations WHERE order_line_id IN ({of_lines})"),
        format!("DELETE FROM refunds WHERE order_id IN ({of_orders})"),
        format!("DELETE FROM order_events WHERE order_id IN ({of_orders})"),
        format!("DELETE FROM outbox WHERE order_id IN ({of_orders})"),
        format!("DELETE FROM order_lines WHERE order_id IN ({of_orders})"),
        format!("DELETE FROM order_fulfilments WHERE order_id IN ({of_orders})"),
        format!("DELETE FROM orders WHERE reference LIKE '{prefix}%'"),
    ];
    let mut tx = db.begin_write().await.map_err(|e| e.to_string())?;
    for statement in statements {
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&mut *tx)
            .await
            .map_err(|e| format!("bench orders not taken away: {e}"))?;
    }
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(())
}

/// Runs the expiry job's rounds (200 orders each, as the server does)
/// until nothing is due; returns how long it took and how many expired.
pub async fn expire_all(db: &Db) -> Result<(Duration, usize), String> {
    let bus = EventBus::new(db.backend);
    let started = Instant::now();
    let mut expired = 0;
    loop {
        let round = app::services::pickups::lifecycle::expire_due(db, &bus, 200)
            .await
            .map_err(|e| e.to_string())?;
        if round.is_empty() {
            break;
        }
        expired += round.len();
    }
    let took = started.elapsed();
    Ok((took, expired))
}
