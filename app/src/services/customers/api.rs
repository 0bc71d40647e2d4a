//! Customers as other systems read and write them (`/api/v1/customers`).

use super::changes::{Origin, apply_update, insert_new};
use super::*;
use crate::domain::customer::{ConsentChannel, Email};

/// A customer as the JSON API gives it to the web shop.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CustomerRecord {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    /// `+33612345678`, or empty.
    pub phone: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub favourite_shop: Option<String>,
    pub loyalty_card: Option<String>,
    pub loyalty_tier: Option<String>,
    pub loyalty_points: i64,
    pub top_size: Option<String>,
    pub bottom_size: Option<String>,
    pub preferences: String,
    pub consent_email: bool,
    pub consent_sms: bool,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// Another system reading or writing customers, as the audit log names it.
fn system_reader(client: &str) -> audit::Reader {
    audit::Reader {
        username: format!("api:{client}"),
        role: "api".to_string(),
        location: None,
        device: "api".to_string(),
    }
}

async fn record_of(conn: &mut AnyConnection, id: i64) -> AppResult<CustomerRecord> {
    let row = customer_row(conn, id).await?;
    if row.erased_at.is_some() {
        return Err(AppError::UnknownCustomer { customer_id: id });
    }
    let consents: Vec<(String, i64)> =
        sqlx::query_as("SELECT channel, granted FROM customer_consents WHERE customer_id = $1")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    let granted = |channel: ConsentChannel| {
        consents
            .iter()
            .any(|(c, g)| c == channel.as_str() && *g == 1)
    };
    Ok(CustomerRecord {
        id: row.id,
        first_name: row.first_name,
        last_name: row.last_name,
        email: row.email,
        phone: row.phone,
        street: row.street,
        postcode: row.postcode,
        city: row.city,
        favourite_shop: row.home_location_id,
        loyalty_card: row.loyalty_card,
        loyalty_tier: row.loyalty_tier,
        loyalty_points: row.loyalty_points,
        top_size: row.top_size,
        bottom_size: row.bottom_size,
        preferences: row.preferences,
        consent_email: granted(ConsentChannel::Email),
        consent_sms: granted(ConsentChannel::Sms),
        created_at_ms: row.created_at,
        updated_at_ms: row.updated_at,
    })
}

/// `GET /api/v1/customers/{id}` (logged as the calling system's read).
pub async fn api_record(db: &Db, client: &str, id: i64) -> AppResult<CustomerRecord> {
    let mut conn = db.pool.acquire().await?;
    let record = record_of(&mut conn, id).await?;
    drop(conn);
    audit::record_read(
        db,
        &system_reader(client),
        AuditAction::ProfileViewed,
        id,
        "record (API)",
    )
    .await?;
    Ok(record)
}

/// `GET /api/v1/customers?email=`: the customer with this e-mail, if any.
pub async fn api_find_by_email(
    db: &Db,
    client: &str,
    email: &str,
) -> AppResult<Vec<CustomerRecord>> {
    let email = Email::parse(email).map_err(|_| AppError::InvalidEmail {
        text: email.trim().to_string(),
    })?;
    let mut conn = db.pool.acquire().await?;
    let id: Option<i64> =
        sqlx::query_scalar("SELECT id FROM customers WHERE email = $1 AND erased_at IS NULL")
            .bind(email.as_str())
            .fetch_optional(&mut *conn)
            .await?;
    let Some(id) = id else {
        return Ok(Vec::new());
    };
    let record = record_of(&mut conn, id).await?;
    drop(conn);
    audit::record_read(
        db,
        &system_reader(client),
        AuditAction::ProfileViewed,
        id,
        "record by e-mail (API)",
    )
    .await?;
    Ok(vec![record])
}

/// `PUT /api/v1/customers/{id}`: the web shop creates the customer under
/// this id, or changes the one it names. Validated like the counter's
/// form. Answers the record and whether it was created.
pub async fn api_put(
    db: &Db,
    client: &str,
    id: i64,
    input: &CustomerInput,
) -> AppResult<(CustomerRecord, bool)> {
    if id <= 0 {
        return Err(AppError::UnknownCustomer { customer_id: id });
    }
    let valid = input.validate()?;
    let origin = Origin {
        home: None,
        consent_source: "web".to_string(),
        consent_by: "customer".to_string(),
        reader: system_reader(client),
    };
    let exists: Option<Option<i64>> =
        sqlx::query_scalar("SELECT erased_at FROM customers WHERE id = $1")
            .bind(id)
            .fetch_optional(&db.pool)
            .await?;
    let created = match exists {
        Some(Some(_)) => return Err(AppError::CustomerErased { customer_id: id }),
        Some(None) => {
            apply_update(db, id, &valid, &origin).await?;
            false
        }
        None => {
            insert_new(
                db,
                &valid,
                Some(id),
                &origin,
                "created by the web shop (API)",
                None,
            )
            .await?;
            true
        }
    };
    let mut conn = db.pool.acquire().await?;
    Ok((record_of(&mut conn, id).await?, created))
}
