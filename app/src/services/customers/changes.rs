//! New customers at the counter (or from the web shop), changed details
//! and consents, notes.

use super::search::reindex;
use super::*;
use crate::domain::customer::{ConsentChannel, Email, Phone, Postcode};
use crate::error::{ContactField, TextField};
use crate::model::customer::CustomerNote;
use crate::services::request_keys::{self, Claim, RequestKey};

/// What the counter's form (or the web shop) gives for a customer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerInput {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub street: String,
    pub postcode: String,
    pub city: String,
    pub top_size: Option<String>,
    pub bottom_size: Option<String>,
    pub preferences: String,
    pub consent_email: bool,
    pub consent_sms: bool,
}

/// The input checked and put in its one form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidCustomer {
    pub first_name: String,
    pub last_name: String,
    pub email: Email,
    pub phone: Option<Phone>,
    pub street: String,
    pub postcode: Option<Postcode>,
    pub city: String,
    pub top_size: Option<String>,
    pub bottom_size: Option<String>,
    pub preferences: String,
    pub consent_email: bool,
    pub consent_sms: bool,
}

const MAX_NAME_CHARS: usize = 80;
const MAX_TEXT_CHARS: usize = 500;

fn clean(text: &str, field: TextField, max: usize) -> AppResult<String> {
    let text = text.trim().to_string();
    if text.chars().count() > max {
        return Err(AppError::TextTooLong {
            field,
            max: max as i64,
        });
    }
    Ok(text)
}

fn clean_size(size: Option<&str>) -> AppResult<Option<String>> {
    let size = clean(size.unwrap_or_default(), TextField::Size, 10)?;
    Ok(Some(size.to_uppercase()).filter(|s| !s.is_empty()))
}

impl CustomerInput {
    /// Checks every field: names, e-mail syntax, phone (one form), French
    /// postcode. The first problem found is the answer.
    pub fn validate(&self) -> AppResult<ValidCustomer> {
        let first_name = clean(&self.first_name, TextField::Name, MAX_NAME_CHARS)?;
        let last_name = clean(&self.last_name, TextField::Name, MAX_NAME_CHARS)?;
        if first_name.is_empty() || last_name.is_empty() {
            return Err(AppError::NameRequired);
        }
        let email = Email::parse(&self.email).map_err(|_| AppError::InvalidEmail {
            text: self.email.trim().to_string(),
        })?;
        let phone = match self.phone.trim() {
            "" => None,
            typed => Some(Phone::parse(typed).map_err(|_| AppError::InvalidPhone {
                text: typed.to_string(),
            })?),
        };
        let postcode = match self.postcode.trim() {
            "" => None,
            typed => Some(
                Postcode::parse(typed).map_err(|_| AppError::InvalidPostcode {
                    text: typed.to_string(),
                })?,
            ),
        };
        Ok(ValidCustomer {
            first_name,
            last_name,
            email,
            phone,
            street: clean(&self.street, TextField::Street, MAX_NAME_CHARS * 2)?,
            postcode,
            city: clean(&self.city, TextField::City, MAX_NAME_CHARS)?,
            top_size: clean_size(self.top_size.as_deref())?,
            bottom_size: clean_size(self.bottom_size.as_deref())?,
            preferences: clean(&self.preferences, TextField::Preferences, MAX_TEXT_CHARS)?,
            consent_email: self.consent_email,
            consent_sms: self.consent_sms,
        })
    }
}

/// Refuses an e-mail or phone another customer has, naming that customer.
async fn refuse_known_contacts(
    conn: &mut AnyConnection,
    valid: &ValidCustomer,
    except: Option<i64>,
) -> AppResult<()> {
    let by_email: Option<i64> = sqlx::query_scalar("SELECT id FROM customers WHERE email = $1")
        .bind(valid.email.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(other) = by_email.filter(|id| Some(*id) != except) {
        return Err(AppError::CustomerExists {
            customer_id: other,
            contact: ContactField::Email,
        });
    }
    if let Some(phone) = &valid.phone {
        let by_phone: Option<i64> = sqlx::query_scalar("SELECT id FROM customers WHERE phone = $1")
            .bind(phone.as_str())
            .fetch_optional(&mut *conn)
            .await?;
        if let Some(other) = by_phone.filter(|id| Some(*id) != except) {
            return Err(AppError::CustomerExists {
                customer_id: other,
                contact: ContactField::Phone,
            });
        }
    }
    Ok(())
}

/// After a refused insert or update: which known contact it collided with
/// (another device created the same customer a moment before).
async fn explain_collision(db: &Db, valid: &ValidCustomer, except: Option<i64>) -> AppError {
    match db.pool.acquire().await {
        Ok(mut conn) => match refuse_known_contacts(&mut conn, valid, except).await {
            Err(known) => known,
            Ok(()) => AppError::Internal,
        },
        Err(err) => AppError::from(err),
    }
}

fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Where a change was made, as consents record it: the shop's id.
fn source_of(staff: &Staff) -> String {
    staff.location.as_str().to_string()
}

/// Creates a customer at the counter. An e-mail or phone already known is
/// refused with the customer who has it; nothing is written then. With a
/// request key, the form sent again (a double tap, a resend after a lost
/// answer) gets the customer created the first time.
pub async fn create(
    db: &Db,
    staff: &Staff,
    input: &CustomerInput,
    once: Option<&RequestKey>,
) -> AppResult<i64> {
    let valid = input.validate()?;
    let origin = Origin {
        home: Some(staff.location.as_str().to_string()),
        consent_source: source_of(staff),
        consent_by: staff.username.clone(),
        reader: staff.reader(),
    };
    insert_new(db, &valid, None, &origin, "created at the counter", once).await
}

/// Where a new customer or a change comes from.
pub(super) struct Origin {
    /// The favourite shop of a customer created there.
    pub(super) home: Option<String>,
    pub(super) consent_source: String,
    pub(super) consent_by: String,
    pub(super) reader: audit::Reader,
}

pub(super) async fn insert_new(
    db: &Db,
    valid: &ValidCustomer,
    id: Option<i64>,
    origin: &Origin,
    detail: &str,
    once: Option<&RequestKey>,
) -> AppResult<i64> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    // A write comes first (the key's claim, or the insert), so that the
    // transaction takes SQLite's write lock at once; a contact already
    // known is refused by the unique indexes and explained below.
    if let Some(key) = once {
        match request_keys::claim::<i64>(&mut tx, key).await? {
            Claim::First => {}
            Claim::Replay(id) => return Ok(id),
            Claim::OtherRequest => return Err(key.reused_error()),
        }
    }
    let (columns, values) = match id {
        Some(_) => ("id, ", "$13, "),
        None => ("", ""),
    };
    // Built from fixed text: every value is bound below.
    let sql = format!(
        "INSERT INTO customers ({columns}email, first_name, last_name, phone, street, postcode, city, \
                                home_location_id, top_size, bottom_size, preferences, created_at, updated_at) \
         VALUES ({values}$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id"
    );
    let mut query = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
        .bind(valid.email.as_str())
        .bind(&valid.first_name)
        .bind(&valid.last_name)
        .bind(
            valid
                .phone
                .as_ref()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
        )
        .bind(&valid.street)
        .bind(
            valid
                .postcode
                .as_ref()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
        )
        .bind(&valid.city)
        .bind(origin.home.clone())
        .bind(valid.top_size.clone())
        .bind(valid.bottom_size.clone())
        .bind(&valid.preferences)
        .bind(now);
    if let Some(id) = id {
        query = query.bind(id);
    }
    let id = match query.fetch_one(&mut *tx).await {
        Ok(id) => id,
        Err(err) if is_unique_violation(&err) => {
            drop(tx);
            return Err(explain_collision(db, valid, None).await);
        }
        Err(err) => return Err(err.into()),
    };
    for (channel, granted) in [
        (ConsentChannel::Email, valid.consent_email),
        (ConsentChannel::Sms, valid.consent_sms),
    ] {
        set_consent(
            &mut tx,
            id,
            channel,
            granted,
            &origin.consent_source,
            &origin.consent_by,
            now,
        )
        .await?;
    }
    reindex(&mut tx, id).await?;
    audit::record_as(&mut tx, &origin.reader, AuditAction::Created, id, detail).await?;
    if let Some(key) = once {
        request_keys::store_answer(&mut tx, key, &id).await?;
    }
    if db.backend == crate::db::Backend::Postgres {
        // An id chosen by the caller leaves the identity sequence behind.
        sqlx::query(
            "SELECT setval(pg_get_serial_sequence('customers', 'id'), \
                    GREATEST((SELECT MAX(id) FROM customers), 1))",
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

async fn set_consent(
    conn: &mut AnyConnection,
    id: i64,
    channel: ConsentChannel,
    granted: bool,
    source: &str,
    by: &str,
    at: i64,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO customer_consents (customer_id, channel, granted, changed_at, source, changed_by) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (customer_id, channel) DO UPDATE SET \
            granted = excluded.granted, changed_at = excluded.changed_at, \
            source = excluded.source, changed_by = excluded.changed_by \
         WHERE customer_consents.granted <> excluded.granted",
    )
    .bind(id)
    .bind(channel.as_str())
    .bind(i64::from(granted))
    .bind(at)
    .bind(source)
    .bind(by)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Changes a customer's contact details, sizes, preferences and consents.
/// What changed is logged (which fields, not their values).
pub async fn update(db: &Db, staff: &Staff, id: i64, input: &CustomerInput) -> AppResult<()> {
    let valid = input.validate()?;
    let origin = Origin {
        home: None,
        consent_source: source_of(staff),
        consent_by: staff.username.clone(),
        reader: staff.reader(),
    };
    apply_update(db, id, &valid, &origin).await
}

pub(super) async fn apply_update(
    db: &Db,
    id: i64,
    valid: &ValidCustomer,
    origin: &Origin,
) -> AppResult<()> {
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    lock_customer(&mut tx, id).await?;
    let before = customer_row(&mut tx, id).await?;
    if before.erased_at.is_some() {
        return Err(AppError::CustomerErased { customer_id: id });
    }
    refuse_known_contacts(&mut tx, valid, Some(id)).await?;
    let phone = valid
        .phone
        .as_ref()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let postcode = valid
        .postcode
        .as_ref()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let mut changed: Vec<&str> = Vec::new();
    for (field, old, new) in [
        (
            "first name",
            before.first_name.as_str(),
            valid.first_name.as_str(),
        ),
        (
            "last name",
            before.last_name.as_str(),
            valid.last_name.as_str(),
        ),
        ("e-mail", before.email.as_str(), valid.email.as_str()),
        ("phone", before.phone.as_str(), phone.as_str()),
        ("street", before.street.as_str(), valid.street.as_str()),
        ("postcode", before.postcode.as_str(), postcode.as_str()),
        ("city", before.city.as_str(), valid.city.as_str()),
        (
            "preferences",
            before.preferences.as_str(),
            valid.preferences.as_str(),
        ),
    ] {
        if old != new {
            changed.push(field);
        }
    }
    if before.top_size != valid.top_size || before.bottom_size != valid.bottom_size {
        changed.push("sizes");
    }
    let updated = sqlx::query(
        "UPDATE customers SET email = $2, first_name = $3, last_name = $4, phone = $5, street = $6, \
                postcode = $7, city = $8, top_size = $9, bottom_size = $10, preferences = $11, updated_at = $12 \
         WHERE id = $1 AND erased_at IS NULL",
    )
    .bind(id)
    .bind(valid.email.as_str())
    .bind(&valid.first_name)
    .bind(&valid.last_name)
    .bind(&phone)
    .bind(&valid.street)
    .bind(&postcode)
    .bind(&valid.city)
    .bind(valid.top_size.clone())
    .bind(valid.bottom_size.clone())
    .bind(&valid.preferences)
    .bind(now)
    .execute(&mut *tx)
    .await;
    match updated {
        Ok(_) => {}
        Err(err) if is_unique_violation(&err) => {
            drop(tx);
            return Err(explain_collision(db, valid, Some(id)).await);
        }
        Err(err) => return Err(err.into()),
    }
    let consents: Vec<(String, i64)> =
        sqlx::query_as("SELECT channel, granted FROM customer_consents WHERE customer_id = $1")
            .bind(id)
            .fetch_all(&mut *tx)
            .await?;
    for (channel, granted) in [
        (ConsentChannel::Email, valid.consent_email),
        (ConsentChannel::Sms, valid.consent_sms),
    ] {
        let was = consents
            .iter()
            .any(|(c, g)| c == channel.as_str() && *g == 1);
        if was != granted {
            changed.push(match channel {
                ConsentChannel::Email => "e-mail consent",
                ConsentChannel::Sms => "SMS consent",
            });
            set_consent(
                &mut tx,
                id,
                channel,
                granted,
                &origin.consent_source,
                &origin.consent_by,
                now,
            )
            .await?;
        }
    }
    if !changed.is_empty() {
        reindex(&mut tx, id).await?;
        audit::record_as(
            &mut tx,
            &origin.reader,
            AuditAction::DetailsChanged,
            id,
            &changed.join(", "),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Longest note kept.
pub const MAX_NOTE_CHARS: usize = 500;

/// Adds a staff note to a customer.
pub async fn add_note(db: &Db, staff: &Staff, id: i64, body: &str) -> AppResult<CustomerNote> {
    let body = clean(body, TextField::Note, MAX_NOTE_CHARS)?;
    if body.is_empty() {
        return Err(AppError::NoteEmpty);
    }
    let now = now_ms();
    let mut tx = db.pool.begin().await?;
    lock_customer(&mut tx, id).await?;
    let row = customer_row(&mut tx, id).await?;
    if row.erased_at.is_some() {
        return Err(AppError::CustomerErased { customer_id: id });
    }
    let note_id: i64 = sqlx::query_scalar(
        "INSERT INTO customer_notes (customer_id, body, author, author_name, location_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(id)
    .bind(&body)
    .bind(&staff.username)
    .bind(&staff.display_name)
    .bind(staff.location.as_str())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(&mut tx, staff, AuditAction::NoteAdded, id, "note added").await?;
    tx.commit().await?;
    let directory = db.locations().await?;
    Ok(CustomerNote {
        id: note_id,
        body,
        author_name: staff.display_name.clone(),
        location_name: name_in(&directory, staff.location.as_str()),
        created_ms: now,
    })
}
