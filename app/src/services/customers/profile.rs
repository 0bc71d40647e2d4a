//! Reading a customer: the profile, the timeline of orders, one order.

use super::*;
use crate::db::Backend;
use crate::domain::Role;
use crate::domain::customer::{ConsentChannel, LoyaltyTier, format_national};
use crate::domain::order::{Channel, Fulfilment, OrderStatus};
use crate::model::customer::*;
use sqlx::Connection;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Orders per page of the timeline.
pub const HISTORY_PAGE: i64 = 20;
/// Openings listed on a profile for the manager.
const RECENT_ACCESS: i64 = 10;

/// Opens a customer: identity, contact, consents, notes, figures and the
/// newest orders. The opening is logged before anything is returned.
///
/// Every part is read by one statement (`profile_sql`), so from one state
/// of the base without a transaction, and in one round trip: an associate
/// opens customers all day, and each statement was a round trip to the
/// server (PostgreSQL) or to the connection's thread (SQLite) that the
/// opening waited for.
pub async fn profile(db: &Db, staff: &Staff, id: i64) -> AppResult<CustomerProfile> {
    let directory = db.locations().await?;
    let ProfileRow {
        customer: row,
        figures,
        consents,
        notes,
        timeline,
    } = sqlx::query_as(sqlx::AssertSqlSafe(profile_sql(db.backend)))
        .bind(id)
        .bind(HISTORY_PAGE + 1)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::UnknownCustomer { customer_id: id })?;
    let figures = CustomerFigures::from(figures);
    let consents = ConsentChannel::ALL
        .into_iter()
        .zip(consents.0)
        .map(|(channel, consent)| consent_of(channel, consent, &directory))
        .collect();
    let notes = note_views(from_json(&notes)?, &directory);
    let history = timeline.page(&directory)?;
    audit::record_read(
        db,
        &staff.reader(),
        AuditAction::ProfileViewed,
        id,
        "identity, contact, consents, preferences, notes, figures, latest orders",
    )
    .await?;
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
        store_credit: crate::domain::Cents(row.store_credit_cents),
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
    let mut found: HashMap<ConsentChannel, ConsentRow> = HashMap::new();
    for (channel, granted, changed_ms, source, changed_by) in rows {
        if let Some(channel) = ConsentChannel::from_code(&channel) {
            found.insert(channel, (granted, changed_ms, source, changed_by));
        }
    }
    Ok(ConsentChannel::ALL
        .into_iter()
        .map(|channel| consent_of(channel, found.remove(&channel), directory))
        .collect())
}

/// A consent as stored: granted (0 or 1), when, where, by whom.
type ConsentRow = (i64, i64, String, String);

/// A channel's consent; one never asked about reads "no".
fn consent_of(channel: ConsentChannel, row: Option<ConsentRow>, directory: &Directory) -> Consent {
    match row {
        Some((granted, changed_ms, source, changed_by)) => Consent {
            channel,
            granted: granted == 1,
            changed_ms,
            // The web shop is not a location.
            source: if source == "web" {
                source
            } else {
                name_in(directory, &source)
            },
            changed_by,
        },
        None => Consent {
            channel,
            granted: false,
            changed_ms: 0,
            source: String::new(),
            changed_by: String::new(),
        },
    }
}

/// Each channel's consent, as columns `granted_N`, `changed_at_N`,
/// `source_N`, `changed_by_N` (N the channel's place in
/// `ConsentChannel::ALL`), NULL when never asked.
struct ConsentColumns(Vec<Option<ConsentRow>>);

impl<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> for ConsentColumns {
    fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row;
        (0..ConsentChannel::ALL.len())
            .map(|i| {
                let granted: Option<i64> = row.try_get(format!("granted_{i}").as_str())?;
                let Some(granted) = granted else {
                    return Ok(None);
                };
                Ok(Some((
                    granted,
                    row.try_get(format!("changed_at_{i}").as_str())?,
                    row.try_get(format!("source_{i}").as_str())?,
                    row.try_get(format!("changed_by_{i}").as_str())?,
                )))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

pub(super) async fn notes(
    conn: &mut AnyConnection,
    id: i64,
    directory: &Directory,
) -> AppResult<Vec<CustomerNote>> {
    let rows: Vec<NoteRow> = sqlx::query_as(sqlx::AssertSqlSafe(notes_sql()))
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(note_views(rows, directory))
}

/// A note as `NOTE_COLUMNS` reads it.
type NoteRow = (i64, String, String, String, i64);

const NOTE_COLUMNS: &str = "id, body, author_name, location_id, created_at";

/// The customer `$1`'s notes shown, newest first.
fn notes_sql() -> String {
    format!(
        "SELECT {NOTE_COLUMNS} FROM customer_notes \
         WHERE customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT 50"
    )
}

fn note_views(rows: Vec<NoteRow>, directory: &Directory) -> Vec<CustomerNote> {
    rows.into_iter()
        .map(
            |(id, body, author_name, location, created_ms)| CustomerNote {
                id,
                body,
                author_name,
                location_name: name_in(directory, &location),
                created_ms,
            },
        )
        .collect()
}

/// Rows a statement handed over as JSON (`Backend::json_list`).
fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> AppResult<T> {
    serde_json::from_str(text).map_err(|error| {
        tracing::error!(%error, "rows read as JSON do not decode");
        AppError::Internal
    })
}

/// Orders that count in the figures: not cancelled, not expired.
const COUNTED: &str = "o.status NOT IN ('cancelled', 'expired')";

/// A customer's figures as the database sums them (`figures_sql`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub(super) struct FigureRow {
    web_orders: i64,
    store_orders: i64,
    kiosk_orders: i64,
    paid_cents: i64,
    counted_orders: i64,
    last_visit_ms: Option<i64>,
    units: i64,
    returned_units: i64,
    refund_cents: i64,
}

/// One row of sums for the customer bound as `$1`: counts by channel,
/// spend and visits from the orders, units from their lines, refunds from
/// the returns.
fn figures_sql() -> String {
    format!(
        "SELECT CAST(COALESCE(SUM(CASE WHEN o.channel = 'web' THEN 1 ELSE 0 END), 0) AS BIGINT) AS web_orders, \
                CAST(COALESCE(SUM(CASE WHEN o.channel = 'store' THEN 1 ELSE 0 END), 0) AS BIGINT) AS store_orders, \
                CAST(COALESCE(SUM(CASE WHEN o.channel = 'kiosk' THEN 1 ELSE 0 END), 0) AS BIGINT) AS kiosk_orders, \
                CAST(COALESCE(SUM(CASE WHEN {COUNTED} THEN o.total_cents ELSE 0 END), 0) AS BIGINT) AS paid_cents, \
                CAST(COALESCE(SUM(CASE WHEN {COUNTED} THEN 1 ELSE 0 END), 0) AS BIGINT) AS counted_orders, \
                MAX(CASE WHEN o.channel <> 'web' THEN o.created_at END) AS last_visit_ms, \
                CAST(COALESCE((SELECT SUM(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id \
                               WHERE o.customer_id = $1 AND {COUNTED}), 0) AS BIGINT) AS units, \
                CAST(COALESCE((SELECT SUM(l.returned_qty) FROM order_lines l JOIN orders o ON o.id = l.order_id \
                               WHERE o.customer_id = $1 AND {COUNTED}), 0) AS BIGINT) AS returned_units, \
                CAST(COALESCE((SELECT SUM(r.refund_cents) FROM returns r JOIN orders o ON o.id = r.order_id \
                               WHERE o.customer_id = $1), 0) AS BIGINT) AS refund_cents \
         FROM orders o WHERE o.customer_id = $1"
    )
}

pub(super) async fn figures(conn: &mut AnyConnection, id: i64) -> AppResult<CustomerFigures> {
    let row: FigureRow = sqlx::query_as(sqlx::AssertSqlSafe(figures_sql()))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.into())
}

impl From<FigureRow> for CustomerFigures {
    fn from(row: FigureRow) -> Self {
        Self {
            web_orders: row.web_orders,
            store_orders: row.store_orders,
            kiosk_orders: row.kiosk_orders,
            lifetime_spend_cents: row.paid_cents - row.refund_cents,
            average_basket_cents: if row.counted_orders > 0 {
                row.paid_cents / row.counted_orders
            } else {
                0
            },
            last_visit_ms: row.last_visit_ms,
            return_rate_permille: if row.units > 0 {
                row.returned_units * 1000 / row.units
            } else {
                0
            },
        }
    }
}

/// Everything a profile shows, as `profile_sql` reads it.
#[derive(sqlx::FromRow)]
struct ProfileRow {
    #[sqlx(flatten)]
    customer: CustomerRow,
    #[sqlx(flatten)]
    figures: FigureRow,
    #[sqlx(flatten)]
    consents: ConsentColumns,
    /// `NoteRow`s, as JSON.
    notes: String,
    #[sqlx(flatten)]
    timeline: TimelineColumns,
}

/// One statement reading the customer `$1` with their figures, consents
/// (one join per channel), notes and the newest `$2` orders with their
/// lines and returns; no row for an unknown customer. Built once per
/// engine: every opening runs it.
fn profile_sql(backend: Backend) -> &'static str {
    static SQLITE: OnceLock<String> = OnceLock::new();
    static POSTGRES: OnceLock<String> = OnceLock::new();
    let built = match backend {
        Backend::Sqlite => &SQLITE,
        Backend::Postgres => &POSTGRES,
    };
    built.get_or_init(|| build_profile_sql(backend))
}

fn build_profile_sql(backend: Backend) -> String {
    let mut columns = String::new();
    let mut joins = String::new();
    for (i, channel) in ConsentChannel::ALL.into_iter().enumerate() {
        columns.push_str(&format!(
            ", k{i}.granted AS granted_{i}, k{i}.changed_at AS changed_at_{i}, \
             k{i}.source AS source_{i}, k{i}.changed_by AS changed_by_{i}"
        ));
        // The channel's code is ours, not input.
        joins.push_str(&format!(
            " LEFT JOIN customer_consents k{i} ON k{i}.customer_id = c.id AND k{i}.channel = '{}'",
            channel.as_str()
        ));
    }
    let notes = backend.json_list(
        &backend.json_array(NOTE_COLUMNS),
        &format!("FROM ({}) n", notes_sql()),
        "created_at DESC, id DESC",
    );
    format!(
        "{} SELECT c.*, f.*{columns}, {notes} AS notes, {} \
         FROM (SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = $1) c \
         CROSS JOIN ({}) f{joins}",
        page_table(false, false),
        timeline_columns(backend),
        figures_sql()
    )
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
    let directory = db.locations().await?;
    // One statement, as `profile`; no row for an unknown customer.
    let sql = format!(
        "{} SELECT {} FROM customers WHERE id = $1",
        page_table(channel.is_some(), before.is_some()),
        timeline_columns(db.backend)
    );
    // Built from fixed text: every value is bound below.
    let mut query = sqlx::query_as::<_, TimelineColumns>(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .bind(HISTORY_PAGE + 1);
    if let Some(channel) = channel {
        query = query.bind(channel.as_str());
    }
    if let Some(cursor) = before {
        query = query.bind(cursor.created_ms).bind(cursor.id);
    }
    let page = query
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::UnknownCustomer { customer_id: id })?
        .page(&directory)?;
    let detail = match channel {
        Some(channel) => format!("orders ({})", channel.as_str()),
        None => "orders".to_string(),
    };
    audit::record_read(db, &staff.reader(), AuditAction::HistoryViewed, id, &detail).await?;
    Ok(page)
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

/// A line as `LINE_COLUMNS` reads it, as columns or as a JSON array of
/// them in that order; all NULL for an order without lines (the page's
/// orders are joined to their lines).
#[derive(sqlx::FromRow, serde::Deserialize)]
struct LineColumns {
    line_no: Option<i64>,
    sku: Option<String>,
    #[sqlx(rename = "name")]
    product_name: Option<String>,
    colour: Option<String>,
    size: Option<String>,
    quantity: Option<i64>,
    unit_price_cents: Option<i64>,
    handed_over_qty: Option<i64>,
    returned_qty: Option<i64>,
    source_location_id: Option<String>,
}

/// A line's columns, from `order_lines l` joined to `skus s` and
/// `products p`.
const LINE_COLUMNS: &str = "l.line_no, l.sku, p.name, s.colour, s.size, l.quantity, \
     l.unit_price_cents, l.handed_over_qty, l.returned_qty, l.source_location_id";

impl LineColumns {
    /// The line as shown; `None` when there is none.
    fn view(self, directory: &Directory) -> Option<OrderLineView> {
        Some(OrderLineView {
            line_no: self.line_no?,
            sku: self.sku?,
            product_name: self.product_name.unwrap_or_default(),
            colour: self.colour.unwrap_or_default(),
            size: self.size.unwrap_or_default(),
            quantity: self.quantity.unwrap_or(0),
            unit_price_cents: self.unit_price_cents.unwrap_or(0),
            handed_over: self.handed_over_qty.unwrap_or(0),
            returned: self.returned_qty.unwrap_or(0),
            source: self.source_location_id.map(|s| name_in(directory, &s)),
        })
    }
}

/// An order as `OrderRow` reads it.
pub(super) const ORDER_COLUMNS: &str = "id, reference, channel, fulfilment, status, created_at, total_cents, \
     selling_location_id, pickup_location_id";

/// The page of the timeline as the table `page` (`WITH page AS ...`): the
/// customer `$1`'s newest orders, at most `$2`; of the channel `$3` when
/// `channel`; older than the cursor (the next two: time, then id) when
/// `before`.
fn page_table(channel: bool, before: bool) -> String {
    let mut page =
        format!("WITH page AS (SELECT {ORDER_COLUMNS} FROM orders WHERE customer_id = $1");
    // Placeholders numbered as the values are bound.
    let mut next = 3;
    if channel {
        page.push_str(&format!(" AND channel = ${next}"));
        next += 1;
    }
    if before {
        page.push_str(&format!(
            " AND (created_at < ${next} OR (created_at = ${next} AND id < ${}))",
            next + 1
        ));
    }
    page.push_str(" ORDER BY created_at DESC, id DESC LIMIT $2)");
    page
}

/// The columns `page_orders` (each order of `page_table` with one of its
/// lines, newest first) and `page_returns` (their returns), as JSON.
fn timeline_columns(backend: Backend) -> String {
    let orders = backend.json_list(
        &backend.json_array(&format!(
            "{}, {}",
            backend.json_array(&qualified(ORDER_COLUMNS, "o")),
            backend.json_array(LINE_COLUMNS)
        )),
        "FROM page o \
         LEFT JOIN order_lines l ON l.order_id = o.id \
         LEFT JOIN skus s ON s.sku = l.sku \
         LEFT JOIN products p ON p.id = s.product_id",
        "o.created_at DESC, o.id DESC, l.line_no",
    );
    let returns = backend.json_list(
        &backend.json_array(RETURN_COLUMNS),
        &format!("{RETURNS_FROM} WHERE r.order_id IN (SELECT id FROM page)"),
        RETURNS_ORDER,
    );
    format!("{orders} AS page_orders, {returns} AS page_returns")
}

/// `columns` (a comma-separated list) each prefixed with `table`.
fn qualified(columns: &str, table: &str) -> String {
    columns
        .split(',')
        .map(|column| format!("{table}.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A page of the timeline as `timeline_columns` reads it.
#[derive(sqlx::FromRow)]
struct TimelineColumns {
    page_orders: String,
    page_returns: String,
}

impl TimelineColumns {
    /// The page, its orders completed with their lines and returns.
    fn page(self, directory: &Directory) -> AppResult<HistoryPage> {
        let rows: Vec<(OrderRow, LineColumns)> = from_json(&self.page_orders)?;
        let mut orders: Vec<(OrderRow, Vec<OrderLineView>)> = Vec::new();
        for (order, line) in rows {
            if orders.last().is_none_or(|(last, _)| last.0 != order.0) {
                orders.push((order, Vec::new()));
            }
            if let (Some(line), Some((_, lines))) = (line.view(directory), orders.last_mut()) {
                lines.push(line);
            }
        }
        let more = if orders.len() as i64 > HISTORY_PAGE {
            orders.truncate(HISTORY_PAGE as usize);
            orders.last().map(|(row, _)| HistoryCursor {
                created_ms: row.5,
                id: row.0,
            })
        } else {
            None
        };
        let returns = returns_by_order(from_json(&self.page_returns)?, directory);
        Ok(HistoryPage {
            orders: with_returns(orders, returns, directory),
            more,
        })
    }
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
    let orders = rows
        .into_iter()
        .map(|row| {
            let order_lines = lines.remove(&row.0).unwrap_or_default();
            (row, order_lines)
        })
        .collect();
    assemble(conn, directory, orders).await
}

/// Orders with their lines, completed with their returns.
async fn assemble(
    conn: &mut AnyConnection,
    directory: &Directory,
    orders: Vec<(OrderRow, Vec<OrderLineView>)>,
) -> AppResult<Vec<OrderSummary>> {
    // Returns are read only for the orders that have some: a return always
    // counts its units on the lines (most pages have none to read).
    let returned: Vec<i64> = orders
        .iter()
        .filter(|(_, lines)| lines.iter().any(|line| line.returned > 0))
        .map(|(row, _)| row.0)
        .collect();
    let returns = if returned.is_empty() {
        HashMap::new()
    } else {
        returns_of(conn, directory, &returned).await?
    };
    Ok(with_returns(orders, returns, directory))
}

/// Orders with their lines, and each with its returns.
fn with_returns(
    orders: Vec<(OrderRow, Vec<OrderLineView>)>,
    mut returns: HashMap<i64, Vec<ReturnView>>,
    directory: &Directory,
) -> Vec<OrderSummary> {
    orders
        .into_iter()
        .map(
            |(
                (id, reference, channel, fulfilment, status, created_ms, total, sold, collect),
                lines,
            )| {
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
                    lines,
                    returns: returns.remove(&id).unwrap_or_default(),
                }
            },
        )
        .collect()
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

/// An order's line, for `lines_of`.
#[derive(sqlx::FromRow)]
struct LineOfOrder {
    order_id: i64,
    #[sqlx(flatten)]
    line: LineColumns,
}

async fn lines_of(
    conn: &mut AnyConnection,
    directory: &Directory,
    order_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<OrderLineView>>> {
    // Built from placeholders only: every value is bound below.
    let sql = format!(
        "SELECT l.order_id, {LINE_COLUMNS} \
         FROM order_lines l JOIN skus s ON s.sku = l.sku JOIN products p ON p.id = s.product_id \
         WHERE l.order_id IN ({}) ORDER BY l.order_id, l.line_no",
        placeholders(1, order_ids.len())
    );
    let mut query = sqlx::query_as::<_, LineOfOrder>(sqlx::AssertSqlSafe(sql));
    for id in order_ids {
        query = query.bind(*id);
    }
    let mut by_order: HashMap<i64, Vec<OrderLineView>> = HashMap::new();
    for row in query.fetch_all(&mut *conn).await? {
        if let Some(line) = row.line.view(directory) {
            by_order.entry(row.order_id).or_default().push(line);
        }
    }
    Ok(by_order)
}

/// A return's line as `RETURN_COLUMNS` reads it: the order, the return
/// (id, when, where, refund and how), the line's units and reason (NULL
/// for a return without lines).
type ReturnRow = (
    i64,
    i64,
    i64,
    String,
    i64,
    String,
    Option<i64>,
    Option<String>,
);

const RETURN_COLUMNS: &str = "r.order_id, r.id, r.created_at, r.location_id, r.refund_cents, \
     r.refund_method, rl.quantity, rl.reason";
const RETURNS_FROM: &str = "FROM returns r LEFT JOIN return_lines rl ON rl.return_id = r.id";
const RETURNS_ORDER: &str = "r.order_id, r.created_at, r.id";

async fn returns_of(
    conn: &mut AnyConnection,
    directory: &Directory,
    order_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<ReturnView>>> {
    // Built from placeholders only: every value is bound below.
    let sql = format!(
        "SELECT {RETURN_COLUMNS} {RETURNS_FROM} WHERE r.order_id IN ({}) ORDER BY {RETURNS_ORDER}",
        placeholders(1, order_ids.len())
    );
    let mut query = sqlx::query_as::<_, ReturnRow>(sqlx::AssertSqlSafe(sql));
    for id in order_ids {
        query = query.bind(*id);
    }
    Ok(returns_by_order(
        query.fetch_all(&mut *conn).await?,
        directory,
    ))
}

/// Returns' lines, in `RETURNS_ORDER`, as each order's returns.
fn returns_by_order(rows: Vec<ReturnRow>, directory: &Directory) -> HashMap<i64, Vec<ReturnView>> {
    let mut by_order: HashMap<i64, Vec<(i64, ReturnView)>> = HashMap::new();
    for (order_id, return_id, at, location, refund, method, units, reason) in rows {
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
    by_order
        .into_iter()
        .map(|(order, list)| (order, list.into_iter().map(|(_, v)| v).collect()))
        .collect()
}

// ----------------------------------------------------------------- order

/// One order with its lines, its events and each line's stock in the
/// viewer's shop; the opening is logged (when the order has a customer).
pub async fn order_detail(db: &Db, staff: &Staff, reference: &str) -> AppResult<OrderDetail> {
    let reference = reference.trim().to_uppercase();
    // Before taking a connection: reading the directory may need one.
    let directory = db.locations().await?;
    let mut conn = db.pool.acquire().await?;
    // Read in one transaction, then logged (as `profile`).
    let mut snapshot = conn.begin().await?;
    type Found = (OrderRow, Option<i64>, Option<String>, String, Option<i64>);
    let found: Option<Found> = sqlx::query_as::<
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
            String,
            Option<i64>,
        ),
    >(sqlx::AssertSqlSafe(format!(
        "SELECT {ORDER_COLUMNS}, customer_id, ship_address, payment_status, pay_by \
         FROM orders WHERE reference = $1"
    )))
    .bind(&reference)
    .fetch_optional(&mut *snapshot)
    .await?
    .map(
        |(a, b, c, d, e, f, g, h, i, customer, address, payment_status, pay_by)| {
            (
                (a, b, c, d, e, f, g, h, i),
                customer,
                address,
                payment_status,
                pay_by,
            )
        },
    );
    let Some((row, customer_id, ship_address, payment_status, pay_by)) = found else {
        return Err(AppError::UnknownOrder { reference });
    };
    let order_id = row.0;
    let customer_name = match customer_id {
        Some(customer) => {
            let names: Option<(String, String)> =
                sqlx::query_as("SELECT first_name, last_name FROM customers WHERE id = $1")
                    .bind(customer)
                    .fetch_optional(&mut *snapshot)
                    .await?;
            names
                .map(|(first, last)| format!("{first} {last}").trim().to_string())
                .unwrap_or_default()
        }
        None => String::new(),
    };
    let mut orders = summaries(&mut snapshot, &directory, vec![row]).await?;
    let Some(order) = orders.pop() else {
        return Err(AppError::UnknownOrder { reference });
    };
    let events: Vec<EventRow> = sqlx::query_as(
        "SELECT created_at, from_status, to_status, actor, device, note FROM order_events \
         WHERE order_id = $1 ORDER BY created_at, id",
    )
    .bind(order_id)
    .fetch_all(&mut *snapshot)
    .await?;
    let messages = crate::services::outbox::for_order(&mut snapshot, order_id).await?;
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
    let here: HashMap<String, i64> = query.fetch_all(&mut *snapshot).await?.into_iter().collect();
    snapshot.commit().await?;
    drop(conn);
    if let Some(customer) = customer_id {
        audit::record_read(
            db,
            &staff.reader(),
            AuditAction::OrderViewed,
            customer,
            &format!("order {reference}: lines, events, address"),
        )
        .await?;
    }
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
        payment_status: crate::domain::basket::PaymentStatus::from_code(&payment_status)
            .unwrap_or(crate::domain::basket::PaymentStatus::Paid),
        pay_by,
        messages,
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
