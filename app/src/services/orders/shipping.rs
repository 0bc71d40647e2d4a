//! Goods shipped home: the web shop relays the carrier's news. Shipped,
//! the goods leave their source (their holds become a sale in its
//! ledger); delivered, the customer has them (from then on they may come
//! back, within the return window). Each step moves a fulfilment by one
//! conditional statement through the state machine: told twice, it
//! changes nothing the second time.

use super::{receipt, record_event};
use crate::db::{Db, now_ms};
use crate::domain::order::{Fulfilment, OrderEvent, OrderStatus};
use crate::domain::stock::Movement;
use crate::domain::{LocationId, Quantity, Sku};
use crate::error::{AppError, AppResult};
use crate::model::basket::OrderReceipt;
use crate::services::Actor;
use crate::services::events::EventBus;
use crate::services::stock::{MovementRequest, apply_movement};
use sqlx::AnyConnection;

/// What the carrier says of an order's parcels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShipmentStep {
    Shipped,
    Delivered,
}

/// Moves one fulfilment from `from` by `event`, or tells that another
/// device moved it first.
async fn step(
    conn: &mut AnyConnection,
    order_id: i64,
    fulfilment_id: i64,
    from: OrderStatus,
    event: OrderEvent,
    actor: &Actor,
    now: i64,
) -> AppResult<Option<OrderStatus>> {
    let Some(to) = from.next(Fulfilment::Ship, event) else {
        return Ok(None);
    };
    let moved = sqlx::query(
        "UPDATE order_fulfilments SET status = $1, updated_at = $2, \
             collected_at = CASE WHEN $1 = 'completed' THEN $2 ELSE collected_at END \
         WHERE id = $3 AND status = $4",
    )
    .bind(to.as_str())
    .bind(now)
    .bind(fulfilment_id)
    .bind(from.as_str())
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if moved == 0 {
        return Ok(None);
    }
    let note = format!("fulfilment {fulfilment_id}");
    record_event(conn, order_id, Some(from), to, actor, Some(&note), now).await?;
    Ok(Some(to))
}

/// Records a shipment step for every parcel of the order shipped home.
pub async fn record_shipment(
    db: &Db,
    bus: &EventBus,
    reference: &str,
    wanted: ShipmentStep,
    actor: &Actor,
) -> AppResult<OrderReceipt> {
    let directory = db.locations().await?;
    let reference = reference.trim().to_ascii_uppercase();
    let mut tx = db.begin_write().await?;
    let order: Option<(i64, String)> =
        sqlx::query_as("SELECT id, payment_status FROM orders WHERE reference = $1")
            .bind(&reference)
            .fetch_optional(&mut *tx)
            .await?;
    let Some((order_id, payment_status)) = order else {
        return Err(AppError::UnknownOrder { reference });
    };
    if payment_status != "paid" {
        return Err(AppError::OrderNotPaid { reference });
    }
    let parcels: Vec<(i64, String, Option<String>)> = sqlx::query_as(
        "SELECT id, status, source_location_id FROM order_fulfilments \
         WHERE order_id = $1 AND kind = 'ship' ORDER BY id",
    )
    .bind(order_id)
    .fetch_all(&mut *tx)
    .await?;
    if parcels.is_empty() {
        return Err(AppError::NotAShipment { reference });
    }
    let now = now_ms();
    let mut events = Vec::new();
    for (fulfilment_id, status, source) in parcels {
        let mut status = OrderStatus::parse(&status).unwrap_or(OrderStatus::Placed);
        if status == OrderStatus::Cancelled {
            continue;
        }
        if status == OrderStatus::Placed
            && let Some(next) = step(
                &mut tx,
                order_id,
                fulfilment_id,
                status,
                OrderEvent::StartPicking,
                actor,
                now,
            )
            .await?
        {
            status = next;
        }
        if status == OrderStatus::Picking
            && let Some(next) = step(
                &mut tx,
                order_id,
                fulfilment_id,
                status,
                OrderEvent::Ship,
                actor,
                now,
            )
            .await?
        {
            status = next;
            // The goods leave their source: held units become a sale.
            let source = LocationId::parse(source.as_deref().unwrap_or_default())?;
            let lines: Vec<(i64, String, i64, i64)> = sqlx::query_as(
                "SELECT id, sku, quantity, cancelled_qty FROM order_lines \
                 WHERE fulfilment_id = $1 ORDER BY sku",
            )
            .bind(fulfilment_id)
            .fetch_all(&mut *tx)
            .await?;
            for (line_id, sku, quantity, cancelled) in lines {
                let units = quantity - cancelled;
                if units <= 0 {
                    continue;
                }
                events.push(
                    apply_movement(
                        &mut tx,
                        &MovementRequest {
                            sku: Sku::parse(&sku)?,
                            location: source.clone(),
                            movement: Movement::Handover(Quantity::new(units)?),
                            reason: None,
                            reference: Some(reference.clone()),
                        },
                        None,
                        Some(&reference),
                        actor,
                    )
                    .await?,
                );
                crate::services::pickups::take_from_holds(
                    &mut tx,
                    line_id,
                    source.as_str(),
                    units,
                    "consumed",
                )
                .await?;
            }
        }
        if wanted == ShipmentStep::Delivered
            && status == OrderStatus::Shipped
            && step(
                &mut tx,
                order_id,
                fulfilment_id,
                status,
                OrderEvent::Deliver,
                actor,
                now,
            )
            .await?
            .is_some()
        {
            sqlx::query(
                "UPDATE order_lines SET handed_over_qty = quantity - cancelled_qty WHERE fulfilment_id = $1",
            )
            .bind(fulfilment_id)
            .execute(&mut *tx)
            .await?;
        }
    }
    crate::services::pickups::refresh_order_status(&mut tx, order_id, now).await?;
    let value = receipt(&mut tx, &directory, order_id).await?;
    bus.stage(&mut tx, &events).await?;
    tx.commit().await?;
    bus.committed(events);
    Ok(value)
}
