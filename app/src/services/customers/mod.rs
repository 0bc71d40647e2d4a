//! Customer 360: find a customer, open their profile and their history on
//! every channel, one order, notes; create and change customers; export
//! and erase (RGPD); the web shop's reads and writes. Every opening and
//! change is written to the audit log in the same request (`audit`); a
//! search shows masked contacts only.

mod api;
mod changes;
mod privacy;
mod profile;
mod search;

pub use api::{CustomerRecord, api_find_by_email, api_put, api_record};
pub use changes::{CustomerInput, MAX_NOTE_CHARS, ValidCustomer, add_note, create, update};
pub use privacy::{erase, export};
pub use profile::{HISTORY_PAGE, history, order_detail, profile};
pub use search::{CUSTOMER_SEARCH_LIMIT, index_unindexed_customers, search};

use super::audit::{self, AuditAction, Staff};
use crate::db::batch::{Batch, V};
use crate::db::{Db, Directory, now_ms};
use crate::error::{AppError, AppResult};
use sqlx::AnyConnection;

/// A customer's row, as every reader here takes it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(super) struct CustomerRow {
    pub(super) id: i64,
    pub(super) first_name: String,
    pub(super) last_name: String,
    pub(super) email: String,
    pub(super) phone: String,
    pub(super) street: String,
    pub(super) postcode: String,
    pub(super) city: String,
    pub(super) home_location_id: Option<String>,
    pub(super) loyalty_card: Option<String>,
    pub(super) loyalty_tier: Option<String>,
    pub(super) loyalty_points: i64,
    pub(super) store_credit_cents: i64,
    pub(super) top_size: Option<String>,
    pub(super) bottom_size: Option<String>,
    pub(super) preferences: String,
    pub(super) created_at: i64,
    pub(super) updated_at: i64,
    pub(super) erased_at: Option<i64>,
}

/// The columns of `CustomerRow`, from `customers`.
pub(super) const CUSTOMER_COLUMNS: &str = "id, first_name, last_name, email, phone, street, postcode, city, home_location_id, \
     loyalty_card, loyalty_tier, loyalty_points, store_credit_cents, top_size, bottom_size, preferences, \
     created_at, updated_at, erased_at";

/// The customer `id` (erased or not), or `UnknownCustomer`.
pub(super) async fn customer_row(conn: &mut AnyConnection, id: i64) -> AppResult<CustomerRow> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::UnknownCustomer { customer_id: id })
}

/// Takes the customer's row for this transaction, before reading it: on
/// SQLite the transaction then holds the write lock from its first
/// statement (a transaction that read first and wrote after another
/// device's write would fail rather than wait); on PostgreSQL the row is
/// locked, so two changes of one customer follow each other. Refuses an
/// unknown customer.
pub(super) async fn lock_customer(conn: &mut AnyConnection, id: i64) -> AppResult<()> {
    let locked = sqlx::query("UPDATE customers SET updated_at = updated_at WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    if locked == 0 {
        return Err(AppError::UnknownCustomer { customer_id: id });
    }
    Ok(())
}

pub(super) fn name_in(directory: &Directory, id: &str) -> String {
    super::catalog::name_in(directory, id)
}

/// `$first, $first+1, ...` for `count` values.
pub(super) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}
