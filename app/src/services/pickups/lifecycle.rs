//! Orders nobody collects: the reminder the day before the collect-by
//! date, the expiry after it (stock released, customer told, refund
//! recorded), and the manager's board with its one-tap reminder and new
//! collect-by date. The background jobs call `remind_due` and
//! `expire_due`; each order is changed by one conditional statement, so
//! several servers running the jobs, or a handover at the same moment,
//! change it once.

use super::{
    FulfilmentRow, actor_of, build_view, cards, commit, lines_of, load, note_event, ready_here,
    refresh_order_status,
};
use crate::db::{Db, now_ms};
use crate::domain::order::OrderStatus;
use crate::domain::pickup::reminder_due;
use crate::domain::stock::StockEvent;
use crate::domain::time::shop_day_at;
use crate::error::{AppError, AppResult};
use crate::model::pickup::{PickupBoard, PickupChange, PickupOrder};
use crate::services::Actor;
use crate::services::audit::Staff;
use crate::services::events::EventBus;
use sqlx::AnyConnection;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Hours a ready order waits past its collect-by moment before it expires.
pub async fn grace_hours(conn: &mut AnyConnection) -> AppResult<i64> {
    let value: Option<i64> =
        sqlx::query_scalar("SELECT value FROM chain_policies WHERE name = 'pickup_grace_hours'")
            .fetch_optional(&mut *conn)
            .await?;
    Ok(value.unwrap_or(24))
}

fn expiry_job() -> Actor {
    Actor::new("system:pickup-expiry", "server")
}

/// Expires the ready orders whose collect-by moment (plus the grace) has
/// passed, at most `batch` of them; returns their references.
pub async fn expire_due(db: &Db, bus: &EventBus, batch: i64) -> AppResult<Vec<String>> {
    let mut conn = db.pool.acquire().await?;
    let grace = grace_hours(&mut conn).await?;
    let cutoff = now_ms() - grace * 60 * 60 * 1000;
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM order_fulfilments WHERE status IN ('ready', 'partially_collected') \
           AND pickup_expires_at < $1 ORDER BY pickup_expires_at LIMIT $2",
    )
    .bind(cutoff)
    .bind(batch)
    .fetch_all(&mut *conn)
    .await?;
    drop(conn);
    let mut expired = Vec::with_capacity(due.len());
    for id in due {
        if let Some(reference) = expire_one(db, bus, id, cutoff).await? {
            expired.push(reference);
        }
    }
    Ok(expired)
}

/// Expires one order if it is still ready and past `cutoff`: `None` when a
/// handover, a new date or another server came first.
async fn expire_one(db: &Db, bus: &EventBus, id: i64, cutoff: i64) -> AppResult<Option<String>> {
    let actor = expiry_job();
    let mut tx = db.begin_write().await?;
    let now = now_ms();
    let took = sqlx::query(
        "UPDATE order_fulfilments SET status = 'expired', updated_at = $1 \
         WHERE id = $2 AND status IN ('ready', 'partially_collected') AND pickup_expires_at < $3",
    )
    .bind(now)
    .bind(id)
    .bind(cutoff)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if took == 0 {
        return Ok(None);
    }
    let row = load(&mut tx, id).await?;
    let stock = release_fulfilment(&mut tx, &row, &actor).await?;
    // The units never collected are refunded (a paid order).
    for line in lines_of(&mut tx, id).await? {
        let owed = line.to_hand_over();
        super::handover::record_refund(
            &mut tx,
            row.order_id,
            line.line_id,
            owed,
            line.unit_net_cents * owed,
            "not_collected",
            &actor,
        )
        .await?;
    }
    refresh_order_status(&mut tx, row.order_id, now).await?;
    let from = match row.collected_at {
        Some(_) => OrderStatus::PartiallyCollected,
        None => OrderStatus::Ready,
    };
    let note = format!("fulfilment {}: not collected by its date", row.group_no);
    crate::services::orders::record_event(
        &mut tx,
        row.order_id,
        Some(from),
        OrderStatus::Expired,
        &actor,
        Some(&note),
        now,
    )
    .await?;
    if let Some(message) = crate::services::messages::pickup_expired(&mut tx, &row).await? {
        crate::services::outbox::enqueue(&mut tx, &message).await?;
    }
    let event = row.event(row.pickup(), PickupChange::Changed, OrderStatus::Expired);
    commit(tx, bus, stock, vec![event]).await?;
    Ok(Some(row.reference))
}

/// Releases what the fulfilment's lines still hold, in the fixed lock
/// order (location, then SKU).
async fn release_fulfilment(
    conn: &mut AnyConnection,
    row: &FulfilmentRow,
    actor: &Actor,
) -> AppResult<Vec<StockEvent>> {
    use crate::domain::{LocationId, Sku};
    let held: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT r.order_line_id, r.sku, r.location_id, CAST(SUM(r.quantity) AS BIGINT) FROM reservations r \
         JOIN order_lines l ON l.id = r.order_line_id \
         WHERE l.fulfilment_id = $1 AND r.status = 'held' \
         GROUP BY r.order_line_id, r.sku, r.location_id ORDER BY r.location_id, r.sku, r.order_line_id",
    )
    .bind(row.id)
    .fetch_all(&mut *conn)
    .await?;
    let mut events = Vec::with_capacity(held.len());
    for (line_id, sku, location, quantity) in held {
        events.push(
            super::release_units(
                conn,
                line_id,
                &Sku::parse(&sku)?,
                &LocationId::parse(&location)?,
                quantity,
                &row.reference,
                actor,
            )
            .await?,
        );
    }
    Ok(events)
}

/// Queues the reminders due (the day before the collect-by moment), at
/// most `batch`; returns how many were queued. Each collect-by moment is
/// reminded once: a new date reminds again.
pub async fn remind_due(db: &Db, batch: i64) -> AppResult<usize> {
    let now = now_ms();
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM order_fulfilments WHERE status IN ('ready', 'partially_collected') \
           AND pickup_expires_at > $1 AND pickup_expires_at <= $2 \
           AND (reminded_for IS NULL OR reminded_for <> pickup_expires_at) \
         ORDER BY pickup_expires_at LIMIT $3",
    )
    .bind(now)
    .bind(now + DAY_MS)
    .bind(batch)
    .fetch_all(&db.pool)
    .await?;
    let mut queued = 0;
    for id in due {
        let mut tx = db.begin_write().await?;
        let marked = sqlx::query(
            "UPDATE order_fulfilments SET reminded_for = pickup_expires_at \
             WHERE id = $1 AND status IN ('ready', 'partially_collected') \
               AND (reminded_for IS NULL OR reminded_for <> pickup_expires_at)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if marked == 0 {
            continue;
        }
        let row = load(&mut tx, id).await?;
        let by = row.pickup_expires_at.unwrap_or(now);
        debug_assert!(reminder_due(by) <= now);
        let key = format!("{id}:{by}");
        if let Some(message) =
            crate::services::messages::pickup_reminder(&mut tx, &row, &key).await?
        {
            crate::services::outbox::enqueue(&mut tx, &message).await?;
            queued += 1;
        }
        tx.commit().await?;
    }
    Ok(queued)
}

/// The manager's one-tap reminder. A second tap in the same minute sends
/// nothing more.
pub async fn remind_now(db: &Db, staff: &Staff, fulfilment_id: i64) -> AppResult<PickupOrder> {
    let directory = db.locations().await?;
    let actor = actor_of(staff);
    let mut tx = db.begin_write().await?;
    let row = ready_here(&mut tx, &directory, staff, fulfilment_id).await?;
    let now = now_ms();
    let key = format!("{fulfilment_id}:asked:{}", now / 60_000);
    if let Some(message) = crate::services::messages::pickup_reminder(&mut tx, &row, &key).await? {
        crate::services::outbox::enqueue(&mut tx, &message).await?;
    }
    note_event(&mut tx, &row, &actor, "reminder sent", now).await?;
    let view = build_view(&mut tx, &directory, &row, staff.location.as_str()).await?;
    tx.commit().await?;
    Ok(view)
}

/// A new collect-by date, chosen by the manager (`YYYY-MM-DD`): the order
/// waits until the shop closes that day, and is reminded again the day
/// before.
pub async fn extend(
    db: &Db,
    bus: &EventBus,
    staff: &Staff,
    fulfilment_id: i64,
    date: &str,
) -> AppResult<PickupOrder> {
    let directory = db.locations().await?;
    let actor = actor_of(staff);
    let mut tx = db.begin_write().await?;
    let row = ready_here(&mut tx, &directory, staff, fulfilment_id).await?;
    let closes: i64 = sqlx::query_scalar("SELECT closes_at_min FROM locations WHERE id = $1")
        .bind(row.pickup())
        .fetch_one(&mut *tx)
        .await?;
    let Some(new_by) = shop_day_at(date, closes) else {
        return Err(AppError::NotADate {
            text: date.trim().chars().take(20).collect(),
        });
    };
    let now = now_ms();
    let current = row.pickup_expires_at.unwrap_or(now);
    if new_by <= now || new_by <= current {
        return Err(AppError::CollectByNotLater);
    }
    let moved = sqlx::query(
        "UPDATE order_fulfilments SET pickup_expires_at = $1, reminded_for = NULL, updated_at = $2 \
         WHERE id = $3 AND status IN ('ready', 'partially_collected') AND pickup_expires_at = $4",
    )
    .bind(new_by)
    .bind(now)
    .bind(fulfilment_id)
    .bind(current)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved == 0 {
        return Err(AppError::PickupChanged {
            reference: row.reference.clone(),
        });
    }
    let status = row.status();
    let what = format!("collect-by moved to {}", date.trim());
    note_event(&mut tx, &row, &actor, &what, now).await?;
    let row = load(&mut tx, fulfilment_id).await?;
    let event = row.event(row.pickup(), PickupChange::Changed, status);
    let view = build_view(&mut tx, &directory, &row, staff.location.as_str()).await?;
    commit(tx, bus, Vec::new(), vec![event]).await?;
    Ok(view)
}

/// The manager's board of the shop: late to prepare, ready and due within
/// a day, past their collect-by date, expired in the last week.
pub async fn board(db: &Db, staff: &Staff) -> AppResult<PickupBoard> {
    let directory = db.locations().await?;
    let mut conn = db.pool.acquire().await?;
    let here = staff.location.as_str();
    let rules = super::shop_rules(&mut conn, here).await?;
    let now = now_ms();
    let late_before = now - rules.target_minutes * 60_000;
    let late = cards(
        &mut conn,
        &directory,
        here,
        "f.status IN ('placed', 'picking') AND o.created_at < $2",
        late_before,
    )
    .await?;
    let ready = cards(
        &mut conn,
        &directory,
        here,
        "f.status IN ('ready', 'partially_collected') AND f.pickup_expires_at < $2",
        now + DAY_MS,
    )
    .await?;
    let (overdue, due_soon) = ready
        .into_iter()
        .partition(|c| c.collect_by.is_some_and(|by| by < now));
    let expired = cards(
        &mut conn,
        &directory,
        here,
        "f.status = 'expired' AND f.updated_at >= $2",
        now - 7 * DAY_MS,
    )
    .await?;
    Ok(PickupBoard {
        now_ms: now,
        late,
        due_soon,
        overdue,
        expired,
    })
}
