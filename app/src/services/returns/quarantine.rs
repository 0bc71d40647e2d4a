//! After the counter: the manager's view of the shop's returns (reasons,
//! totals), the items kept aside in quarantine (written off, sent to the
//! warehouse, or back on the shelf once checked), and the goods on their
//! way to a location, received there by their parcel's code.

use super::{actor_of, approvals, check_staff, location_name, nearest_warehouse};
use crate::db::{Db, now_ms};
use crate::domain::Role;
use crate::domain::returns::{RefundMethod, ReturnReason, note};
use crate::domain::stock::{Movement, StockEvent};
use crate::domain::{Cents, LocationId, Quantity, Sku};
use crate::error::{AppError, AppResult};
use crate::model::returns::{IncomingItem, QuarantineItem, ReasonTotal, ReturnRow, ReturnsBoard};
use crate::services::audit::Staff;
use crate::services::events::EventBus;
use crate::services::stock::{MovementRequest, apply_movement};
use sqlx::AnyConnection;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

fn manager_only(staff: &Staff) -> AppResult<()> {
    if staff.role == Role::Manager {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

#[derive(sqlx::FromRow)]
struct IncomingRow {
    id: i64,
    parcel_code: Option<String>,
    sku: String,
    product_name: String,
    quantity: i64,
    from_location_id: String,
    sent_at: i64,
    arrives_as: String,
}

/// Goods on their way to `location`, oldest first.
pub(crate) async fn incoming(
    conn: &mut AnyConnection,
    directory: &crate::db::Directory,
    location: &str,
) -> AppResult<Vec<IncomingItem>> {
    let rows: Vec<IncomingRow> = sqlx::query_as(
        "SELECT t.id, t.parcel_code, t.sku, p.name AS product_name, t.quantity, t.from_location_id, \
                t.sent_at, t.arrives_as \
         FROM transfer_lines t JOIN skus s ON s.sku = t.sku JOIN products p ON p.id = s.product_id \
         WHERE t.to_location_id = $1 AND t.status = 'in_transit' AND t.purpose IN ('return', 'quarantine') \
         ORDER BY t.sent_at, t.id LIMIT 200",
    )
    .bind(location)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| IncomingItem {
            transfer_id: row.id,
            parcel_code: row.parcel_code.unwrap_or_default(),
            sku: row.sku,
            product_name: row.product_name,
            quantity: row.quantity,
            from_name: location_name(directory, &row.from_location_id),
            sent_at: row.sent_at,
            to_quarantine: row.arrives_as == "quarantine",
        })
        .collect())
}

/// The manager's returns page for the last `days` days.
pub async fn board(db: &Db, staff: &Staff, days: i64) -> AppResult<ReturnsBoard> {
    manager_only(staff)?;
    let directory = db.locations().await?;
    let here = staff.location.as_str();
    let now = now_ms();
    let since = now - days.clamp(1, 366) * DAY_MS;
    let mut conn = db.pool.acquire().await?;
    let rows: Vec<(i64, String, String, String, i64, i64, String)> = sqlx::query_as(
        "SELECT r.id, r.reference, o.reference, r.created_by, r.created_at, r.refund_cents, r.refund_method \
         FROM returns r JOIN orders o ON o.id = r.order_id \
         WHERE r.location_id = $1 AND r.created_at >= $2 ORDER BY r.created_at DESC, r.id DESC LIMIT 200",
    )
    .bind(here)
    .bind(since)
    .fetch_all(&mut *conn)
    .await?;
    let lines: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT rl.return_id, rl.reason, rl.quantity, rl.refund_cents FROM return_lines rl \
         JOIN returns r ON r.id = rl.return_id WHERE r.location_id = $1 AND r.created_at >= $2",
    )
    .bind(here)
    .bind(since)
    .fetch_all(&mut *conn)
    .await?;
    let mut reasons: Vec<ReasonTotal> = Vec::new();
    for (_, reason, quantity, refund) in &lines {
        let reason = ReturnReason::from_code(reason).unwrap_or(ReturnReason::Other);
        match reasons.iter_mut().find(|t| t.reason == reason) {
            Some(total) => {
                total.units += quantity;
                total.refund.0 += refund;
            }
            None => reasons.push(ReasonTotal {
                reason,
                units: *quantity,
                refund: Cents(*refund),
            }),
        }
    }
    reasons.sort_by_key(|t| std::cmp::Reverse(t.units));
    let returns: Vec<ReturnRow> = rows
        .into_iter()
        .map(
            |(id, reference, order_reference, created_by, created_at, refund, method)| {
                let mine = lines.iter().filter(|l| l.0 == id);
                let mut found: Vec<ReturnReason> = Vec::new();
                for (_, reason, _, _) in mine.clone() {
                    let reason = ReturnReason::from_code(reason).unwrap_or(ReturnReason::Other);
                    if !found.contains(&reason) {
                        found.push(reason);
                    }
                }
                ReturnRow {
                    reference,
                    order_reference,
                    created_by,
                    created_at,
                    units: mine.map(|l| l.2).sum(),
                    refund: Cents(refund),
                    refund_method: RefundMethod::from_code(&method)
                        .unwrap_or(RefundMethod::OriginalPayment),
                    reasons: found,
                }
            },
        )
        .collect();
    let (units, refunded): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(rl.quantity), 0) AS BIGINT), \
                CAST(COALESCE(SUM(rl.refund_cents), 0) AS BIGINT) \
         FROM return_lines rl JOIN returns r ON r.id = rl.return_id \
         WHERE r.location_id = $1 AND r.created_at >= $2",
    )
    .bind(here)
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    let fees: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(delivery_fee_cents), 0) AS BIGINT) FROM returns \
         WHERE location_id = $1 AND created_at >= $2",
    )
    .bind(here)
    .bind(since)
    .fetch_one(&mut *conn)
    .await?;
    let quarantine = quarantined_at(&mut conn, here).await?;
    let approvals = approvals::waiting(&mut conn, here).await?;
    let incoming = incoming(&mut conn, &directory, here).await?;
    Ok(ReturnsBoard {
        since_ms: since,
        returns,
        reasons,
        units,
        refunded: Cents(refunded + fees),
        quarantine,
        approvals,
        incoming,
        now_ms: now,
    })
}

async fn quarantined_at(
    conn: &mut AnyConnection,
    location: &str,
) -> AppResult<Vec<QuarantineItem>> {
    let rows: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT st.sku, p.name, s.colour, s.size, st.quarantined FROM stock_levels st \
         JOIN skus s ON s.sku = st.sku JOIN products p ON p.id = s.product_id \
         WHERE st.location_id = $1 AND st.quarantined > 0 ORDER BY st.sku LIMIT 500",
    )
    .bind(location)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(sku, product_name, colour, size, quantity)| QuarantineItem {
                sku,
                product_name,
                colour,
                size,
                quantity,
            },
        )
        .collect())
}

/// What the manager does with items in quarantine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuarantineAction {
    /// Gone for good (with a reason: torn, stained...).
    WriteOff,
    /// Sent to the warehouse, where it lands in quarantine.
    SendToWarehouse,
    /// Checked and fine: back on this shop's shelf.
    BackToStock,
}

/// Moves `quantity` of a SKU out of the shop's quarantine.
pub async fn act(
    db: &Db,
    bus: &EventBus,
    staff: &Staff,
    sku: &Sku,
    quantity: i64,
    action: QuarantineAction,
    reason: &str,
) -> AppResult<()> {
    manager_only(staff)?;
    let quantity = Quantity::new(quantity)?;
    let reason = note(reason)?;
    if action == QuarantineAction::WriteOff && reason.is_none() {
        return Err(AppError::ReasonRequired);
    }
    let directory = db.locations().await?;
    let actor = actor_of(staff);
    let here = staff.location.clone();
    let mut tx = db.begin_write().await?;
    let held: Option<i64> = sqlx::query_scalar(
        "SELECT quarantined FROM stock_levels WHERE sku = $1 AND location_id = $2",
    )
    .bind(sku.as_str())
    .bind(here.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    let held = held.unwrap_or(0);
    if held < quantity.get() {
        return Err(AppError::QuarantineTooMany {
            sku: sku.to_string(),
            left: held,
        });
    }
    let movement = match action {
        QuarantineAction::WriteOff => Movement::WriteOff(quantity),
        QuarantineAction::SendToWarehouse => Movement::TransferOutQuarantined(quantity),
        QuarantineAction::BackToStock => Movement::ReleaseFromQuarantine(quantity),
    };
    let now = now_ms();
    let mut reference = None;
    if action == QuarantineAction::SendToWarehouse {
        let warehouse = nearest_warehouse(&directory, here.as_str())?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO transfer_lines (purpose, sku, from_location_id, to_location_id, quantity, status, \
                 sent_at, sent_by, arrives_as) \
             VALUES ('quarantine', $1, $2, $3, $4, 'in_transit', $5, $6, 'quarantine') RETURNING id",
        )
        .bind(sku.as_str())
        .bind(here.as_str())
        .bind(&warehouse)
        .bind(quantity.get())
        .bind(now)
        .bind(&actor.name)
        .fetch_one(&mut *tx)
        .await?;
        let code = format!("QUA-{id:07}");
        sqlx::query("UPDATE transfer_lines SET parcel_code = $1 WHERE id = $2")
            .bind(&code)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        reference = Some(code);
    }
    let event = apply_movement(
        &mut tx,
        &MovementRequest {
            sku: sku.clone(),
            location: here.clone(),
            movement,
            reason: reason.clone(),
            reference: reference.clone(),
        },
        reason.as_deref(),
        reference.as_deref(),
        &actor,
    )
    .await
    .map_err(|err| match err {
        AppError::NotEnoughOnHand { .. } | AppError::NotEnoughStock { .. } => {
            AppError::QuarantineTooMany {
                sku: sku.to_string(),
                left: held,
            }
        }
        other => other,
    })?;
    crate::services::pickups::commit(tx, bus, vec![event], Vec::new()).await
}

/// Receives goods sent to the caller's location, by the parcel's code (a
/// return's reference, `RET-…`, or a quarantine parcel's, `QUA-…`): each
/// line counted once, whoever scans the parcel twice.
pub async fn receive(
    db: &Db,
    bus: &EventBus,
    staff: &Staff,
    code: &str,
) -> AppResult<Vec<IncomingItem>> {
    check_staff(staff)?;
    let directory = db.locations().await?;
    let actor = actor_of(staff);
    let here = staff.location.clone();
    let code = super::clean_reference(code);
    let mut tx = db.begin_write().await?;
    let lines: Vec<(i64, String, i64, String, String, String)> = sqlx::query_as(
        "SELECT id, sku, quantity, arrives_as, status, to_location_id FROM transfer_lines \
         WHERE parcel_code = $1 AND purpose IN ('return', 'quarantine') ORDER BY sku, id",
    )
    .bind(&code)
    .fetch_all(&mut *tx)
    .await?;
    if lines.is_empty() {
        return Err(AppError::UnknownParcel { text: code });
    }
    if let Some((_, _, _, _, _, to)) = lines.iter().find(|l| l.5 != here.as_str()) {
        return Err(AppError::ParcelNotForHere {
            reference: code.clone(),
            location: location_name(&directory, to),
        });
    }
    let now = now_ms();
    let mut events: Vec<StockEvent> = Vec::new();
    let mut received = Vec::new();
    for (id, sku, quantity, arrives_as, _, _) in &lines {
        let taken = sqlx::query(
            "UPDATE transfer_lines SET status = 'received', received_at = $1, received_by = $2 \
             WHERE id = $3 AND status = 'in_transit'",
        )
        .bind(now)
        .bind(&actor.name)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if taken == 0 {
            continue;
        }
        let quantity = Quantity::new(*quantity)?;
        let movement = if arrives_as == "quarantine" {
            Movement::TransferInQuarantined(quantity)
        } else {
            Movement::TransferIn(quantity)
        };
        events.push(
            apply_movement(
                &mut tx,
                &MovementRequest {
                    sku: Sku::parse(sku)?,
                    location: LocationId::parse(here.as_str())?,
                    movement,
                    reason: None,
                    reference: Some(code.clone()),
                },
                None,
                Some(&code),
                &actor,
            )
            .await?,
        );
        received.push(*id);
    }
    if received.is_empty() {
        return Err(AppError::ParcelAlreadyReceived { reference: code });
    }
    let left = incoming(&mut tx, &directory, here.as_str()).await?;
    crate::services::pickups::commit(tx, bus, events, Vec::new()).await?;
    Ok(left)
}

/// Goods on their way to the caller's location (the warehouse's list).
pub async fn incoming_here(db: &Db, staff: &Staff) -> AppResult<Vec<IncomingItem>> {
    check_staff(staff)?;
    let directory = db.locations().await?;
    let mut conn = db.pool.acquire().await?;
    incoming(&mut conn, &directory, staff.location.as_str()).await
}
