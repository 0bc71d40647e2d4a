//! The audit log of customer data (RGPD): every opening of a profile, a
//! history or an order, every export, change and erasure, with who, role,
//! shop and device. Written in the request that shows or changes the data;
//! a search, which shows only masked contacts, is not logged.

use crate::db::{Db, now_ms};
use crate::domain::{LocationId, Role};
use crate::error::AppResult;
use crate::model::customer::AccessEntry;
use sqlx::AnyConnection;

/// A member of staff reading or changing customer data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub location: LocationId,
    pub device: String,
}

/// What was done with a customer's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    ProfileViewed,
    HistoryViewed,
    OrderViewed,
    Exported,
    Erased,
    Created,
    DetailsChanged,
    NoteAdded,
}

impl AuditAction {
    pub const ALL: [AuditAction; 8] = [
        Self::ProfileViewed,
        Self::HistoryViewed,
        Self::OrderViewed,
        Self::Exported,
        Self::Erased,
        Self::Created,
        Self::DetailsChanged,
        Self::NoteAdded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProfileViewed => "customer.profile",
            Self::HistoryViewed => "customer.history",
            Self::OrderViewed => "customer.order",
            Self::Exported => "customer.export",
            Self::Erased => "customer.erasure",
            Self::Created => "customer.created",
            Self::DetailsChanged => "customer.changed",
            Self::NoteAdded => "customer.note",
        }
    }
}

/// Whoever reads or changes customer data, as the log records them: a
/// member of staff, or another system through the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reader {
    pub username: String,
    /// A staff role, or `api`.
    pub role: String,
    /// The shop of a member of staff.
    pub location: Option<String>,
    pub device: String,
}

impl Staff {
    pub fn reader(&self) -> Reader {
        Reader {
            username: self.username.clone(),
            role: self.role.as_str().to_string(),
            location: Some(self.location.as_str().to_string()),
            device: self.device.clone(),
        }
    }
}

/// Logs a read (a profile, a history, an order, an export opened) on the
/// caller's connection, outside any transaction: its own short write,
/// made in the process's SQLite write turn (`Db::write_turn`). Never
/// inside a transaction: one that has written holds SQLite's lock, and the
/// write holding the turn could be waiting for it.
pub async fn record_read(
    db: &Db,
    conn: &mut AnyConnection,
    reader: &Reader,
    action: AuditAction,
    customer_id: i64,
    detail: &str,
) -> AppResult<()> {
    let _turn = db.write_turn().await;
    record_as(conn, reader, action, customer_id, detail).await
}

/// Writes one line of the audit log inside the caller's transaction.
pub async fn record(
    conn: &mut AnyConnection,
    staff: &Staff,
    action: AuditAction,
    customer_id: i64,
    detail: &str,
) -> AppResult<()> {
    record_as(conn, &staff.reader(), action, customer_id, detail).await
}

/// `record`, for any reader.
pub async fn record_as(
    conn: &mut AnyConnection,
    reader: &Reader,
    action: AuditAction,
    customer_id: i64,
    detail: &str,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (actor, action, subject, detail, created_at, role, location_id, device, customer_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&reader.username)
    .bind(action.as_str())
    .bind(format!("customer:{customer_id}"))
    .bind(detail)
    .bind(now_ms())
    .bind(&reader.role)
    .bind(reader.location.clone())
    .bind(&reader.device)
    .bind(customer_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// How the manager narrows the access log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessFilter {
    /// One member of staff (username).
    pub staff: Option<String>,
    pub customer_id: Option<i64>,
}

/// Most lines one page of the access log shows.
pub const ACCESS_LOG_LIMIT: i64 = 200;

type AccessRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

const ACCESS_COLUMNS: &str = "a.created_at, a.actor, s.display_name, a.role, a.location_id, a.device, \
     a.customer_id, c.first_name, c.last_name, a.action, a.detail \
     FROM audit_log a \
     LEFT JOIN staff s ON s.username = a.actor \
     LEFT JOIN customers c ON c.id = a.customer_id";

/// Who looked at which customer from `location`, newest first.
pub async fn access_log(
    db: &Db,
    location: &LocationId,
    filter: &AccessFilter,
) -> AppResult<Vec<AccessEntry>> {
    let mut sql =
        format!("SELECT {ACCESS_COLUMNS} WHERE a.location_id = $1 AND a.customer_id IS NOT NULL");
    let mut next = 2;
    if filter.staff.is_some() {
        sql.push_str(&format!(" AND a.actor = ${next}"));
        next += 1;
    }
    if filter.customer_id.is_some() {
        sql.push_str(&format!(" AND a.customer_id = ${next}"));
        next += 1;
    }
    sql.push_str(&format!(
        " ORDER BY a.created_at DESC, a.id DESC LIMIT ${next}"
    ));
    // Built from placeholders only: every value is bound below.
    let mut query =
        sqlx::query_as::<_, AccessRow>(sqlx::AssertSqlSafe(sql)).bind(location.as_str());
    if let Some(staff) = &filter.staff {
        query = query.bind(staff.clone());
    }
    if let Some(customer) = filter.customer_id {
        query = query.bind(customer);
    }
    let rows = query.bind(ACCESS_LOG_LIMIT).fetch_all(&db.pool).await?;
    entries(db, rows).await
}

/// The latest openings of one customer's data, from any shop.
pub async fn recent_access(db: &Db, customer_id: i64, limit: i64) -> AppResult<Vec<AccessEntry>> {
    let sql = format!(
        "SELECT {ACCESS_COLUMNS} WHERE a.customer_id = $1 ORDER BY a.created_at DESC, a.id DESC LIMIT $2"
    );
    let rows: Vec<AccessRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(customer_id)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    entries(db, rows).await
}

async fn entries(db: &Db, rows: Vec<AccessRow>) -> AppResult<Vec<AccessEntry>> {
    let directory = db.locations().await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                at,
                username,
                staff_name,
                role,
                location,
                device,
                customer_id,
                first,
                last,
                action,
                detail,
            )| {
                AccessEntry {
                    at_ms: at,
                    staff_name: staff_name.unwrap_or_else(|| username.clone()),
                    username,
                    role: role.unwrap_or_default(),
                    location_name: location
                        .map(|id| super::catalog::name_in(&directory, &id))
                        .unwrap_or_default(),
                    device: device.unwrap_or_default(),
                    customer_id,
                    customer_name: format!(
                        "{} {}",
                        first.unwrap_or_default(),
                        last.unwrap_or_default()
                    )
                    .trim()
                    .to_string(),
                    action: action.trim_start_matches("customer.").to_string(),
                    detail: detail.unwrap_or_default(),
                }
            },
        )
        .collect())
}
