//! Returns in the shop of goods bought on any channel: the order found by
//! its reference (typed or scanned from the receipt's QR), what each line
//! allows, the return recorded once with its stock and money, the
//! manager's approvals and quarantine, and the goods sent to the warehouse.

pub mod approvals;
pub mod quarantine;
pub mod record;

use crate::db::{Db, Directory, now_ms};
use crate::domain::Role;
use crate::domain::order::{Channel, OrderStatus};
use crate::domain::returns::{FamilyRule, LineFacts, RefundMethod, eligibility};
use crate::domain::{Cents, Lang};
use crate::error::{AppError, AppResult};
use crate::model::LocationKind;
use crate::model::pickup::{PickupChange, PickupEvent};
use crate::model::returns::{ExchangeOption, PastReturn, ReturnOrder, ReturnableLine};
use crate::services::Actor;
use crate::services::audit::{AuditAction, Staff, record_read};
use sqlx::AnyConnection;

/// Returns are taken by the shop's staff, never at the kiosk.
pub(crate) fn check_staff(staff: &Staff) -> AppResult<()> {
    match staff.role {
        Role::Associate | Role::Manager => Ok(()),
        Role::Kiosk => Err(AppError::Forbidden),
    }
}

pub(crate) fn actor_of(staff: &Staff) -> Actor {
    Actor::new(staff.username.clone(), staff.device.clone())
}

pub(crate) fn location_name(directory: &Directory, id: &str) -> String {
    directory
        .position(id)
        .map(|i| directory.locations[i].name.clone())
        .unwrap_or_else(|| id.to_string())
}

/// The warehouse nearest to a location: where its returns go.
pub(crate) fn nearest_warehouse(directory: &Directory, from: &str) -> AppResult<String> {
    let origin = directory
        .position(from)
        .map(|i| &directory.locations[i])
        .ok_or_else(|| AppError::UnknownLocation {
            location: from.to_string(),
        })?;
    directory
        .locations
        .iter()
        .filter(|l| l.kind == LocationKind::Warehouse)
        .min_by(|a, b| {
            let da = crate::domain::geo::distance_km(
                origin.latitude,
                origin.longitude,
                a.latitude,
                a.longitude,
            );
            let db = crate::domain::geo::distance_km(
                origin.latitude,
                origin.longitude,
                b.latitude,
                b.longitude,
            );
            da.total_cmp(&db)
        })
        .map(|l| l.id.clone())
        .ok_or(AppError::Internal)
}

/// An order as the return needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct OrderRow {
    pub id: i64,
    pub reference: String,
    pub channel: String,
    pub customer_id: Option<i64>,
    pub contact_email: Option<String>,
    pub lang: String,
    pub payment_status: String,
    pub delivery_fee_cents: i64,
    pub created_at: i64,
    /// The customer's e-mail and store credit, when one is on record (and
    /// not erased): for the receipt.
    pub customer_email: Option<String>,
    pub store_credit_cents: Option<i64>,
}

impl OrderRow {
    pub fn lang(&self) -> Lang {
        Lang::parse(&self.lang).unwrap_or(Lang::Fr)
    }
}

/// A live notice to a shop's screens that an order's return changed
/// (an approval asked or decided, a return recorded).
pub(crate) async fn notice(
    conn: &mut AnyConnection,
    reference: &str,
    location: &str,
    change: PickupChange,
) -> AppResult<PickupEvent> {
    let status: Option<String> =
        sqlx::query_scalar("SELECT status FROM orders WHERE reference = $1")
            .bind(reference)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(notice_of(
        reference,
        location,
        change,
        status.as_deref().unwrap_or_default(),
    ))
}

/// The notice of an order whose status is already known.
pub(crate) fn notice_of(
    reference: &str,
    location: &str,
    change: PickupChange,
    status: &str,
) -> PickupEvent {
    PickupEvent {
        location_id: location.to_string(),
        fulfilment_id: 0,
        reference: reference.to_string(),
        status: OrderStatus::parse(status).unwrap_or(OrderStatus::Completed),
        change,
        slot: None,
        waiting_since: None,
        at_ms: now_ms(),
    }
}

/// Order references as people type and scanners read them: any case,
/// spaces around.
pub(crate) fn clean_reference(raw: &str) -> String {
    raw.trim().to_ascii_uppercase()
}

pub(crate) async fn order_by_reference(
    conn: &mut AnyConnection,
    reference: &str,
) -> AppResult<OrderRow> {
    let reference = clean_reference(reference);
    let row: Option<OrderRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ORDER_COLUMNS} \
         FROM orders o LEFT JOIN customers c ON c.id = o.customer_id AND c.erased_at IS NULL \
         WHERE o.reference = $1"
    )))
    .bind(&reference)
    .fetch_optional(&mut *conn)
    .await?;
    row.ok_or(AppError::UnknownOrder { reference })
}

/// One order line with what its return needs: the product, its family's
/// rule, and when the customer had it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct LineRow {
    pub line_id: i64,
    pub line_no: i64,
    pub sku: String,
    pub ean: String,
    pub product_name: String,
    pub colour: String,
    pub size: String,
    pub category: String,
    pub department: String,
    pub quantity: i64,
    pub cancelled: i64,
    pub delivered: i64,
    pub returned: i64,
    pub unit_price_cents: i64,
    pub discount_cents: i64,
    pub delivered_at: Option<i64>,
    pub window_days: i64,
    pub final_sale: i64,
    /// The pickup still waiting for the line's undelivered units (collect
    /// orders): where the associate cancels them instead.
    pub open_pickup: Option<i64>,
}

impl LineRow {
    pub fn facts(&self) -> LineFacts {
        LineFacts {
            quantity: self.quantity,
            cancelled: self.cancelled,
            delivered: self.delivered,
            returned: self.returned,
            delivered_at: self.delivered_at,
        }
    }

    pub fn rule(&self) -> FamilyRule {
        FamilyRule {
            window_days: self.window_days,
            final_sale: self.final_sale != 0,
        }
    }

    /// What the customer paid for the whole line.
    pub fn net(&self) -> Cents {
        Cents((self.unit_price_cents * self.quantity - self.discount_cents).max(0))
    }
}

/// The moment the customer had a line's goods: at the till for goods
/// taken now, at the (last) handover or the delivery otherwise.
pub(crate) async fn lines_of(conn: &mut AnyConnection, order_id: i64) -> AppResult<Vec<LineRow>> {
    let rows: Vec<LineRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {LINE_COLUMNS} FROM {LINE_TABLES} WHERE l.order_id = $1 ORDER BY l.line_no"
    )))
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows)
}

/// The columns of [`LineRow`], over [`LINE_TABLES`].
const LINE_COLUMNS: &str = "l.id AS line_id, l.line_no, l.sku, s.ean, p.name AS product_name, s.colour, s.size, \
     p.category, p.department, l.quantity, l.cancelled_qty AS cancelled, \
     l.handed_over_qty AS delivered, l.returned_qty AS returned, l.unit_price_cents, \
     l.discount_cents, \
     CASE WHEN f.kind = 'carry' OR f.kind IS NULL THEN o.created_at \
          WHEN f.status IN ('completed', 'partially_collected', 'expired', 'cancelled') \
               THEN COALESCE(f.collected_at, f.updated_at) \
          ELSE f.collected_at END AS delivered_at, \
     COALESCE(rp.window_days, rd.window_days, 30) AS window_days, \
     COALESCE(rp.final_sale, rd.final_sale, 0) AS final_sale, \
     CASE WHEN f.kind = 'collect' AND f.status NOT IN ('completed', 'expired', 'cancelled') \
          THEN f.id END AS open_pickup";

const LINE_TABLES: &str = "order_lines l \
     JOIN orders o ON o.id = l.order_id \
     JOIN skus s ON s.sku = l.sku \
     JOIN products p ON p.id = s.product_id \
     LEFT JOIN order_fulfilments f ON f.id = l.fulfilment_id \
     LEFT JOIN return_policies rp ON rp.category = p.category \
     LEFT JOIN return_policies rd ON rd.category = '*'";

/// The columns of [`OrderRow`], over `orders o` and `customers c`.
const ORDER_COLUMNS: &str = "o.id, o.reference, o.channel, o.customer_id, o.contact_email, o.lang, \
     o.payment_status, o.delivery_fee_cents, o.created_at, c.email AS customer_email, \
     c.store_credit_cents";

#[derive(sqlx::FromRow)]
struct OrderLineRow {
    #[sqlx(flatten)]
    order: OrderRow,
    #[sqlx(flatten)]
    line: LineRow,
}

/// The order of `reference` and its lines, in one statement.
pub(crate) async fn order_and_lines(
    conn: &mut AnyConnection,
    reference: &str,
) -> AppResult<(OrderRow, Vec<LineRow>)> {
    let rows: Vec<OrderLineRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ORDER_COLUMNS}, {LINE_COLUMNS} FROM {LINE_TABLES} \
         LEFT JOIN customers c ON c.id = o.customer_id AND c.erased_at IS NULL \
         WHERE o.reference = $1 ORDER BY l.line_no"
    )))
    .bind(clean_reference(reference))
    .fetch_all(&mut *conn)
    .await?;
    let Some(first) = rows.first() else {
        // No line: an unknown order (said so), or one without lines.
        return Ok((order_by_reference(conn, reference).await?, Vec::new()));
    };
    let order = first.order.clone();
    Ok((order, rows.into_iter().map(|row| row.line).collect()))
}

/// Money in and out of an order so far.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct MoneySoFar {
    pub paid: Cents,
    pub refunded: Cents,
    pub fee_refunded: Cents,
}

/// One refund so far: a line's units (or the delivery fee, no line), and
/// the way the money went.
#[derive(Debug, Clone)]
pub(crate) struct RefundSoFar {
    pub line_id: Option<i64>,
    pub quantity: i64,
    pub amount: i64,
    pub payment_method: Option<String>,
}

/// An order's payments and refunds so far, read in one statement.
#[derive(Debug, Clone, Default)]
pub(crate) struct MoneyBooks {
    /// How the order was paid (way, amount, reference), largest first.
    pub payments: Vec<(String, i64, Option<String>)>,
    pub refunds: Vec<RefundSoFar>,
}

impl MoneyBooks {
    pub fn so_far(&self) -> MoneySoFar {
        MoneySoFar {
            paid: Cents(self.payments.iter().map(|p| p.1).sum()),
            refunded: Cents(self.refunds.iter().map(|r| r.amount).sum()),
            fee_refunded: Cents(
                self.refunds
                    .iter()
                    .filter(|r| r.line_id.is_none())
                    .map(|r| r.amount)
                    .sum(),
            ),
        }
    }

    /// Units and money already given back per line.
    pub fn per_line(&self) -> std::collections::BTreeMap<i64, (i64, i64)> {
        let mut lines = std::collections::BTreeMap::new();
        for refund in &self.refunds {
            if let Some(line_id) = refund.line_id {
                let entry: &mut (i64, i64) = lines.entry(line_id).or_default();
                entry.0 += refund.quantity;
                entry.1 += refund.amount;
            }
        }
        lines
    }

    /// Money already given back the way `method` paid.
    pub fn refunded_to(&self, method: &str) -> i64 {
        self.refunds
            .iter()
            .filter(|r| r.payment_method.as_deref() == Some(method))
            .map(|r| r.amount)
            .sum()
    }
}

pub(crate) async fn money_books(conn: &mut AnyConnection, order_id: i64) -> AppResult<MoneyBooks> {
    type Row = (
        i64,
        i64,
        Option<String>,
        i64,
        Option<String>,
        Option<i64>,
        i64,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT CAST(0 AS BIGINT), id, method, amount_cents, reference, CAST(NULL AS BIGINT), \
                CAST(0 AS BIGINT) \
         FROM payments WHERE order_id = $1 \
         UNION ALL \
         SELECT CAST(1 AS BIGINT), id, payment_method, amount_cents, CAST(NULL AS TEXT), order_line_id, \
                quantity \
         FROM refunds WHERE order_id = $1",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut payments: Vec<(i64, String, i64, Option<String>)> = Vec::new();
    let mut books = MoneyBooks::default();
    for (is_refund, id, method, amount, reference, line_id, quantity) in rows {
        if is_refund == 0 {
            payments.push((id, method.unwrap_or_default(), amount, reference));
        } else {
            books.refunds.push(RefundSoFar {
                line_id,
                quantity,
                amount,
                payment_method: method,
            });
        }
    }
    payments.sort_by_key(|(id, _, amount, _)| (std::cmp::Reverse(*amount), *id));
    books.payments = payments
        .into_iter()
        .map(|(_, method, amount, reference)| (method, amount, reference))
        .collect();
    Ok(books)
}

pub(crate) async fn past_returns(
    conn: &mut AnyConnection,
    directory: &Directory,
    order_id: i64,
) -> AppResult<Vec<PastReturn>> {
    let rows: Vec<(String, String, String, i64, i64, i64, String)> = sqlx::query_as(
        "SELECT r.reference, r.location_id, r.created_by, r.created_at, \
                CAST(COALESCE((SELECT SUM(rl.quantity) FROM return_lines rl WHERE rl.return_id = r.id), 0) AS BIGINT), \
                r.refund_cents, r.refund_method \
         FROM returns r WHERE r.order_id = $1 ORDER BY r.created_at, r.id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(reference, location, created_by, created_at, units, refund, method)| PastReturn {
                reference,
                location_name: location_name(directory, &location),
                created_by,
                created_at,
                units,
                refund: Cents(refund),
                refund_method: RefundMethod::from_code(&method)
                    .unwrap_or(RefundMethod::OriginalPayment),
            },
        )
        .collect())
}

/// What each line allows now.
pub(crate) fn returnable_lines(lines: &[LineRow], now: i64) -> Vec<ReturnableLine> {
    lines
        .iter()
        .map(|line| {
            let allowed = eligibility(line.facts(), line.rule(), now);
            ReturnableLine {
                line_id: line.line_id,
                line_no: line.line_no,
                sku: line.sku.clone(),
                ean: line.ean.clone(),
                product_name: line.product_name.clone(),
                colour: line.colour.clone(),
                size: line.size.clone(),
                category: line.category.clone(),
                quantity: line.quantity,
                delivered: line.delivered,
                returned: line.returned,
                returnable: allowed.returnable,
                not_delivered: allowed.not_delivered,
                unit_refund: Cents(crate::services::pickups::unit_net(
                    line.unit_price_cents,
                    line.quantity,
                    line.discount_cents,
                )),
                verdict: allowed.verdict,
                exchange_options: Vec::new(),
                open_pickup: line.open_pickup.filter(|_| allowed.not_delivered > 0),
            }
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct VariantRow {
    for_sku: String,
    sku: String,
    colour: String,
    size: String,
    price_cents: i64,
    on_hand: i64,
    reserved: i64,
    safety: i64,
}

/// Gives each line the other variants of its product that `here` can sell
/// now (in the catalogue's order), for an exchange.
async fn add_exchange_options(
    conn: &mut AnyConnection,
    order_id: i64,
    here: &str,
    lines: &mut [ReturnableLine],
) -> AppResult<()> {
    let rows: Vec<VariantRow> = sqlx::query_as(
        "SELECT DISTINCT me.sku AS for_sku, s.sku, s.colour, s.size, s.price_cents, s.ordinal, \
                COALESCE(l.on_hand, 0) AS on_hand, COALESCE(l.reserved, 0) AS reserved, \
                COALESCE(l.safety, 0) AS safety \
         FROM order_lines ol \
         JOIN skus me ON me.sku = ol.sku \
         JOIN skus s ON s.product_id = me.product_id AND s.sku <> me.sku \
         LEFT JOIN stock_levels l ON l.sku = s.sku AND l.location_id = $2 \
         WHERE ol.order_id = $1 ORDER BY s.ordinal",
    )
    .bind(order_id)
    .bind(here)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let available = crate::domain::stock::StockFigures {
            on_hand: row.on_hand,
            reserved: row.reserved,
            safety: row.safety,
        }
        .available();
        if available == 0 {
            continue;
        }
        for line in lines.iter_mut().filter(|l| l.sku == row.for_sku) {
            line.exchange_options.push(ExchangeOption {
                sku: row.sku.clone(),
                colour: row.colour.clone(),
                size: row.size.clone(),
                price: Cents(row.price_cents),
                available,
            });
        }
    }
    Ok(())
}

/// The order brought back, as the return screen shows it. The customer's
/// name and balance are personal data: their reading is logged first.
pub async fn order_for_return(db: &Db, staff: &Staff, reference: &str) -> AppResult<ReturnOrder> {
    check_staff(staff)?;
    let directory = db.locations().await?;
    let mut conn = db.pool.acquire().await?;
    let order = order_by_reference(&mut conn, reference).await?;
    let view = build_order_view(&mut conn, &directory, staff, &order).await?;
    drop(conn);
    if let Some(customer_id) = order.customer_id {
        record_read(
            db,
            &staff.reader(),
            AuditAction::OrderViewed,
            customer_id,
            &format!("return of {}", order.reference),
        )
        .await?;
    }
    Ok(view)
}

pub(crate) async fn build_order_view(
    conn: &mut AnyConnection,
    directory: &Directory,
    staff: &Staff,
    order: &OrderRow,
) -> AppResult<ReturnOrder> {
    let now = now_ms();
    let lines = lines_of(conn, order.id).await?;
    let books = money_books(conn, order.id).await?;
    let money = books.so_far();
    let payments = &books.payments;
    let customer: Option<(String, String, i64)> = match order.customer_id {
        Some(id) => {
            sqlx::query_as(
                "SELECT first_name, last_name, store_credit_cents FROM customers \
                 WHERE id = $1 AND erased_at IS NULL",
            )
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
        }
        None => None,
    };
    let approval = approvals::latest(conn, order.id, staff.location.as_str()).await?;
    let mut returnable = returnable_lines(&lines, now);
    add_exchange_options(conn, order.id, staff.location.as_str(), &mut returnable).await?;
    let mut methods: Vec<String> = Vec::new();
    for (method, _, _) in payments {
        if !methods.contains(method) {
            methods.push(method.clone());
        }
    }
    Ok(ReturnOrder {
        order_id: order.id,
        reference: order.reference.clone(),
        channel: Channel::from_code(&order.channel),
        created_at: order.created_at,
        lang: order.lang(),
        paid: order.payment_status == "paid",
        customer_id: customer.as_ref().and(order.customer_id),
        customer_name: customer
            .as_ref()
            .map(|(first, last, _)| format!("{first} {last}")),
        store_credit: customer.as_ref().map(|(_, _, credit)| Cents(*credit)),
        payment_methods: methods,
        paid_total: money.paid,
        refunded_total: money.refunded,
        delivery_fee: Cents(order.delivery_fee_cents),
        delivery_fee_refunded: money.fee_refunded,
        lines: returnable,
        past_returns: past_returns(conn, directory, order.id).await?,
        approval,
        now_ms: now,
    })
}

/// An order's returns as receipts, and all the money given back on it
/// (returns and cancelled units): what other systems read.
pub async fn of_order(
    db: &Db,
    order_id: i64,
) -> AppResult<(Cents, Vec<crate::model::returns::ReturnReceipt>)> {
    let directory = db.locations().await?;
    let mut conn = db.pool.acquire().await?;
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM returns WHERE order_id = $1 ORDER BY id")
            .bind(order_id)
            .fetch_all(&mut *conn)
            .await?;
    let mut receipts = Vec::with_capacity(ids.len());
    for id in ids {
        receipts.push(record::receipt(&mut conn, &directory, id).await?);
    }
    let money = money_books(&mut conn, order_id).await?.so_far();
    Ok((money.refunded, receipts))
}
