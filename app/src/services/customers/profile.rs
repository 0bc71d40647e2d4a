//! Reading a customer: the profile, the timeline of orders, one order.

use super::*;
use crate::domain::Role;
use crate::domain::customer::{ConsentChannel, LoyaltyTier, format_national};
use crate::domain::order::{Channel, Fulfilment, OrderStatus};
use crate::model::customer::*;
use std::collections::HashMap;

/// Orders per page of the timeline.
pub const HISTORY_PAGE: i64 = 20;
/// Openings listed on a profile for the manager.
const RECENT_ACCESS: i64 = 10;

/// Opens a customer: identity, contact, consents, notes, figures and the
/// newest orders. The opening is logged before anything is returned.
pub async fn profile(db: &Db, staff: &Staff, id: i64) -> AppResult<CustomerProfile> {
    // Before taking a connection: reading the directory may need one.
    let directory = db.locations().await?;
    let mut conn = db.pool.acquire().await?;
    let row = customer_row(&mut conn, id).await?;
    audit::record(
        &mut conn,
        staff,
        AuditAction::ProfileViewed,
        id,
        "identity, contact, consents, preferences, notes, figures, latest orders",
    )
    .await?;
    let consents = consents(&mut conn, id, &directory).await?;
    let notes = notes(&mut conn, id, &directory).await?;
    let figures = figures(&mut conn, id).await?;
    let history = history_page(&mut conn, &directory, id, None, None).await?;
    drop(conn);
    let recent_access = if staff.role == Role::Manager {
        Some(audit::recent_access(db, id, RECENT_ACCESS).await?)
    } else {
        None
    };
    Ok(CustomerProfile {
        id: row.id,
        phone: format_national(&row.phone),
        favourite_shop: row
            .home_location_id
            .as_deref()
            .map(|h| name_in(&directory, h)),
        favourite_shop_id: row.home_location_id,
        tier: row.loyalty_tier.as_deref().and_then(LoyaltyTier::from_code),
        points: row.loyalty_points,
        customer_since_ms: row.created_at,
        erased: row.erased_at.is_some(),
        first_name: row.first_name,
        last_name: row.last_name,
        email: row.email,
        street: row.street,
        postcode: row.postcode,
        city: row.city,
        loyalty_card: row.loyalty_card,
        top_size: row.top_size,
        bottom_size: row.bottom_size,
        preferences: row.preferences,
        consents,
        notes,
        figures,
        history,
        recent_access,
    })
}

pub(super) async fn consents(
    conn: &mut AnyConnection,
    id: i64,
    directory: &Directory,
) -> AppResult<Vec<Consent>> {
    let rows: Vec<(String, i64, i64, String, String)> = sqlx::query_as(
        "SELECT channel, granted, changed_at, source, changed_by FROM customer_consents \
         WHERE customer_id = $1 ORDER BY channel",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut found: HashMap<ConsentChannel, Consent> = HashMap::new();
    for (channel, granted, changed_ms, source, changed_by) in rows {
        if let Some(channel) = ConsentChannel::from_code(&channel) {
            let source = if source == "web" {
                source
            } else {
                name_in(directory, &source)
            };
            found.insert(
                channel,
                Consent {
                    channel,
                    granted: granted == 1,
                    changed_ms,
                    source,
                    changed_by,
                },
            );
        }
    }
    // Every channel is listed: one never asked about reads "no".
    Ok(ConsentChannel::ALL
        .into_iter()
        .map(|channel| {
            found.remove(&channel).unwrap_or(Consent {
                channel,
                granted: false,
                changed_ms: 0,
                source: String::new(),
                changed_by: String::new(),
            })
        })
        .collect())
}

pub(super) async fn notes(
    conn: &mut AnyConnection,
    id: i64,
    directory: &Directory,
) -> AppResult<Vec<CustomerNote>> {
    let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, body, author_name, location_id, created_at FROM customer_notes \
         WHERE customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT 50",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, body, author_name, location, created_ms)| CustomerNote {
                id,
                body,
                author_name,
                location_name: name_in(directory, &location),
                created_ms,
            },
        )
        .collect())
}

/// Orders that count in the figures: not cancelled, not expired.
const COUNTED: &str = "o.status NOT IN ('cancelled', 'expired')";

pub(super) async fn figures(conn: &mut AnyConnection, id: i64) -> AppResult<CustomerFigures> {
    // One round trip: counts by channel, spend and visits from the orders,
    // units from their lines, refunds from the returns.
    let row: (i64, i64, i64, i64, i64, Option<i64>, i64, i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT CAST(COALESCE(SUM(CASE WHEN o.channel = 'web' THEN 1 ELSE 0 END), 0) AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN o.channel = 'store' THEN 1 ELSE 0 END), 0) AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN o.channel = 'kiosk' THEN 1 ELSE 0 END), 0) AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN {COUNTED} THEN o.total_cents ELSE 0 END), 0) AS BIGINT), \
                CAST(COALESCE(SUM(CASE WHEN {COUNTED} THEN 1 ELSE 0 END), 0) AS BIGINT), \
                MAX(CASE WHEN o.channel <> 'web' THEN o.created_at END), \
                CAST(COALESCE((SELECT SUM(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id \
                               WHERE o.customer_id = $1 AND {COUNTED}), 0) AS BIGINT), \
                CAST(COALESCE((SELECT SUM(l.returned_qty) FROM order_lines l JOIN orders o ON o.id = l.order_id \
                               WHERE o.customer_id = $1 AND {COUNTED}), 0) AS BIGINT), \
                CAST(COALESCE((SELECT SUM(r.refund_cents) FROM returns r JOIN orders o ON o.id = r.order_id \
                               WHERE o.customer_id = $1), 0) AS BIGINT) \
         FROM orders o WHERE o.customer_id = $1"
    )))
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let (web, store, kiosk, paid, counted, last_visit, units, returned, refunds) = row;
    Ok(CustomerFigures {
        web_orders: web,
        store_orders: store,
        kiosk_orders: kiosk,
        lifetime_spend_cents: paid - refunds,
        average_basket_cents: if counted > 0 { paid / counted } else { 0 },
        last_visit_ms: last_visit,
        return_rate_permille: if units > 0 {
            returned * 1000 / units
        } else {
            0
        },
    })
}

// --------------------------------------------------------------- history

/// A page of a customer's orders, newest first, optionally of one channel;
/// the opening is logged.
pub async fn history(
    db: &Db,
    staff: &Staff,
    id: i64,
    channel: Option<Channel>,
    before: Option<HistoryCursor>,
) -> AppResult<HistoryPage> {
    // Before taking a connection: reading the directory may need one.
    let directory = db.locations().await?;
    let mut conn = db.pool.acquire().await?;
    customer_row(&mut conn, id).await?;
    let detail = match channel {
        Some(channel) => format!("orders ({})", channel.as_str()),
        None => "orders".to_string(),
    };
    audit::record(&mut conn, staff, AuditAction::HistoryViewed, id, &detail).await?;
    history_page(&mut conn, &directory, id, channel, before).await
}

type EventRow = (i64, Option<String>, String, String, String, Option<String>);
pub(super) type OrderRow = (
    i64,
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<String>,
    Option<String>,
);
type LineRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    i64,
    i64,
    i64,
    i64,
    Option<String>,
);

async fn history_page(
    conn: &mut AnyConnection,
    directory: &Directory,
    id: i64,
    channel: Option<Channel>,
    before: Option<HistoryCursor>,
) -> AppResult<HistoryPage> {
    let mut sql = String::from(
        "SELECT id, reference, channel, fulfilment, status, created_at, total_cents, \
                selling_location_id, pickup_location_id \
         FROM orders WHERE customer_id = $1",
    );
    // Placeholders numbered as the values are bound below.
    let mut next = 3;
    if channel.is_some() {
        sql.push_str(&format!(" AND channel = ${next}"));
        next += 1;
    }
    if before.is_some() {
        sql.push_str(&format!(
            " AND (created_at < ${next} OR (created_at = ${next} AND id < ${}))",
            next + 1
        ));
    }
    sql.push_str(" ORDER BY created_at DESC, id DESC LIMIT $2");
    // Built from fixed text: every value is bound below.
    let mut query = sqlx::query_as::<_, OrderRow>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(HISTORY_PAGE + 1);
    if let Some(channel) = channel {
        query = query.bind(channel.as_str());
    }
    if let Some(cursor) = before {
        query = query.bind(cursor.created_ms).bind(cursor.id);
    }
    let mut rows = query.fetch_all(&mut *conn).await?;
    let more = if rows.len() as i64 > HISTORY_PAGE {
        rows.truncate(HISTORY_PAGE as usize);
        rows.last().map(|row| HistoryCursor {
            created_ms: row.5,
            id: row.0,
        })
    } else {
        None
    };
    let orders = summaries(conn, directory, rows).await?;
    Ok(HistoryPage { orders, more })
}

/// Orders with their lines and returns, in the order given.
pub(super) async fn summaries(
    conn: &mut AnyConnection,
    directory: &Directory,
    rows: Vec<OrderRow>,
) -> AppResult<Vec<OrderSummary>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut lines = lines_of(conn, directory, &ids).await?;
    // Returns are read only for the orders that have some: a return always
    // counts its units on the lines (most pages have none to read).
    let returned: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| {
            lines
                .get(id)
                .is_some_and(|l| l.iter().any(|line| line.returned > 0))
        })
        .collect();
    let mut returns = if returned.is_empty() {
        HashMap::new()
    } else {
        returns_of(conn, directory, &returned).await?
    };
    Ok(rows
        .into_iter()
        .map(
            |(id, reference, channel, fulfilment, status, created_ms, total, sold, collect)| {
                OrderSummary {
                    id,
                    reference,
                    channel: channel_of(&channel),
                    fulfilment: fulfilment_of(&fulfilment),
                    status: OrderStatus::parse(&status).unwrap_or(OrderStatus::Placed),
                    created_ms,
                    total_cents: total,
                    sold_at: sold.map(|s| name_in(directory, &s)),
                    collect_at: collect.map(|c| name_in(directory, &c)),
                    lines: lines.remove(&id).unwrap_or_default(),
                    returns: returns.remove(&id).unwrap_or_default(),
                }
            },
        )
        .collect())
}

fn channel_of(code: &str) -> Channel {
    match code {
        "web" => Channel::Web,
        "kiosk" => Channel::Kiosk,
        _ => Channel::Store,
    }
}

fn fulfilment_of(code: &str) -> Fulfilment {
    match code {
        "ship" => Fulfilment::Ship,
        "collect" => Fulfilment::Collect,
        _ => Fulfilment::Carry,
    }
}

async fn lines_of(
    conn: &mut AnyConnection,
    directory: &Directory,
    order_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<OrderLineView>>> {
    // Built from placeholders only: every value is bound below.
    let sql = format!(
        "SELECT l.order_id, l.line_no, l.sku, p.name, s.colour, s.size, l.quantity, \
                l.unit_price_cents, l.handed_over_qty, l.returned_qty, l.source_location_id \
         FROM order_lines l JOIN skus s ON s.sku = l.sku JOIN products p ON p.id = s.product_id \
         WHERE l.order_id IN ({}) ORDER BY l.order_id, l.line_no",
        placeholders(1, order_ids.len())
    );
    let mut query = sqlx::query_as::<_, LineRow>(sqlx::AssertSqlSafe(sql));
    for id in order_ids {
        query = query.bind(*id);
    }
    let mut by_order: HashMap<i64, Vec<OrderLineView>> = HashMap::new();
    for (
        order_id,
        line_no,
        sku,
        product_name,
        colour,
        size,
        quantity,
        price,
        handed,
        returned,
        source,
    ) in query.fetch_all(&mut *conn).await?
    {
        by_order.entry(order_id).or_default().push(OrderLineView {
            line_no,
            sku,
            product_name,
            colour,
            size,
            quantity,
            unit_price_cents: price,
            handed_over: handed,
            returned,
            source: source.map(|s| name_in(directory, &s)),
        });
    }
    Ok(by_order)
}

async fn returns_of(
    conn: &mut AnyConnection,
    directory: &Directory,
    order_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<ReturnView>>> {
    // Built from placeholders only: every value is bound below.
    let sql = format!(
        "SELECT r.order_id, r.id, r.created_at, r.location_id, r.refund_cents, r.refund_method, \
                rl.quantity, rl.reason \
         FROM returns r LEFT JOIN return_lines rl ON rl.return_id = r.id \
         WHERE r.order_id IN ({}) ORDER BY r.order_id, r.created_at, r.id",
        placeholders(1, order_ids.len())
    );
    let mut query = sqlx::query_as::<
        _,
        (
            i64,
            i64,
            i64,
            String,
            i64,
            String,
            Option<i64>,
            Option<String>,
        ),
    >(sqlx::AssertSqlSafe(sql));
    for id in order_ids {
        query = query.bind(*id);
    }
    let mut by_order: HashMap<i64, Vec<(i64, ReturnView)>> = HashMap::new();
    for (order_id, return_id, at, location, refund, method, units, reason) in
        query.fetch_all(&mut *conn).await?
    {
        let list = by_order.entry(order_id).or_default();
        if list.last().is_none_or(|(id, _)| *id != return_id) {
            list.push((
                return_id,
                ReturnView {
                    at_ms: at,
                    shop: name_in(directory, &location),
                    refund_cents: refund,
                    refund_method: method,
                    units: 0,
                    reasons: Vec::new(),
                },
            ));
        }
        if let Some((_, view)) = list.last_mut() {
            view.units += units.unwrap_or(0);
            if let Some(reason) = reason
                && !view.reasons.contains(&reason)
            {
                view.reasons.push(reason);
            }
        }
    }
    Ok(by_order
        .into_iter()
        .map(|(order, list)| (order, list.into_iter().map(|(_, v)| v).collect()))
        .collect())
}

// ----------------------------------------------------------------- order

/// One order with its lines, its events and each line's stock in the
/// viewer's shop; the opening is logged (when the order has a customer).
pub async fn order_detail(db: &Db, staff: &Staff, reference: &str) -> AppResult<OrderDetail> {
    let reference = reference.trim().to_uppercase();
    // Before taking a connection: reading the directory may need one.
    let directory = db.locations().await?;
    let mut conn = db.pool.acquire().await?;
    let found: Option<(OrderRow, Option<i64>, Option<String>)> = sqlx::query_as::<
        _,
        (
            i64,
            String,
            String,
            String,
            String,
            i64,
            i64,
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<String>,
        ),
    >(
        "SELECT id, reference, channel, fulfilment, status, created_at, total_cents, \
                selling_location_id, pickup_location_id, customer_id, ship_address \
         FROM orders WHERE reference = $1",
    )
    .bind(&reference)
    .fetch_optional(&mut *conn)
    .await?
    .map(|(a, b, c, d, e, f, g, h, i, customer, address)| {
        ((a, b, c, d, e, f, g, h, i), customer, address)
    });
    let Some((row, customer_id, ship_address)) = found else {
        return Err(AppError::UnknownOrder { reference });
    };
    let order_id = row.0;
    let customer_name = match customer_id {
        Some(customer) => {
            audit::record(
                &mut conn,
                staff,
                AuditAction::OrderViewed,
                customer,
                &format!("order {reference}: lines, events, address"),
            )
            .await?;
            let names: Option<(String, String)> =
                sqlx::query_as("SELECT first_name, last_name FROM customers WHERE id = $1")
                    .bind(customer)
                    .fetch_optional(&mut *conn)
                    .await?;
            names
                .map(|(first, last)| format!("{first} {last}").trim().to_string())
                .unwrap_or_default()
        }
        None => String::new(),
    };
    let mut orders = summaries(&mut conn, &directory, vec![row]).await?;
    let Some(order) = orders.pop() else {
        return Err(AppError::UnknownOrder { reference });
    };
    let events: Vec<EventRow> = sqlx::query_as(
        "SELECT created_at, from_status, to_status, actor, device, note FROM order_events \
         WHERE order_id = $1 ORDER BY created_at, id",
    )
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    // Every line's stock here, in one query.
    let skus: Vec<&str> = order.lines.iter().map(|l| l.sku.as_str()).collect();
    let sql = format!(
        "SELECT sku, on_hand - reserved - safety FROM stock_levels \
         WHERE location_id = $1 AND sku IN ({})",
        placeholders(2, skus.len().max(1))
    );
    // Built from placeholders only: every value is bound below.
    let mut query =
        sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql)).bind(staff.location.as_str());
    for sku in if skus.is_empty() { vec![""] } else { skus } {
        query = query.bind(sku);
    }
    let here: HashMap<String, i64> = query.fetch_all(&mut *conn).await?.into_iter().collect();
    let lines = order
        .lines
        .iter()
        .map(|line| OrderLineStock {
            line: line.clone(),
            available_here: here.get(&line.sku).copied().unwrap_or(0).max(0),
        })
        .collect();
    Ok(OrderDetail {
        customer_id,
        customer_name,
        ship_address,
        lines,
        events: events
            .into_iter()
            .filter_map(|(at, from, to, actor, device, note)| {
                Some(OrderEventView {
                    at_ms: at,
                    from: from.as_deref().and_then(|f| OrderStatus::parse(f).ok()),
                    to: OrderStatus::parse(&to).ok()?,
                    actor,
                    device,
                    note,
                })
            })
            .collect(),
        order,
    })
}
