//! Orders from the web shop, and what becomes of an order paid by link:
//! its payment confirmed (through the API), or, unpaid past its deadline,
//! the order cancelled and its stock released (a background job).

use super::{OrderRequest, commit_placed, place, receipt, record_event};
use crate::db::{Db, now_ms};
use crate::domain::basket::{PaymentMethod, PaymentStatus};
use crate::domain::order::{OrderEvent, OrderStatus, summary_status};
use crate::domain::stock::{Movement, StockEvent};
use crate::domain::{LocationId, Quantity, Sku};
use crate::error::{AppError, AppResult};
use crate::model::basket::OrderReceipt;
use crate::services::Actor;
use crate::services::events::EventBus;
use crate::services::request_keys::RequestKey;
use crate::services::stock::{Done, MovementRequest, apply_movement, replayed};
use sqlx::AnyConnection;

/// Places an order sent by another system (the web shop), once per key:
/// sent again with the same key, it answers with the same order.
pub async fn place_once(
    db: &Db,
    bus: &EventBus,
    request: &OrderRequest,
    actor: &Actor,
    once: &RequestKey,
) -> AppResult<Done<OrderReceipt>> {
    let directory = db.locations().await?;
    let mut tx = db.begin_write().await?;
    // The key's claim is the transaction's first statement, a write: on
    // SQLite it takes the write lock before anything is read.
    if let Some(done) = replayed(&mut tx, Some(once)).await? {
        return Ok(done);
    }
    let (value, events) = place(&mut tx, &directory, request, actor).await?;
    commit_placed(tx, bus, Some(once), value, events).await
}

/// An order by its reference, as its receipt shows it.
pub async fn by_reference(db: &Db, reference: &str) -> AppResult<OrderReceipt> {
    let directory = db.locations().await?;
    let mut conn = db.pool.acquire().await?;
    let id = order_id(&mut conn, reference).await?;
    receipt(&mut conn, &directory, id).await
}

async fn order_id(conn: &mut AnyConnection, reference: &str) -> AppResult<i64> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM orders WHERE reference = $1")
        .bind(reference.trim())
        .fetch_optional(&mut *conn)
        .await?;
    id.ok_or_else(|| AppError::UnknownOrder {
        reference: reference.trim().to_string(),
    })
}

/// A payment made on the web shop for an order waiting for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentConfirmation {
    /// The payment provider's reference.
    pub reference: String,
    /// What was paid; it must be the order's total.
    pub amount_cents: i64,
}

/// Records the payment of an order waiting for one. Confirmed again with
/// the same payment reference, it answers with the order as it is: a
/// retry changes nothing. Refused when the order was cancelled meanwhile
/// (its deadline passed), or paid with another reference.
pub async fn confirm_payment(
    db: &Db,
    order_reference: &str,
    payment: &PaymentConfirmation,
    actor: &Actor,
) -> AppResult<Done<OrderReceipt>> {
    let payment_reference = payment.reference.trim();
    if payment_reference.is_empty() {
        return Err(AppError::PaymentReferenceRequired);
    }
    let directory = db.locations().await?;
    let mut tx = db.begin_write().await?;
    let now = now_ms();
    // One conditional statement decides, and takes SQLite's write lock
    // first: an expiry running at the same moment sees the order paid, or
    // this sees it cancelled, never both.
    let paid = sqlx::query(
        "UPDATE orders SET payment_status = 'paid', pay_by = NULL, updated_at = $1 \
         WHERE reference = $2 AND payment_status = 'awaiting' AND total_cents = $3",
    )
    .bind(now)
    .bind(order_reference.trim())
    .bind(payment.amount_cents)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let id = order_id(&mut tx, order_reference).await?;
    if paid == 0 {
        let (status, total): (String, i64) =
            sqlx::query_as("SELECT payment_status, total_cents FROM orders WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        let reference = order_reference.trim().to_string();
        return match PaymentStatus::from_code(&status) {
            Some(PaymentStatus::Cancelled) => Err(AppError::OrderCancelled { reference }),
            Some(PaymentStatus::Paid) => {
                let same: Option<i64> = sqlx::query_scalar(
                    "SELECT id FROM payments WHERE order_id = $1 AND reference = $2",
                )
                .bind(id)
                .bind(payment_reference)
                .fetch_optional(&mut *tx)
                .await?;
                match same {
                    Some(_) => Ok(Done {
                        value: receipt(&mut tx, &directory, id).await?,
                        replayed: true,
                    }),
                    None => Err(AppError::OrderAlreadyPaid { reference }),
                }
            }
            _ => Err(AppError::PaymentAmountWrong { total_cents: total }),
        };
    }
    sqlx::query(
        "INSERT INTO payments (order_id, method, amount_cents, reference, recorded_by, device, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(PaymentMethod::Web.as_str())
    .bind(payment.amount_cents)
    .bind(payment_reference)
    .bind(actor.name.as_str())
    .bind(actor.device.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let value = receipt(&mut tx, &directory, id).await?;
    tx.commit().await?;
    Ok(Done {
        value,
        replayed: false,
    })
}

/// The actor of what the server does by itself.
fn pay_by_link_job() -> Actor {
    Actor::new("system:pay-by-link", "server")
}

/// Cancels the orders whose payment by link did not come in time, at most
/// `batch` of them, and releases their stock. Each order is cancelled by
/// one conditional statement, so two servers running the job, or a
/// payment arriving at the same moment, cancel it once or not at all.
/// Returns the references cancelled.
pub async fn cancel_unpaid(db: &Db, bus: &EventBus, batch: i64) -> AppResult<Vec<String>> {
    let due: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, reference FROM orders WHERE payment_status = 'awaiting' AND pay_by < $1 \
         ORDER BY pay_by LIMIT $2",
    )
    .bind(now_ms())
    .bind(batch)
    .fetch_all(&db.pool)
    .await?;
    let mut cancelled = Vec::with_capacity(due.len());
    for (id, reference) in due {
        if cancel_one(db, bus, id, &reference).await? {
            cancelled.push(reference);
        }
    }
    Ok(cancelled)
}

async fn cancel_one(db: &Db, bus: &EventBus, id: i64, reference: &str) -> AppResult<bool> {
    let directory = db.locations().await?;
    let actor = pay_by_link_job();
    let mut tx = db.begin_write().await?;
    let now = now_ms();
    let took = sqlx::query(
        "UPDATE orders SET payment_status = 'cancelled', status = 'cancelled', updated_at = $1 \
         WHERE id = $2 AND payment_status = 'awaiting' AND pay_by < $1",
    )
    .bind(now)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if took == 0 {
        return Ok(false);
    }
    let fulfilments: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, kind, status FROM order_fulfilments WHERE order_id = $1")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
    let mut before = Vec::with_capacity(fulfilments.len());
    for (fulfilment_id, kind, status) in &fulfilments {
        let status = OrderStatus::parse(status).unwrap_or(OrderStatus::Placed);
        before.push(status);
        let kind = crate::domain::order::Fulfilment::from_code(kind)
            .unwrap_or(crate::domain::order::Fulfilment::Ship);
        if let Some(next) = status.next(kind, OrderEvent::Cancel) {
            sqlx::query("UPDATE order_fulfilments SET status = $1, updated_at = $2 WHERE id = $3")
                .bind(next.as_str())
                .bind(now)
                .bind(fulfilment_id)
                .execute(&mut *tx)
                .await?;
        }
    }
    let events = release_held(&mut tx, id, reference, &actor).await?;
    record_event(
        &mut tx,
        id,
        Some(summary_status(&before)),
        OrderStatus::Cancelled,
        &actor,
        Some("not paid by the deadline"),
        now,
    )
    .await?;
    let cancelled = receipt(&mut tx, &directory, id).await?;
    if let Some(message) = crate::services::messages::order_cancelled_unpaid(&cancelled) {
        crate::services::outbox::enqueue(&mut tx, &message).await?;
    }
    bus.stage(&mut tx, &events).await?;
    tx.commit().await?;
    bus.committed(events);
    Ok(true)
}

/// Releases every reservation still held for the order, in the fixed lock
/// order (location, then SKU), each recorded in the ledger.
pub(crate) async fn release_held(
    conn: &mut AnyConnection,
    order_id: i64,
    reference: &str,
    actor: &Actor,
) -> AppResult<Vec<StockEvent>> {
    let held: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT r.id, r.sku, r.location_id, r.quantity FROM reservations r \
         JOIN order_lines l ON l.id = r.order_line_id \
         WHERE l.order_id = $1 AND r.status = 'held' ORDER BY r.location_id, r.sku, r.id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut events = Vec::with_capacity(held.len());
    for (reservation_id, sku, location, quantity) in held {
        let request = MovementRequest {
            sku: Sku::parse(&sku)?,
            location: LocationId::parse(&location)?,
            movement: Movement::Release(Quantity::new(quantity)?),
            reason: None,
            reference: Some(reference.to_string()),
        };
        events.push(apply_movement(conn, &request, None, Some(reference), actor).await?);
        sqlx::query(
            "UPDATE reservations SET status = 'released' WHERE id = $1 AND status = 'held'",
        )
        .bind(reservation_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(events)
}
