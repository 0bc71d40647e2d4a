//! The right of access (everything held, as one document) and the right
//! to erasure.

use super::profile::{ORDER_COLUMNS, OrderRow, consents, figures, notes, summaries};
use super::*;
use sqlx::Connection;

/// Everything held about a customer, as one JSON document (right of
/// access). The export is logged.
pub async fn export(db: &Db, staff: &Staff, id: i64) -> AppResult<serde_json::Value> {
    use serde_json::json;
    // Before taking a connection: reading the directory may need one.
    let directory = db.locations().await?;
    let mut conn = db.pool.acquire().await?;
    // Every part from one state of the base, then logged (as a profile).
    let mut snapshot = conn.begin().await?;
    let row = customer_row(&mut snapshot, id).await?;
    let consents = consents(&mut snapshot, id, &directory).await?;
    let notes = notes(&mut snapshot, id, &directory).await?;
    let figures = figures(&mut snapshot, id).await?;
    let order_rows: Vec<OrderRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE customer_id = $1 ORDER BY created_at DESC, id DESC"
    )))
    .bind(id)
    .fetch_all(&mut *snapshot)
    .await?;
    let mut orders = Vec::new();
    // A few hundred orders at most per customer: pages of the same size
    // as the timeline's keep each query's list of ids short.
    for chunk in order_rows.chunks(HISTORY_PAGE as usize) {
        orders.extend(summaries(&mut snapshot, &directory, chunk.to_vec()).await?);
    }
    let addresses: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT reference, ship_address FROM orders WHERE customer_id = $1 AND ship_address IS NOT NULL",
    )
    .bind(id)
    .fetch_all(&mut *snapshot)
    .await?;
    snapshot.commit().await?;
    drop(conn);
    // Logged before the access list is read: the export lists itself.
    audit::record_read(
        db,
        &staff.reader(),
        AuditAction::Exported,
        id,
        "everything held (JSON)",
    )
    .await?;
    let access = audit::recent_access(db, id, 1_000).await?;
    Ok(json!({
        "exported_at_ms": now_ms(),
        "customer": {
            "id": row.id,
            "first_name": row.first_name,
            "last_name": row.last_name,
            "email": row.email,
            "phone": row.phone,
            "street": row.street,
            "postcode": row.postcode,
            "city": row.city,
            "favourite_shop": row.home_location_id,
            "loyalty_card": row.loyalty_card,
            "loyalty_tier": row.loyalty_tier,
            "loyalty_points": row.loyalty_points,
            "top_size": row.top_size,
            "bottom_size": row.bottom_size,
            "preferences": row.preferences,
            "created_at_ms": row.created_at,
            "updated_at_ms": row.updated_at,
            "erased_at_ms": row.erased_at,
        },
        "consents": consents,
        "notes": notes,
        "figures": figures,
        "orders": orders,
        "ship_addresses": addresses.into_iter().map(|(r, a)| json!({"order": r, "address": a})).collect::<Vec<_>>(),
        "access_log": access,
    }))
}

/// Erases a customer (right to erasure): names, contacts, address, card,
/// sizes, preferences, notes, consents and search terms go; orders stay
/// for the accounts, with their amounts, without their delivery address.
/// The erasure is logged. Erasing twice changes nothing more.
pub async fn erase(db: &Db, staff: &Staff, id: i64) -> AppResult<()> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    lock_customer(&mut tx, id).await?;
    let erased = sqlx::query(
        "UPDATE customers SET email = $2, first_name = '', last_name = '', phone = '', street = '', \
                postcode = '', city = '', loyalty_card = NULL, loyalty_tier = NULL, loyalty_points = 0, \
                top_size = NULL, bottom_size = NULL, preferences = '', home_location_id = NULL, \
                erased_at = $3, updated_at = $3 \
         WHERE id = $1 AND erased_at IS NULL",
    )
    .bind(id)
    // Unique, and no one's address.
    .bind(format!("erased-{id}@erased.invalid"))
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if erased == 0 {
        return Err(AppError::CustomerErased { customer_id: id });
    }
    for statement in [
        "DELETE FROM customer_notes WHERE customer_id = $1",
        "DELETE FROM customer_consents WHERE customer_id = $1",
        "DELETE FROM customer_terms WHERE customer_id = $1",
        "UPDATE orders SET ship_address = NULL WHERE customer_id = $1",
    ] {
        sqlx::query(statement).bind(id).execute(&mut *tx).await?;
    }
    audit::record(
        &mut tx,
        staff,
        AuditAction::Erased,
        id,
        "personal data erased; orders kept",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
