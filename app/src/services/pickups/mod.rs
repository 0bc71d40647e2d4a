//! Click-and-collect, from the order to the customer's hands: the shop's
//! queue, goods sent from their source and received at the pickup shop,
//! the pick (item by item, scanned), the shelf slot that makes the order
//! ready (and the customer's code sent), the kiosk check-in, the handover
//! (`handover`), and what happens to orders nobody collects (`lifecycle`).
//!
//! Every change is one transaction that starts with a conditional update
//! of the fulfilment's row (its status as the caller saw it): two devices
//! acting on one order at once, or the expiry job and a handover, find out
//! which of them came first, and the other changes nothing. Stock rows are
//! then touched in the fixed order of the rest of the app (location, SKU).

pub mod handover;
pub mod lifecycle;

use super::Actor;
use super::audit::Staff;
use super::events::EventBus;
use super::stock::{MovementRequest, apply_movement};
use crate::db::{Db, Directory, now_ms};
use crate::domain::order::{Channel, Fulfilment, OrderEvent, OrderStatus, summary_status};
use crate::domain::pickup::{self, PickupCode, QueueFacts, QueueList, is_late, queue_list};
use crate::domain::stock::{Movement, StockEvent};
use crate::domain::time::shop_day_start;
use crate::domain::{Ean13, LocationId, Quantity, Sku};
use crate::error::{AppError, AppResult};
use crate::model::pickup::{
    HandoverView, PickLine, PickupCard, PickupChange, PickupEvent, PickupOrder, PickupQueue,
};
use sqlx::AnyConnection;

/// A collect fulfilment as stored, with its order's reference.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct FulfilmentRow {
    pub id: i64,
    pub order_id: i64,
    pub group_no: i64,
    pub reference: String,
    pub channel: String,
    pub status: String,
    pub kind: String,
    pub source_location_id: Option<String>,
    pub pickup_location_id: Option<String>,
    pub slot: Option<String>,
    pub pickup_code: Option<String>,
    pub ready_at: Option<i64>,
    pub pickup_expires_at: Option<i64>,
    pub checked_in_at: Option<i64>,
    pub attended_by: Option<String>,
    pub parcel_code: Option<String>,
    pub sent_at: Option<i64>,
    pub received_at: Option<i64>,
    pub collected_at: Option<i64>,
    pub placed_at: i64,
    /// How many fulfilments the order has: with one, the order's status
    /// is this one's, without reading the others.
    pub fulfilments: i64,
}

const FULFILMENT_COLUMNS: &str = "f.id, f.order_id, f.group_no, o.reference, o.channel, f.status, f.kind, \
     f.source_location_id, f.pickup_location_id, f.slot, f.pickup_code, f.ready_at, f.pickup_expires_at, \
     f.checked_in_at, f.attended_by, f.parcel_code, f.sent_at, f.received_at, f.collected_at, \
     o.created_at AS placed_at, \
     (SELECT COUNT(*) FROM order_fulfilments s WHERE s.order_id = f.order_id) AS fulfilments";

impl FulfilmentRow {
    pub fn status(&self) -> OrderStatus {
        OrderStatus::parse(&self.status).unwrap_or(OrderStatus::Placed)
    }

    pub fn pickup(&self) -> &str {
        self.pickup_location_id.as_deref().unwrap_or_default()
    }

    /// Where the goods come from (the pickup shop itself when it had them).
    pub fn source(&self) -> &str {
        self.source_location_id
            .as_deref()
            .unwrap_or_else(|| self.pickup())
    }

    /// Whether the goods are at the pickup shop.
    pub fn goods_here(&self) -> bool {
        self.source() == self.pickup() || self.received_at.is_some()
    }

    /// The refusal for an order whose status does not allow what was asked.
    pub fn refusal(&self) -> AppError {
        let reference = self.reference.clone();
        match self.status() {
            OrderStatus::Expired => AppError::PickupExpired { reference },
            OrderStatus::Cancelled => AppError::PickupCancelled { reference },
            OrderStatus::Completed => AppError::PickupCollected { reference },
            OrderStatus::Placed | OrderStatus::Picking => AppError::PickupNotReady { reference },
            _ => AppError::PickupChanged { reference },
        }
    }

    pub fn event(&self, location: &str, change: PickupChange, status: OrderStatus) -> PickupEvent {
        PickupEvent {
            location_id: location.to_string(),
            fulfilment_id: self.id,
            reference: self.reference.clone(),
            status,
            change,
            slot: self.slot.clone(),
            waiting_since: self.checked_in_at.filter(|_| self.attended_by.is_none()),
            at_ms: now_ms(),
        }
    }
}

pub(crate) async fn load(conn: &mut AnyConnection, fulfilment_id: i64) -> AppResult<FulfilmentRow> {
    let row: Option<FulfilmentRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {FULFILMENT_COLUMNS} FROM order_fulfilments f JOIN orders o ON o.id = f.order_id \
         WHERE f.id = $1"
    )))
    .bind(fulfilment_id)
    .fetch_optional(&mut *conn)
    .await?;
    a_pickup(row, fulfilment_id)
}

/// The row read for `fulfilment_id`, when it is an order to collect.
fn a_pickup(row: Option<FulfilmentRow>, fulfilment_id: i64) -> AppResult<FulfilmentRow> {
    match row {
        Some(row) if row.kind == Fulfilment::Collect.as_str() => Ok(row),
        Some(row) => Err(AppError::NotAPickup {
            reference: row.reference,
        }),
        None => Err(AppError::UnknownOrder {
            reference: format!("#{fulfilment_id}"),
        }),
    }
}

/// The collect fulfilment of an order (its first one still open, or else
/// its last), by the order's reference.
pub async fn by_reference(db: &Db, reference: &str) -> AppResult<i64> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT f.id, f.status FROM order_fulfilments f JOIN orders o ON o.id = f.order_id \
         WHERE o.reference = $1 AND f.kind = 'collect' ORDER BY f.group_no",
    )
    .bind(reference.trim().to_ascii_uppercase())
    .fetch_all(&db.pool)
    .await?;
    let open = rows
        .iter()
        .find(|(_, status)| OrderStatus::parse(status).is_ok_and(|s| s.holds_stock()));
    match open.or(rows.last()) {
        Some((id, _)) => Ok(*id),
        None => {
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT id FROM orders WHERE reference = $1")
                    .bind(reference.trim().to_ascii_uppercase())
                    .fetch_optional(&db.pool)
                    .await?;
            Err(match exists {
                Some(_) => AppError::NotAPickup {
                    reference: reference.trim().to_ascii_uppercase(),
                },
                None => AppError::UnknownOrder {
                    reference: reference.trim().to_string(),
                },
            })
        }
    }
}

/// A shop's pickup rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShopRules {
    pub target_minutes: i64,
    pub hold_days: i64,
    pub id_check: bool,
}

pub(crate) async fn shop_rules(conn: &mut AnyConnection, location: &str) -> AppResult<ShopRules> {
    let row: Option<(i64, i64, i64)> = sqlx::query_as(
        "SELECT pickup_target_minutes, pickup_hold_days, pickup_id_check FROM locations WHERE id = $1",
    )
    .bind(location)
    .fetch_optional(&mut *conn)
    .await?;
    let (target_minutes, hold_days, id_check) = row.ok_or_else(|| AppError::UnknownLocation {
        location: location.to_string(),
    })?;
    Ok(ShopRules {
        target_minutes,
        hold_days,
        id_check: id_check != 0,
    })
}

fn actor_of(staff: &Staff) -> Actor {
    Actor::new(staff.username.clone(), staff.device.clone())
}

fn name(directory: &Directory, id: &str) -> String {
    super::catalog::name_in(directory, id)
}

/// Staff of the pickup shop only.
fn at_pickup_shop(row: &FulfilmentRow, staff: &Staff, directory: &Directory) -> AppResult<()> {
    if row.pickup() == staff.location.as_str() {
        Ok(())
    } else {
        Err(AppError::PickupAtOtherShop {
            reference: row.reference.clone(),
            location: name(directory, row.pickup()),
        })
    }
}

/// A fulfilment of the caller's shop that is ready to collect (whole or in
/// part): the starting point of a handover, a reminder or a new date.
pub(crate) async fn ready_here(
    conn: &mut AnyConnection,
    directory: &Directory,
    staff: &Staff,
    fulfilment_id: i64,
) -> AppResult<FulfilmentRow> {
    let row = load(conn, fulfilment_id).await?;
    ready_at(row, directory, staff)
}

/// `row`, when it is ready to hand over at the shop of `staff`.
pub(crate) fn ready_at(
    row: FulfilmentRow,
    directory: &Directory,
    staff: &Staff,
) -> AppResult<FulfilmentRow> {
    at_pickup_shop(&row, staff, directory)?;
    match row.status() {
        OrderStatus::Ready | OrderStatus::PartiallyCollected => Ok(row),
        _ => Err(row.refusal()),
    }
}

#[derive(sqlx::FromRow)]
struct RowWithTries {
    #[sqlx(flatten)]
    row: FulfilmentRow,
    tries: Option<i64>,
    tried_at: Option<i64>,
    tries_locked_until: Option<i64>,
}

/// [`load`], with the code tries of `scope` so far, in one statement.
pub(crate) async fn load_with_tries(
    conn: &mut AnyConnection,
    fulfilment_id: i64,
    scope: &str,
) -> AppResult<(FulfilmentRow, Option<crate::domain::sign_in::Attempts>)> {
    let found: Option<RowWithTries> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {FULFILMENT_COLUMNS}, a.attempts AS tries, a.last_attempt_at AS tried_at, \
                a.locked_until AS tries_locked_until \
         FROM order_fulfilments f JOIN orders o ON o.id = f.order_id \
         LEFT JOIN pickup_code_attempts a ON a.scope = $2 \
         WHERE f.id = $1"
    )))
    .bind(fulfilment_id)
    .bind(scope)
    .fetch_optional(&mut *conn)
    .await?;
    let (row, tries) = match found {
        Some(found) => {
            let tries = match (found.tries, found.tried_at, found.tries_locked_until) {
                (Some(count), Some(last_attempt_at), Some(locked_until)) => {
                    Some(crate::domain::sign_in::Attempts {
                        count,
                        last_attempt_at,
                        locked_until,
                    })
                }
                _ => None,
            };
            (Some(found.row), tries)
        }
        None => (None, None),
    };
    Ok((a_pickup(row, fulfilment_id)?, tries))
}

#[derive(sqlx::FromRow)]
struct CardRow {
    id: i64,
    reference: String,
    channel: String,
    status: String,
    source_location_id: Option<String>,
    pickup_location_id: Option<String>,
    slot: Option<String>,
    ready_at: Option<i64>,
    pickup_expires_at: Option<i64>,
    checked_in_at: Option<i64>,
    attended_by: Option<String>,
    sent_at: Option<i64>,
    received_at: Option<i64>,
    collected_at: Option<i64>,
    placed_at: i64,
    lines: i64,
    units: i64,
}

/// The columns of a card; a compound query orders by their positions
/// (`placed_at` is the 15th, `id` the first).
const CARD_COLUMNS: &str = "f.id, o.reference, o.channel, f.status, f.source_location_id, f.pickup_location_id, \
     f.slot, f.ready_at, f.pickup_expires_at, f.checked_in_at, f.attended_by, f.sent_at, f.received_at, \
     f.collected_at, o.created_at AS placed_at, \
     (SELECT COUNT(*) FROM order_lines l WHERE l.fulfilment_id = f.id) AS lines, \
     (SELECT CAST(COALESCE(SUM(l.quantity - l.cancelled_qty - l.handed_over_qty), 0) AS BIGINT) \
        FROM order_lines l WHERE l.fulfilment_id = f.id) AS units";

fn card_of(
    row: CardRow,
    here: &str,
    directory: &Directory,
    rules: ShopRules,
    now: i64,
    day_start: i64,
) -> Option<PickupCard> {
    let status = OrderStatus::parse(&row.status).ok()?;
    let pickup = row.pickup_location_id.clone().unwrap_or_default();
    let source = row
        .source_location_id
        .clone()
        .unwrap_or_else(|| pickup.clone());
    let list = queue_list(
        QueueFacts {
            status,
            source: &source,
            pickup: &pickup,
            here,
            received: row.received_at.is_some(),
            sent: row.sent_at.is_some(),
            checked_in: row.checked_in_at.is_some(),
            attended: row.attended_by.is_some(),
            collect_by_ms: row.pickup_expires_at,
            collected_at_ms: row.collected_at,
        },
        now,
        day_start,
    )
    // Expired orders sit in no list of the queue; the manager's board
    // shows them (the queue never reads them).
    .or_else(|| (status == OrderStatus::Expired).then_some(QueueList::Expired))?;
    let other = match list {
        QueueList::ToSend => Some(name(directory, &pickup)),
        QueueList::OnTheWay => Some(name(directory, &source)),
        _ => None,
    };
    Some(PickupCard {
        fulfilment_id: row.id,
        reference: row.reference,
        channel: Channel::from_code(&row.channel),
        status,
        list,
        lines: row.lines,
        units: row.units,
        slot: row.slot,
        placed_at: row.placed_at,
        ready_at: row.ready_at,
        collect_by: row.pickup_expires_at,
        waiting_since: row.checked_in_at.filter(|_| row.attended_by.is_none()),
        other_location: other,
        sent_at: row.sent_at,
        late: matches!(status, OrderStatus::Placed | OrderStatus::Picking)
            && is_late(row.placed_at, rules.target_minutes, now),
        collected_at: row.collected_at,
    })
}

/// The pickup queue of `location`: every order to collect there that is
/// still open or was collected today, and the goods it must send to other
/// shops. Oldest first in each list.
pub async fn queue(db: &Db, location: &LocationId) -> AppResult<PickupQueue> {
    let directory = db.locations().await?;
    let mut conn = db.pool.acquire().await?;
    let here = location.as_str();
    let rules = shop_rules(&mut conn, here).await?;
    let now = now_ms();
    let day_start = shop_day_start(now);
    let rows: Vec<CardRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {CARD_COLUMNS} FROM order_fulfilments f JOIN orders o ON o.id = f.order_id \
         WHERE f.pickup_location_id = $1 AND f.kind = 'collect' \
           AND f.status IN ('placed', 'picking', 'ready', 'partially_collected') \
         UNION ALL \
         SELECT {CARD_COLUMNS} FROM order_fulfilments f JOIN orders o ON o.id = f.order_id \
         WHERE f.pickup_location_id = $1 AND f.collected_at >= $2 AND f.status = 'completed' \
         UNION ALL \
         SELECT {CARD_COLUMNS} FROM order_fulfilments f JOIN orders o ON o.id = f.order_id \
         WHERE f.source_location_id = $1 AND f.pickup_location_id <> $1 AND f.kind = 'collect' \
           AND f.status = 'placed' AND f.sent_at IS NULL \
         ORDER BY 15, 1"
    )))
    .bind(here)
    .bind(day_start)
    .fetch_all(&mut *conn)
    .await?;
    let cards = rows
        .into_iter()
        .filter_map(|row| card_of(row, here, &directory, rules, now, day_start))
        .collect();
    Ok(PickupQueue {
        location_id: here.to_string(),
        location_name: name(&directory, here),
        target_minutes: rules.target_minutes,
        now_ms: now,
        cards,
    })
}

/// Cards of the orders to collect at `here` that `filter_sql` keeps (with
/// `$2` bound to `bind_ms`): the manager's board.
pub(crate) async fn cards(
    conn: &mut AnyConnection,
    directory: &Directory,
    here: &str,
    filter_sql: &str,
    bind_ms: i64,
) -> AppResult<Vec<PickupCard>> {
    let rules = shop_rules(conn, here).await?;
    let now = now_ms();
    let rows: Vec<CardRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {CARD_COLUMNS} FROM order_fulfilments f JOIN orders o ON o.id = f.order_id \
         WHERE f.pickup_location_id = $1 AND f.kind = 'collect' AND {filter_sql} \
         ORDER BY 15, 1 LIMIT 200"
    )))
    .bind(here)
    .bind(bind_ms)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| card_of(row, here, directory, rules, now, shop_day_start(now)))
        .collect())
}

async fn lines_of(conn: &mut AnyConnection, fulfilment_id: i64) -> AppResult<Vec<PickLine>> {
    type Row = (
        i64,
        i64,
        String,
        String,
        String,
        String,
        String,
        i64,
        i64,
        i64,
        i64,
        i64,
        i64,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT l.id, l.line_no, l.sku, s.ean, p.name, s.colour, s.size, l.quantity, l.picked_qty, \
                l.cancelled_qty, l.handed_over_qty, l.unit_price_cents, l.discount_cents \
         FROM order_lines l JOIN skus s ON s.sku = l.sku JOIN products p ON p.id = s.product_id \
         WHERE l.fulfilment_id = $1 ORDER BY l.line_no",
    )
    .bind(fulfilment_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                line_id,
                line_no,
                sku,
                ean,
                product_name,
                colour,
                size,
                quantity,
                picked,
                cancelled,
                handed_over,
                unit_price,
                discount,
            )| PickLine {
                line_id,
                line_no,
                sku,
                ean,
                product_name,
                colour,
                size,
                quantity,
                picked,
                cancelled,
                handed_over,
                unit_net_cents: unit_net(unit_price, quantity, discount),
            },
        )
        .collect())
}

/// One unit's price after the line's discount (the discount spread evenly,
/// rounded down: a refund never gives back more than was paid).
pub(crate) fn unit_net(unit_price: i64, quantity: i64, discount: i64) -> i64 {
    if quantity <= 0 {
        return unit_price;
    }
    (unit_price * quantity - discount).max(0) / quantity
}

/// One order to collect, as its screen shows it, for staff of its pickup
/// shop or of the location sending its goods.
pub async fn view(db: &Db, staff: &Staff, fulfilment_id: i64) -> AppResult<PickupOrder> {
    let directory = db.locations().await?;
    let mut conn = db.pool.acquire().await?;
    let row = load(&mut conn, fulfilment_id).await?;
    let here = staff.location.as_str();
    if row.pickup() != here && row.source() != here {
        return Err(AppError::PickupAtOtherShop {
            reference: row.reference.clone(),
            location: name(&directory, row.pickup()),
        });
    }
    build_view(&mut conn, &directory, &row, here).await
}

pub(crate) async fn build_view(
    conn: &mut AnyConnection,
    directory: &Directory,
    row: &FulfilmentRow,
    here: &str,
) -> AppResult<PickupOrder> {
    let rules = shop_rules(conn, row.pickup()).await?;
    let lines = lines_of(conn, row.id).await?;
    let handover_rows: Vec<(i64, String, String, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT h.created_at, h.actor, h.device, h.proof, h.id_document, \
                CAST(COALESCE((SELECT SUM(hl.quantity) FROM handover_lines hl WHERE hl.handover_id = h.id), 0) AS BIGINT) \
         FROM handovers h WHERE h.fulfilment_id = $1 ORDER BY h.id",
    )
    .bind(row.id)
    .fetch_all(&mut *conn)
    .await?;
    let grace = lifecycle::grace_hours(conn).await?;
    Ok(PickupOrder {
        fulfilment_id: row.id,
        order_id: row.order_id,
        reference: row.reference.clone(),
        channel: Channel::from_code(&row.channel),
        status: row.status(),
        pickup_location_id: row.pickup().to_string(),
        pickup_name: name(directory, row.pickup()),
        source_location_id: row.source().to_string(),
        source_name: name(directory, row.source()),
        at_pickup_shop: row.pickup() == here,
        goods_here: row.goods_here(),
        slot: row.slot.clone(),
        placed_at: row.placed_at,
        ready_at: row.ready_at,
        collect_by: row.pickup_expires_at,
        expires_at: row
            .pickup_expires_at
            .map(|by| pickup::expires_at(by, grace)),
        waiting_since: row.checked_in_at,
        attended_by: row.attended_by.clone(),
        parcel_code: row.parcel_code.clone(),
        sent_at: row.sent_at,
        received_at: row.received_at,
        collected_at: row.collected_at,
        id_check_allowed: rules.id_check,
        target_minutes: rules.target_minutes,
        lines,
        handovers: handover_rows
            .into_iter()
            .map(
                |(at_ms, actor, device, proof, id_document, units)| HandoverView {
                    at_ms,
                    actor,
                    device,
                    proof,
                    id_document,
                    units,
                },
            )
            .collect(),
        now_ms: now_ms(),
    })
}

/// Moves a fulfilment from `from` to `to` by one conditional statement
/// (refused with `PickupChanged` when another device moved it first), then
/// brings the order's own status up to date and records the change.
pub(crate) async fn set_status(
    conn: &mut AnyConnection,
    row: &FulfilmentRow,
    event: OrderEvent,
    actor: &Actor,
    note: Option<&str>,
) -> AppResult<OrderStatus> {
    move_status(conn, row, event, actor, note, None).await
}

/// [`set_status`] for a handover: the same statement records when, and
/// marks a waiting customer as attended by `handed_by`.
pub(crate) async fn move_status(
    conn: &mut AnyConnection,
    row: &FulfilmentRow,
    event: OrderEvent,
    actor: &Actor,
    note: Option<&str>,
    handed_by: Option<&str>,
) -> AppResult<OrderStatus> {
    let from = row.status();
    let Some(to) = from.next(Fulfilment::Collect, event) else {
        return Err(row.refusal());
    };
    let now = now_ms();
    let moved = match handed_by {
        None => sqlx::query(
            "UPDATE order_fulfilments SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(to.as_str())
        .bind(now)
        .bind(row.id)
        .bind(from.as_str())
        .execute(&mut *conn)
        .await?
        .rows_affected(),
        Some(name) => sqlx::query(
            "UPDATE order_fulfilments SET status = $1, updated_at = $2, collected_at = $2, \
                    attended_by = CASE WHEN checked_in_at IS NOT NULL AND attended_by IS NULL \
                                       THEN $5 ELSE attended_by END \
             WHERE id = $3 AND status = $4",
        )
        .bind(to.as_str())
        .bind(now)
        .bind(row.id)
        .bind(from.as_str())
        .bind(name)
        .execute(&mut *conn)
        .await?
        .rows_affected(),
    };
    if moved == 0 {
        // Another device (or the expiry job) came first: say what it did.
        let now_is = load(conn, row.id).await?;
        return Err(match now_is.status() {
            OrderStatus::Expired | OrderStatus::Cancelled | OrderStatus::Completed => {
                now_is.refusal()
            }
            _ => AppError::PickupChanged {
                reference: row.reference.clone(),
            },
        });
    }
    if row.fulfilments == 1 {
        sqlx::query("UPDATE orders SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(summary_status(&[to]).as_str())
            .bind(now)
            .bind(row.order_id)
            .execute(&mut *conn)
            .await?;
    } else {
        refresh_order_status(conn, row.order_id, now).await?;
    }
    let note = match note {
        Some(note) => format!("fulfilment {}: {note}", row.group_no),
        None => format!("fulfilment {}", row.group_no),
    };
    super::orders::record_event(conn, row.order_id, Some(from), to, actor, Some(&note), now)
        .await?;
    Ok(to)
}

/// Records a step that leaves the fulfilment's status as it is (goods
/// sent or received, a reminder, a new date), named after the fulfilment.
pub(crate) async fn note_event(
    conn: &mut AnyConnection,
    row: &FulfilmentRow,
    actor: &Actor,
    what: &str,
    now: i64,
) -> AppResult<()> {
    let status = row.status();
    let note = format!("fulfilment {}: {what}", row.group_no);
    super::orders::record_event(
        conn,
        row.order_id,
        Some(status),
        status,
        actor,
        Some(&note),
        now,
    )
    .await
}

/// The order's status from its fulfilments'.
pub(crate) async fn refresh_order_status(
    conn: &mut AnyConnection,
    order_id: i64,
    now: i64,
) -> AppResult<OrderStatus> {
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT status FROM order_fulfilments WHERE order_id = $1")
            .bind(order_id)
            .fetch_all(&mut *conn)
            .await?;
    let statuses: Vec<OrderStatus> = statuses
        .iter()
        .filter_map(|s| OrderStatus::parse(s).ok())
        .collect();
    let summary = summary_status(&statuses);
    sqlx::query("UPDATE orders SET status = $1, updated_at = $2 WHERE id = $3")
        .bind(summary.as_str())
        .bind(now)
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    Ok(summary)
}

/// Commits a change and publishes what it changed.
pub(crate) async fn commit(
    mut tx: crate::db::WriteTx,
    bus: &EventBus,
    stock: Vec<StockEvent>,
    pickups: Vec<PickupEvent>,
) -> AppResult<()> {
    bus.stage_all(&mut tx, &stock, &pickups).await?;
    super::webhooks::enqueue(&mut tx, &pickups).await?;
    tx.commit().await?;
    bus.committed(stock);
    bus.committed_pickups(pickups);
    Ok(())
}

/// Starts the pick of an order whose goods are here.
pub async fn start_picking(
    db: &Db,
    bus: &EventBus,
    staff: &Staff,
    fulfilment_id: i64,
) -> AppResult<PickupOrder> {
    let directory = db.locations().await?;
    let mut tx = db.begin_write().await?;
    let row = load(&mut tx, fulfilment_id).await?;
    at_pickup_shop(&row, staff, &directory)?;
    if !row.goods_here() {
        return Err(AppError::GoodsNotHere {
            reference: row.reference.clone(),
            location: name(&directory, row.source()),
        });
    }
    let status = set_status(
        &mut tx,
        &row,
        OrderEvent::StartPicking,
        &actor_of(staff),
        None,
    )
    .await?;
    let event = row.event(row.pickup(), PickupChange::Changed, status);
    let row = load(&mut tx, fulfilment_id).await?;
    let view = build_view(&mut tx, &directory, &row, staff.location.as_str()).await?;
    commit(tx, bus, Vec::new(), vec![event]).await?;
    Ok(view)
}

/// What a scanned or typed code names: an EAN or a SKU.
fn item_code(raw: &str) -> Result<(Option<String>, Option<String>), AppError> {
    let text = raw.trim();
    if let Ok(ean) = Ean13::parse(text) {
        return Ok((Some(ean.as_str().to_string()), None));
    }
    Ok((None, Some(Sku::parse(text)?.to_string())))
}

/// One item scanned into the order's bag. An item of no line of the order,
/// or of a line already complete, is refused at once with what is expected;
/// the first scan starts the pick.
pub async fn scan_item(
    db: &Db,
    bus: &EventBus,
    staff: &Staff,
    fulfilment_id: i64,
    code: &str,
) -> AppResult<PickupOrder> {
    let directory = db.locations().await?;
    let (ean, sku) = item_code(code)?;
    let mut tx = db.begin_write().await?;
    let row = load(&mut tx, fulfilment_id).await?;
    at_pickup_shop(&row, staff, &directory)?;
    if !row.goods_here() {
        return Err(AppError::GoodsNotHere {
            reference: row.reference.clone(),
            location: name(&directory, row.source()),
        });
    }
    let mut events = Vec::new();
    match row.status() {
        OrderStatus::Placed => {
            let status = set_status(
                &mut tx,
                &row,
                OrderEvent::StartPicking,
                &actor_of(staff),
                None,
            )
            .await?;
            events.push(row.event(row.pickup(), PickupChange::Changed, status));
        }
        OrderStatus::Picking => {}
        _ => return Err(row.refusal()),
    }
    let lines = lines_of(&mut tx, fulfilment_id).await?;
    let same_item = |l: &&PickLine| {
        ean.as_deref().is_some_and(|e| e == l.ean) || sku.as_deref().is_some_and(|s| s == l.sku)
    };
    let Some(line) = lines
        .iter()
        .filter(same_item)
        .find(|l| l.to_pick() > 0)
        .or_else(|| lines.iter().find(same_item))
    else {
        let expected = lines
            .iter()
            .filter(|l| l.to_pick() > 0)
            .map(|l| format!("{} {} {} ({})", l.product_name, l.colour, l.size, l.ean))
            .collect::<Vec<_>>()
            .join(" ; ");
        return Err(AppError::WrongItem {
            text: code.trim().chars().take(40).collect(),
            expected,
        });
    };
    let counted = sqlx::query(
        "UPDATE order_lines SET picked_qty = picked_qty + 1 \
         WHERE id = $1 AND picked_qty + cancelled_qty < quantity",
    )
    .bind(line.line_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if counted == 0 {
        return Err(AppError::ItemAlreadyPicked {
            sku: line.sku.clone(),
        });
    }
    let row = load(&mut tx, fulfilment_id).await?;
    let view = build_view(&mut tx, &directory, &row, staff.location.as_str()).await?;
    commit(tx, bus, Vec::new(), events).await?;
    Ok(view)
}

/// What to do with items missing at the pick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// The customer will not get them: the line is reduced and refunded.
    Cancel,
    /// They come from another location, in a fulfilment of their own.
    Elsewhere,
}

/// Items of a line not found on the shelf. Their hold here is released;
/// then they are cancelled (refund recorded, the customer told) or ordered
/// from the best other location that has them.
pub async fn mark_missing(
    db: &Db,
    bus: &EventBus,
    staff: &Staff,
    fulfilment_id: i64,
    line_id: i64,
    quantity: Quantity,
    what: Missing,
) -> AppResult<PickupOrder> {
    let directory = db.locations().await?;
    let actor = actor_of(staff);
    let mut tx = db.begin_write().await?;
    let row = load(&mut tx, fulfilment_id).await?;
    at_pickup_shop(&row, staff, &directory)?;
    if !matches!(row.status(), OrderStatus::Placed | OrderStatus::Picking) || !row.goods_here() {
        return Err(row.refusal());
    }
    let lines = lines_of(&mut tx, fulfilment_id).await?;
    let Some(line) = lines.iter().find(|l| l.line_id == line_id) else {
        return Err(AppError::Malformed {
            detail: format!("line {line_id} is not a line of this order"),
        });
    };
    let quantity = quantity.get();
    if quantity > line.to_pick() {
        return Err(AppError::HandOverTooMany {
            sku: line.sku.clone(),
            left: line.to_pick(),
        });
    }
    let sku = Sku::parse(&line.sku)?;
    let here = LocationId::parse(row.pickup())?;
    let mut stock = vec![
        release_units(
            &mut tx,
            line_id,
            &sku,
            &here,
            quantity,
            &row.reference,
            &actor,
        )
        .await?,
    ];
    let mut pickups = vec![row.event(row.pickup(), PickupChange::Changed, row.status())];
    match what {
        Missing::Cancel => {
            let reduced = sqlx::query(
                "UPDATE order_lines SET cancelled_qty = cancelled_qty + $1 \
                 WHERE id = $2 AND picked_qty + cancelled_qty + $1 <= quantity",
            )
            .bind(quantity)
            .bind(line_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if reduced == 0 {
                return Err(AppError::PickupChanged {
                    reference: row.reference.clone(),
                });
            }
            handover::record_refund(
                &mut tx,
                row.order_id,
                line_id,
                quantity,
                line.unit_net_cents * quantity,
                "missing_at_pick",
                &actor,
            )
            .await?;
            let lines = lines_of(&mut tx, fulfilment_id).await?;
            if lines.iter().all(|l| l.cancelled >= l.quantity) {
                let status = set_status(
                    &mut tx,
                    &row,
                    OrderEvent::Cancel,
                    &actor,
                    Some("every item missing"),
                )
                .await?;
                pickups = vec![row.event(row.pickup(), PickupChange::Changed, status)];
            }
            if let Some(message) = super::messages::items_cancelled(
                &mut tx,
                row.order_id,
                line,
                quantity,
                &format!("{fulfilment_id}:{line_id}:{}", line.cancelled + quantity),
            )
            .await?
            {
                super::outbox::enqueue(&mut tx, &message).await?;
            }
        }
        Missing::Elsewhere => {
            let (event, new_id) =
                source_elsewhere(&mut tx, &directory, &row, line, quantity, &actor).await?;
            stock.push(event);
            if lines_of(&mut tx, fulfilment_id)
                .await?
                .iter()
                .all(|l| l.coming() == 0)
            {
                let status = set_status(
                    &mut tx,
                    &row,
                    OrderEvent::Cancel,
                    &actor,
                    Some("every item ordered elsewhere"),
                )
                .await?;
                pickups = vec![row.event(row.pickup(), PickupChange::Changed, status)];
            }
            let new_row = load(&mut tx, new_id).await?;
            pickups.push(new_row.event(new_row.source(), PickupChange::New, OrderStatus::Placed));
            pickups.push(new_row.event(new_row.pickup(), PickupChange::New, OrderStatus::Placed));
        }
    }
    let row = load(&mut tx, fulfilment_id).await?;
    let view = build_view(&mut tx, &directory, &row, staff.location.as_str()).await?;
    commit(tx, bus, stock, pickups).await?;
    Ok(view)
}

/// Gives back `quantity` units of a line's hold at `location`.
pub(crate) async fn release_units(
    conn: &mut AnyConnection,
    line_id: i64,
    sku: &Sku,
    location: &LocationId,
    quantity: i64,
    reference: &str,
    actor: &Actor,
) -> AppResult<StockEvent> {
    let event = apply_movement(
        conn,
        &MovementRequest {
            sku: sku.clone(),
            location: location.clone(),
            movement: Movement::Release(Quantity::new(quantity)?),
            reason: None,
            reference: Some(reference.to_string()),
        },
        None,
        Some(reference),
        actor,
    )
    .await?;
    take_from_holds(conn, line_id, location.as_str(), quantity, "released").await?;
    Ok(event)
}

/// Takes `quantity` units off a line's held reservations at `location`
/// (oldest first): a hold used up becomes `to_status`; one used in part
/// keeps the rest held and the part taken is recorded beside it.
pub(crate) async fn take_from_holds(
    conn: &mut AnyConnection,
    line_id: i64,
    location: &str,
    quantity: i64,
    to_status: &str,
) -> AppResult<()> {
    // Usually every unit still held is taken (a whole handover, a line
    // given up): then one statement does it.
    let whole = sqlx::query(
        "UPDATE reservations SET status = $1 \
         WHERE order_line_id = $2 AND location_id = $3 AND status = 'held' \
           AND (SELECT SUM(h.quantity) FROM reservations h \
                WHERE h.order_line_id = $2 AND h.location_id = $3 AND h.status = 'held') = $4",
    )
    .bind(to_status)
    .bind(line_id)
    .bind(location)
    .bind(quantity)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if whole > 0 {
        return Ok(());
    }
    let holds: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT id, sku, quantity, created_at FROM reservations \
         WHERE order_line_id = $1 AND location_id = $2 AND status = 'held' ORDER BY id",
    )
    .bind(line_id)
    .bind(location)
    .fetch_all(&mut *conn)
    .await?;
    let mut left = quantity;
    for (id, sku, held, created_at) in holds {
        if left == 0 {
            break;
        }
        let taken = held.min(left);
        if taken == held {
            sqlx::query("UPDATE reservations SET status = $1 WHERE id = $2")
                .bind(to_status)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        } else {
            sqlx::query("UPDATE reservations SET quantity = quantity - $1 WHERE id = $2")
                .bind(taken)
                .bind(id)
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "INSERT INTO reservations (order_line_id, sku, location_id, quantity, status, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(line_id)
            .bind(&sku)
            .bind(location)
            .bind(taken)
            .bind(to_status)
            .bind(created_at)
            .execute(&mut *conn)
            .await?;
        }
        left -= taken;
    }
    Ok(())
}

/// Holds `quantity` units of a line at `location` for its order.
async fn hold(
    conn: &mut AnyConnection,
    line_id: i64,
    sku: &str,
    location: &str,
    quantity: i64,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO reservations (order_line_id, sku, location_id, quantity, status, created_at) \
         VALUES ($1, $2, $3, $4, 'held', $5)",
    )
    .bind(line_id)
    .bind(sku)
    .bind(location)
    .bind(quantity)
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Splits `quantity` units off a line into a new fulfilment sourced from
/// the best other location with enough available, and reserves them there.
async fn source_elsewhere(
    conn: &mut AnyConnection,
    directory: &Directory,
    row: &FulfilmentRow,
    line: &PickLine,
    quantity: i64,
    actor: &Actor,
) -> AppResult<(StockEvent, i64)> {
    use crate::domain::sourcing::{Need, source_options};
    let leads = super::orders::lead_times(conn).await?;
    let available = super::orders::available_by_location(conn, directory, &line.sku).await?;
    let places = super::orders::places(directory, &available);
    let options = source_options(
        &places,
        Need {
            fulfilment: Fulfilment::Collect,
            pickup: Some(row.pickup()),
            selling: Some(row.pickup()),
            quantity,
        },
        &leads,
    );
    let Some(best) = options
        .into_iter()
        .find(|o| o.location_id != row.pickup() && o.available >= quantity)
    else {
        return Err(AppError::NoSource {
            sku: line.sku.clone(),
        });
    };
    let now = now_ms();
    let (discount, group_no, line_no): (i64, i64, i64) = sqlx::query_as(
        "SELECT l.discount_cents, \
                (SELECT MAX(f.group_no) FROM order_fulfilments f WHERE f.order_id = l.order_id), \
                (SELECT MAX(m.line_no) FROM order_lines m WHERE m.order_id = l.order_id) \
         FROM order_lines l WHERE l.id = $1",
    )
    .bind(line.line_id)
    .fetch_one(&mut *conn)
    .await?;
    let new_fulfilment: i64 = sqlx::query_scalar(
        "INSERT INTO order_fulfilments (order_id, group_no, kind, status, source_location_id, \
             pickup_location_id, promised_at, updated_at) \
         VALUES ($1, $2, 'collect', 'placed', $3, $4, $5, $6) RETURNING id",
    )
    .bind(row.order_id)
    .bind(group_no + 1)
    .bind(&best.location_id)
    .bind(row.pickup())
    .bind(best.promised_at(now))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    let whole_line = line.picked == 0 && line.handed_over == 0 && quantity == line.coming();
    let new_line = if whole_line {
        // Nothing of it is in the bag: the line itself moves.
        let moved = sqlx::query(
            "UPDATE order_lines SET fulfilment_id = $1, source_location_id = $2 \
             WHERE id = $3 AND picked_qty = 0 AND handed_over_qty = 0",
        )
        .bind(new_fulfilment)
        .bind(&best.location_id)
        .bind(line.line_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if moved == 0 {
            return Err(AppError::PickupChanged {
                reference: row.reference.clone(),
            });
        }
        line.line_id
    } else {
        // Part of it is picked: the missing units split off into a line of
        // their own, taking their share of the discount.
        let moved_discount = discount * quantity / line.quantity.max(1);
        let shrunk = sqlx::query(
            "UPDATE order_lines SET quantity = quantity - $1, discount_cents = discount_cents - $2 \
             WHERE id = $3 AND picked_qty + cancelled_qty + handed_over_qty + $1 <= quantity",
        )
        .bind(quantity)
        .bind(moved_discount)
        .bind(line.line_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if shrunk == 0 {
            return Err(AppError::PickupChanged {
                reference: row.reference.clone(),
            });
        }
        sqlx::query_scalar(
            "INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price_cents, source_location_id, \
                 handed_over_qty, fulfilment_id, discount_cents, discount_percent) \
             SELECT order_id, $1, sku, $2, unit_price_cents, $3, 0, $4, $5, discount_percent \
             FROM order_lines WHERE id = $6 RETURNING id",
        )
        .bind(line_no + 1)
        .bind(quantity)
        .bind(&best.location_id)
        .bind(new_fulfilment)
        .bind(moved_discount)
        .bind(line.line_id)
        .fetch_one(&mut *conn)
        .await?
    };
    let source = LocationId::parse(&best.location_id)?;
    let event = apply_movement(
        conn,
        &MovementRequest {
            sku: Sku::parse(&line.sku)?,
            location: source.clone(),
            movement: Movement::Reservation(Quantity::new(quantity)?),
            reason: None,
            reference: Some(row.reference.clone()),
        },
        None,
        Some(&row.reference),
        actor,
    )
    .await
    .map_err(|err| match err {
        AppError::NotEnoughStock { available } => AppError::LineShort {
            sku: line.sku.clone(),
            location: best.location_id.clone(),
            available,
        },
        other => other,
    })?;
    hold(conn, new_line, &line.sku, source.as_str(), quantity).await?;
    refresh_order_status(conn, row.order_id, now).await?;
    let note = format!(
        "{quantity} x {} missing at the pick, ordered from {}",
        line.sku, best.location_id
    );
    super::orders::record_event(
        conn,
        row.order_id,
        Some(row.status()),
        OrderStatus::Placed,
        actor,
        Some(&note),
        now,
    )
    .await?;
    Ok((event, new_fulfilment))
}

/// Puts the picked bag on a shelf slot: the order becomes ready, gets its
/// pickup code and collect-by date, and the customer is told (code, QR,
/// shop, hours, date) through the outbox, in the same transaction.
pub async fn stage(
    db: &Db,
    bus: &EventBus,
    staff: &Staff,
    fulfilment_id: i64,
    slot: &str,
) -> AppResult<PickupOrder> {
    let slot = pickup::parse_slot(slot)?;
    let directory = db.locations().await?;
    let actor = actor_of(staff);
    let mut tx = db.begin_write().await?;
    let row = load(&mut tx, fulfilment_id).await?;
    at_pickup_shop(&row, staff, &directory)?;
    if row.status() != OrderStatus::Picking {
        return Err(match row.status() {
            OrderStatus::Placed => AppError::PickIncomplete {
                reference: row.reference.clone(),
                missing: lines_of(&mut tx, fulfilment_id)
                    .await?
                    .iter()
                    .map(PickLine::to_pick)
                    .sum(),
            },
            _ => AppError::PickupChanged {
                reference: row.reference.clone(),
            },
        });
    }
    let lines = lines_of(&mut tx, fulfilment_id).await?;
    let missing: i64 = lines.iter().map(PickLine::to_pick).sum();
    if missing > 0 {
        return Err(AppError::PickIncomplete {
            reference: row.reference.clone(),
            missing,
        });
    }
    let rules = shop_rules(&mut tx, row.pickup()).await?;
    let code = new_code(&mut tx).await?;
    let now = now_ms();
    let collect_by = pickup::collect_by(now, rules.hold_days);
    let status = set_status(
        &mut tx,
        &row,
        OrderEvent::MarkReady,
        &actor,
        Some(&format!("slot {slot}")),
    )
    .await?;
    sqlx::query(
        "UPDATE order_fulfilments SET slot = $1, pickup_code = $2, ready_at = $3, pickup_expires_at = $4, \
                reminded_for = NULL WHERE id = $5",
    )
    .bind(&slot)
    .bind(code.as_str())
    .bind(now)
    .bind(collect_by)
    .bind(fulfilment_id)
    .execute(&mut *tx)
    .await?;
    let row = load(&mut tx, fulfilment_id).await?;
    if let Some(message) =
        super::messages::pickup_ready(&mut tx, &row, &lines, &code, collect_by).await?
    {
        super::outbox::enqueue(&mut tx, &message).await?;
    }
    let event = row.event(row.pickup(), PickupChange::Changed, status);
    let view = build_view(&mut tx, &directory, &row, staff.location.as_str()).await?;
    commit(tx, bus, Vec::new(), vec![event]).await?;
    Ok(view)
}

/// A fresh pickup code no open pickup holds (drawn again on the rare clash).
async fn new_code(conn: &mut AnyConnection) -> AppResult<PickupCode> {
    use rand::Rng;
    for _ in 0..8 {
        let code = PickupCode::from_number(rand::rng().random_range(0..100_000_000));
        let taken: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM order_fulfilments WHERE pickup_code = $1 \
             AND status IN ('ready', 'partially_collected') LIMIT 1",
        )
        .bind(code.as_str())
        .fetch_optional(&mut *conn)
        .await?;
        if taken.is_none() {
            return Ok(code);
        }
    }
    tracing::error!("no free pickup code after eight draws");
    Err(AppError::Internal)
}

/// Sends the goods of another shop's order from here: out of this
/// location's stock (and its holds) and in transit to the pickup shop,
/// whose screens now show them on the way.
pub async fn send_parcel(
    db: &Db,
    bus: &EventBus,
    staff: &Staff,
    fulfilment_id: i64,
) -> AppResult<PickupOrder> {
    let directory = db.locations().await?;
    let actor = actor_of(staff);
    let mut tx = db.begin_write().await?;
    let row = load(&mut tx, fulfilment_id).await?;
    if row.source() != staff.location.as_str() || row.pickup() == row.source() {
        return Err(AppError::PickupAtOtherShop {
            reference: row.reference.clone(),
            location: name(&directory, row.source()),
        });
    }
    if row.status() != OrderStatus::Placed {
        return Err(row.refusal());
    }
    let now = now_ms();
    let parcel = format!("COLIS-{fulfilment_id}");
    let sent = sqlx::query(
        "UPDATE order_fulfilments SET sent_at = $1, sent_by = $2, parcel_code = $3, updated_at = $1 \
         WHERE id = $4 AND sent_at IS NULL AND status = 'placed'",
    )
    .bind(now)
    .bind(&actor.name)
    .bind(&parcel)
    .bind(fulfilment_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if sent == 0 {
        return Err(AppError::ParcelAlreadySent {
            reference: row.reference.clone(),
        });
    }
    let lines = lines_of(&mut tx, fulfilment_id).await?;
    let mut ordered: Vec<&PickLine> = lines.iter().filter(|l| l.quantity > l.cancelled).collect();
    ordered.sort_by(|a, b| a.sku.cmp(&b.sku));
    let source = LocationId::parse(row.source())?;
    let mut stock = Vec::with_capacity(ordered.len());
    for line in ordered {
        let quantity = line.quantity - line.cancelled;
        stock.push(
            apply_movement(
                &mut tx,
                &MovementRequest {
                    sku: Sku::parse(&line.sku)?,
                    location: source.clone(),
                    movement: Movement::TransferOutHeld(Quantity::new(quantity)?),
                    reason: Some(row.pickup().to_string()),
                    reference: Some(row.reference.clone()),
                },
                Some(row.pickup()),
                Some(&row.reference),
                &actor,
            )
            .await?,
        );
        take_from_holds(&mut tx, line.line_id, source.as_str(), quantity, "consumed").await?;
        sqlx::query(
            "INSERT INTO transfer_lines (fulfilment_id, order_line_id, sku, from_location_id, to_location_id, \
                 quantity, status, sent_at) VALUES ($1, $2, $3, $4, $5, $6, 'in_transit', $7)",
        )
        .bind(fulfilment_id)
        .bind(line.line_id)
        .bind(&line.sku)
        .bind(row.source())
        .bind(row.pickup())
        .bind(quantity)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    let what = format!("sent from {} as {parcel}", row.source());
    note_event(&mut tx, &row, &actor, &what, now).await?;
    let row = load(&mut tx, fulfilment_id).await?;
    let pickups = vec![
        row.event(row.source(), PickupChange::Changed, row.status()),
        row.event(row.pickup(), PickupChange::Changed, row.status()),
    ];
    let view = build_view(&mut tx, &directory, &row, staff.location.as_str()).await?;
    commit(tx, bus, stock, pickups).await?;
    Ok(view)
}

/// Receives a parcel at the pickup shop, by its code, its order's
/// reference, or one of its items (when a single parcel on its way here
/// holds it): the goods enter this shop's stock held for the order, which
/// moves to the shop's "to prepare" list.
pub async fn receive_parcel(
    db: &Db,
    bus: &EventBus,
    staff: &Staff,
    code: &str,
) -> AppResult<PickupOrder> {
    let directory = db.locations().await?;
    let actor = actor_of(staff);
    let here = staff.location.as_str();
    let text = code.trim().to_ascii_uppercase();
    let mut tx = db.begin_write().await?;
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT f.id FROM order_fulfilments f JOIN orders o ON o.id = f.order_id \
         WHERE f.kind = 'collect' AND f.sent_at IS NOT NULL AND (f.parcel_code = $1 OR o.reference = $1) \
         ORDER BY f.received_at IS NULL DESC, f.id LIMIT 1",
    )
    .bind(&text)
    .fetch_optional(&mut *tx)
    .await?;
    let fulfilment_id = match found {
        Some(id) => id,
        None => {
            let (ean, sku) =
                item_code(&text).map_err(|_| AppError::UnknownParcel { text: text.clone() })?;
            let candidates: Vec<i64> = sqlx::query_scalar(
                "SELECT DISTINCT t.fulfilment_id FROM transfer_lines t JOIN skus s ON s.sku = t.sku \
                 WHERE t.status = 'in_transit' AND t.to_location_id = $1 AND (s.ean = $2 OR s.sku = $3)",
            )
            .bind(here)
            .bind(ean.unwrap_or_default())
            .bind(sku.unwrap_or_default())
            .fetch_all(&mut *tx)
            .await?;
            match candidates.as_slice() {
                [one] => *one,
                _ => return Err(AppError::UnknownParcel { text }),
            }
        }
    };
    let row = load(&mut tx, fulfilment_id).await?;
    if row.pickup() != here {
        return Err(AppError::ParcelNotForHere {
            reference: row.reference.clone(),
            location: name(&directory, row.pickup()),
        });
    }
    let now = now_ms();
    let received = sqlx::query(
        "UPDATE order_fulfilments SET received_at = $1, received_by = $2, updated_at = $1 \
         WHERE id = $3 AND received_at IS NULL AND sent_at IS NOT NULL",
    )
    .bind(now)
    .bind(&actor.name)
    .bind(fulfilment_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if received == 0 {
        return Err(AppError::ParcelAlreadyReceived {
            reference: row.reference.clone(),
        });
    }
    let travelling: Vec<(i64, i64, String, i64)> = sqlx::query_as(
        "SELECT id, order_line_id, sku, quantity FROM transfer_lines \
         WHERE fulfilment_id = $1 AND status = 'in_transit' ORDER BY sku, id",
    )
    .bind(fulfilment_id)
    .fetch_all(&mut *tx)
    .await?;
    let location = LocationId::parse(here)?;
    let mut stock = Vec::with_capacity(travelling.len());
    for (transfer_id, line_id, sku, quantity) in travelling {
        stock.push(
            apply_movement(
                &mut tx,
                &MovementRequest {
                    sku: Sku::parse(&sku)?,
                    location: location.clone(),
                    movement: Movement::TransferInHeld(Quantity::new(quantity)?),
                    reason: Some(row.source().to_string()),
                    reference: Some(row.reference.clone()),
                },
                Some(row.source()),
                Some(&row.reference),
                &actor,
            )
            .await?,
        );
        hold(&mut tx, line_id, &sku, here, quantity).await?;
        sqlx::query(
            "UPDATE transfer_lines SET status = 'received', received_at = $1 WHERE id = $2",
        )
        .bind(now)
        .bind(transfer_id)
        .execute(&mut *tx)
        .await?;
    }
    let what = format!("received from {}", row.source());
    note_event(&mut tx, &row, &actor, &what, now).await?;
    let row = load(&mut tx, fulfilment_id).await?;
    let pickups = vec![row.event(here, PickupChange::Changed, row.status())];
    let view = build_view(&mut tx, &directory, &row, here).await?;
    commit(tx, bus, stock, pickups).await?;
    Ok(view)
}

/// Units of a SKU on their way to each location (sent, not yet received).
pub async fn in_transit(db: &Db, sku: &str) -> AppResult<Vec<(String, i64)>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT to_location_id, CAST(SUM(quantity) AS BIGINT) FROM transfer_lines \
         WHERE sku = $1 AND status = 'in_transit' GROUP BY to_location_id",
    )
    .bind(sku)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows)
}

/// New orders to collect at (or to send from) their shops, announced to
/// the screens once the order is committed.
pub fn announce_new(receipt: &crate::model::basket::OrderReceipt) -> Vec<PickupEvent> {
    let mut events = Vec::new();
    for fulfilment in receipt
        .fulfilments
        .iter()
        .filter(|f| f.kind == Fulfilment::Collect)
    {
        let pickup = fulfilment.pickup_location_id.clone().unwrap_or_default();
        let source = fulfilment
            .source_location_id
            .clone()
            .unwrap_or_else(|| pickup.clone());
        let event = |location: &str| PickupEvent {
            location_id: location.to_string(),
            fulfilment_id: 0,
            reference: receipt.reference.clone(),
            status: fulfilment.status,
            change: PickupChange::New,
            slot: None,
            waiting_since: None,
            at_ms: now_ms(),
        };
        events.push(event(&pickup));
        if source != pickup {
            events.push(event(&source));
        }
    }
    events
}

/// The pickup codes of an order's fulfilments ready to collect, by their
/// number: for the web shop, which shows them in the customer's account.
pub async fn codes_to_show(db: &Db, order_id: i64) -> AppResult<Vec<(i64, String)>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT group_no, pickup_code FROM order_fulfilments \
         WHERE order_id = $1 AND kind = 'collect' AND pickup_code IS NOT NULL \
           AND status IN ('ready', 'partially_collected')",
    )
    .bind(order_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows)
}
