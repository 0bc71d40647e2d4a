//! Baskets kept on the server: built on a tablet, the manager's PC or the
//! kiosk, handed from one device to another by a code, and checked out
//! once. A basket is changed only by its holder while it is open; every
//! change is a conditional statement on that (`held_open`), so a basket
//! handed away or ordered meanwhile is refused with what happened to it.

use super::{
    CreditMethod, CreditRequest, LineRequest, OrderRequest, PaymentRequest, available_by_location,
    catalogue_item, choice, commit_placed, lead_times, pick_source, pickup_shop, place, places,
    policies, receipt,
};
use crate::db::{Db, now_ms};
use crate::domain::basket::{
    DiscountPercent, HANDOFF_ALPHABET, HANDOFF_LEN, LinePrice, PaymentMethod, Totals,
};
use crate::domain::customer::{Email, mask_email};
use crate::domain::order::{Channel, Fulfilment};
use crate::domain::sourcing::{Need, source_options};
use crate::domain::{Cents, Lang, LocationId, Quantity, Role, Sku};
use crate::error::{AppError, AppResult, TextField};
use crate::model::basket::{
    ApprovalView, BasketCustomer, BasketLineView, BasketStatus, BasketView, HandedTo, OrderReceipt,
    ShipAddress, WaitingBasket,
};
use crate::services::audit::Staff;
use crate::services::events::EventBus;
use crate::services::request_keys::RequestKey;
use crate::services::stock::{Done, replayed};
use rand::Rng;
use sqlx::AnyConnection;

/// A kiosk's basket is forgotten after this long without a change: the
/// next customer starts with an empty one (the kiosk's screen starts over
/// after the same time, `pages::kiosk::KIOSK_IDLE_SECONDS`).
pub const KIOSK_BASKET_IDLE_MS: i64 = 120_000;

fn new_code() -> String {
    let mut rng = rand::rng();
    (0..HANDOFF_LEN)
        .map(|_| char::from(HANDOFF_ALPHABET[rng.random_range(0..HANDOFF_ALPHABET.len())]))
        .collect()
}

/// The open basket `staff` holds, most recent first; a kiosk's only while
/// it is fresh.
pub async fn current(db: &Db, staff: &Staff) -> AppResult<Option<i64>> {
    let fresh_since = if staff.role == Role::Kiosk {
        now_ms() - KIOSK_BASKET_IDLE_MS
    } else {
        0
    };
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM baskets WHERE holder = $1 AND status = 'open' AND location_id = $2 \
           AND updated_at >= $3 ORDER BY updated_at DESC, id DESC LIMIT 1",
    )
    .bind(&staff.username)
    .bind(staff.location.as_str())
    .bind(fresh_since)
    .fetch_optional(&db.pool)
    .await?;
    Ok(id)
}

/// A new, empty basket held by `staff`.
pub async fn create(conn: &mut AnyConnection, staff: &Staff, lang: Lang) -> AppResult<i64> {
    let channel = if staff.role == Role::Kiosk {
        Channel::Kiosk
    } else {
        Channel::Store
    };
    let now = now_ms();
    // A code already taken (one chance in millions) is drawn again.
    for _ in 0..8 {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO baskets (handoff_code, channel, location_id, holder, status, lang, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'open', $5, $6, $6) ON CONFLICT (handoff_code) DO NOTHING RETURNING id",
        )
        .bind(new_code())
        .bind(channel.as_str())
        .bind(staff.location.as_str())
        .bind(&staff.username)
        .bind(lang.code())
        .bind(now)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(id) = id {
            return Ok(id);
        }
    }
    tracing::error!("no free hand-off code after 8 draws");
    Err(AppError::Internal)
}

/// Takes the basket for a change: one conditional statement that succeeds
/// only while `staff` holds it open (a write first, so that on SQLite the
/// transaction holds the write lock from here on). Otherwise, says what
/// became of it.
async fn held_open(conn: &mut AnyConnection, staff: &Staff, id: i64) -> AppResult<()> {
    let now = now_ms();
    let fresh_since = if staff.role == Role::Kiosk {
        now - KIOSK_BASKET_IDLE_MS
    } else {
        0
    };
    let touched = sqlx::query(
        "UPDATE baskets SET updated_at = $1 \
         WHERE id = $2 AND holder = $3 AND status = 'open' AND updated_at >= $4",
    )
    .bind(now)
    .bind(id)
    .bind(&staff.username)
    .bind(fresh_since)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if touched == 1 {
        return Ok(());
    }
    Err(closed_reason(conn, id).await?)
}

/// Why a basket cannot be changed any more.
async fn closed_reason(conn: &mut AnyConnection, id: i64) -> AppResult<AppError> {
    let found: Option<(String, Option<String>)> = sqlx::query_as(
        "SELECT b.status, o.reference FROM baskets b LEFT JOIN orders o ON o.id = b.order_id WHERE b.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match found {
        Some((_, Some(reference))) => AppError::BasketOrdered { reference },
        Some((status, None)) if status != "open" => AppError::BasketClosed,
        _ => AppError::UnknownBasket,
    })
}

/// An item to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLine {
    pub sku: Sku,
    pub quantity: Quantity,
    /// `None`: taken now when this shop has enough, otherwise collected here.
    pub fulfilment: Option<Fulfilment>,
    pub pickup: Option<LocationId>,
}

/// Adds an item to the basket `id`, or to a new one when `id` is `None`;
/// returns the basket's id. The same item added again the same way adds
/// to its line.
pub async fn add_line(db: &Db, staff: &Staff, id: Option<i64>, line: &NewLine) -> AppResult<i64> {
    // Read before the transaction: no connection is held waiting for another.
    let directory = db.locations().await?;
    let mut tx = db.begin_write().await?;
    let id = match id {
        Some(id) => {
            held_open(&mut tx, staff, id).await?;
            id
        }
        None => create(&mut tx, staff, Lang::Fr).await?,
    };
    catalogue_item(&mut tx, &line.sku).await?;
    let fulfilment = match line.fulfilment {
        Some(Fulfilment::Carry) if staff.role == Role::Kiosk => {
            return Err(AppError::TakeNowNotAtKiosk);
        }
        Some(chosen) => chosen,
        None if staff.role == Role::Kiosk => Fulfilment::Collect,
        None => {
            let available = available_by_location(&mut tx, &directory, line.sku.as_str()).await?;
            let here = directory
                .position(staff.location.as_str())
                .map_or(0, |i| available[i]);
            if here >= line.quantity.get() {
                Fulfilment::Carry
            } else {
                Fulfilment::Collect
            }
        }
    };
    let pickup = match fulfilment {
        Fulfilment::Collect => Some(pickup_shop(
            &directory,
            line.pickup.as_ref(),
            &staff.location,
        )?),
        _ => None,
    };
    let merged = sqlx::query(
        "UPDATE basket_lines SET quantity = quantity + $1 \
         WHERE basket_id = $2 AND sku = $3 AND fulfilment = $4 \
           AND COALESCE(pickup_location_id, '') = $5 AND source_location_id IS NULL \
           AND discount_percent = 0 AND quantity + $1 <= $6",
    )
    .bind(line.quantity.get())
    .bind(id)
    .bind(line.sku.as_str())
    .bind(fulfilment.as_str())
    .bind(pickup.as_ref().map(LocationId::as_str).unwrap_or_default())
    .bind(crate::domain::stock::MAX_MOVEMENT_QUANTITY)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if merged == 0 {
        sqlx::query(
            "INSERT INTO basket_lines (basket_id, sku, quantity, fulfilment, pickup_location_id, added_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(line.sku.as_str())
        .bind(line.quantity.get())
        .bind(fulfilment.as_str())
        .bind(pickup.as_ref().map(LocationId::as_str))
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// A change to one line; `None` fields stay as they are.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineChange {
    pub quantity: Option<Quantity>,
    pub fulfilment: Option<Fulfilment>,
    pub pickup: Option<LocationId>,
    /// `Some(None)`: back to the proposed source.
    pub source: Option<Option<LocationId>>,
    pub discount: Option<DiscountPercent>,
}

pub async fn change_line(
    db: &Db,
    staff: &Staff,
    id: i64,
    line_id: i64,
    change: &LineChange,
) -> AppResult<()> {
    let is_kiosk = staff.role == Role::Kiosk;
    if is_kiosk && (change.source.is_some() || change.discount.is_some()) {
        return Err(AppError::Forbidden);
    }
    if is_kiosk && change.fulfilment == Some(Fulfilment::Carry) {
        return Err(AppError::TakeNowNotAtKiosk);
    }
    let directory = db.locations().await?;
    let mut tx = db.begin_write().await?;
    held_open(&mut tx, staff, id).await?;
    type Current = (String, Option<String>, Option<String>, i64, Option<i64>);
    let current: Option<Current> = sqlx::query_as(
        "SELECT l.fulfilment, l.pickup_location_id, l.source_location_id, l.discount_percent, \
                    a.discount_percent \
             FROM basket_lines l LEFT JOIN discount_approvals a ON a.id = l.approval_id \
             WHERE l.id = $1 AND l.basket_id = $2",
    )
    .bind(line_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((fulfilment, pickup, source, discount, approved)) = current else {
        return Err(AppError::UnknownBasket);
    };
    let mut fulfilment = Fulfilment::from_code(&fulfilment).unwrap_or(Fulfilment::Carry);
    let mut pickup = pickup;
    let mut source = source;
    if let Some(new) = change.fulfilment
        && new != fulfilment
    {
        fulfilment = new;
        // Another way, another source: back to the proposal.
        source = None;
        pickup = match new {
            Fulfilment::Collect => Some(staff.location.to_string()),
            _ => None,
        };
    }
    if let Some(named) = &change.pickup
        && fulfilment == Fulfilment::Collect
    {
        let shop = pickup_shop(&directory, Some(named), &staff.location)?;
        if pickup.as_deref() != Some(shop.as_str()) {
            pickup = Some(shop.to_string());
            source = None;
        }
    }
    if let Some(chosen) = &change.source {
        source = chosen.as_ref().map(LocationId::to_string);
    }
    let discount = change.discount.map_or(discount, DiscountPercent::get);
    // An approval stands for the discount it approved, or less.
    let keep_approval = approved.is_some_and(|a| a >= discount);
    sqlx::query(
        "UPDATE basket_lines SET quantity = COALESCE($1, quantity), fulfilment = $2, \
             pickup_location_id = $3, source_location_id = $4, discount_percent = $5, \
             approval_id = CASE WHEN $6 = 1 THEN approval_id ELSE NULL END \
         WHERE id = $7 AND basket_id = $8",
    )
    .bind(change.quantity.map(Quantity::get))
    .bind(fulfilment.as_str())
    .bind(pickup)
    .bind(source)
    .bind(discount)
    .bind(i64::from(keep_approval))
    .bind(line_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove_line(db: &Db, staff: &Staff, id: i64, line_id: i64) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    held_open(&mut tx, staff, id).await?;
    sqlx::query("DELETE FROM basket_lines WHERE id = $1 AND basket_id = $2")
        .bind(line_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Who the basket is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BasketContact {
    /// A customer of Customer 360 (staff only).
    Customer(i64),
    /// Someone with just an e-mail for the confirmation.
    Guest(String),
}

/// Sets who the basket is for, and their language. A customer's address
/// becomes the ship-home address when none was typed yet.
pub async fn set_contact(
    db: &Db,
    staff: &Staff,
    id: i64,
    contact: &BasketContact,
    lang: Lang,
) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    held_open(&mut tx, staff, id).await?;
    match contact {
        BasketContact::Customer(customer_id) => {
            if !staff.role.is_staff() {
                return Err(AppError::Forbidden);
            }
            type Row = (String, String, String, String, String, Option<i64>);
            let found: Option<Row> = sqlx::query_as(
                "SELECT first_name, last_name, street, postcode, city, erased_at FROM customers WHERE id = $1",
            )
            .bind(customer_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((first, last, street, postcode, city, erased)) = found else {
                return Err(AppError::UnknownCustomer {
                    customer_id: *customer_id,
                });
            };
            if erased.is_some() {
                return Err(AppError::CustomerErased {
                    customer_id: *customer_id,
                });
            }
            sqlx::query(
                "UPDATE baskets SET customer_id = $1, guest_email = NULL, lang = $2, \
                     ship_name = COALESCE(ship_name, $3), ship_street = COALESCE(ship_street, $4), \
                     ship_postcode = COALESCE(ship_postcode, $5), ship_city = COALESCE(ship_city, $6) \
                 WHERE id = $7",
            )
            .bind(customer_id)
            .bind(lang.code())
            .bind(format!("{first} {last}"))
            .bind(Some(street).filter(|s| !s.is_empty()))
            .bind(Some(postcode).filter(|s| !s.is_empty()))
            .bind(Some(city).filter(|s| !s.is_empty()))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        BasketContact::Guest(email) => {
            let email = Email::parse(email).map_err(|_| AppError::InvalidEmail {
                text: email.trim().chars().take(80).collect(),
            })?;
            sqlx::query(
                "UPDATE baskets SET customer_id = NULL, guest_email = $1, lang = $2 WHERE id = $3",
            )
            .bind(email.as_str())
            .bind(lang.code())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Sets the ship-home address (checked at checkout, when a line ships).
pub async fn set_ship_address(
    db: &Db,
    staff: &Staff,
    id: i64,
    address: &ShipAddress,
) -> AppResult<()> {
    if !staff.role.is_staff() {
        return Err(AppError::Forbidden);
    }
    let part = |text: &str, field| -> AppResult<Option<String>> {
        Ok(Some(super::address_part(text, field)?).filter(|t| !t.is_empty()))
    };
    let (name, street, postcode, city) = (
        part(&address.name, TextField::Name)?,
        part(&address.street, TextField::Street)?,
        part(&address.postcode, TextField::Street)?,
        part(&address.city, TextField::City)?,
    );
    let mut tx = db.begin_write().await?;
    held_open(&mut tx, staff, id).await?;
    sqlx::query(
        "UPDATE baskets SET ship_name = $1, ship_street = $2, ship_postcode = $3, ship_city = $4 WHERE id = $5",
    )
    .bind(name)
    .bind(street)
    .bind(postcode)
    .bind(city)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives the basket up.
pub async fn abandon(db: &Db, staff: &Staff, id: i64) -> AppResult<()> {
    let mut tx = db.begin_write().await?;
    held_open(&mut tx, staff, id).await?;
    sqlx::query("UPDATE baskets SET status = 'abandoned' WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Hands the basket to another device: it waits under its code (shown as
/// a QR) for an associate at the till or a manager.
pub async fn hand_off(db: &Db, staff: &Staff, id: i64, to: HandedTo) -> AppResult<String> {
    let mut tx = db.begin_write().await?;
    held_open(&mut tx, staff, id).await?;
    let lines: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM basket_lines WHERE basket_id = $1")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    if lines == 0 {
        return Err(AppError::BasketEmpty);
    }
    let code: String = sqlx::query_scalar(
        "UPDATE baskets SET status = 'handed', handed_to = $1, handed_by = holder WHERE id = $2 \
         RETURNING handoff_code",
    )
    .bind(to.as_str())
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(code)
}

/// Whom the handed baskets a role may open wait for: a manager also takes
/// those waiting for the till.
fn waited_for(role: Role) -> AppResult<&'static [&'static str]> {
    match role {
        Role::Manager => Ok(&["manager", "associate"]),
        Role::Associate => Ok(&["associate"]),
        Role::Kiosk => Err(AppError::Forbidden),
    }
}

/// Opens a handed basket on this device by its code: `staff` holds it
/// from now on. Two devices typing the same code at once: one gets it.
/// A code opens a basket of the caller's shop only, for the role it waits
/// for (a manager may also take one waiting for the till), within the
/// chain's delay.
pub async fn claim(db: &Db, staff: &Staff, code: &str) -> AppResult<i64> {
    let parsed = crate::domain::basket::parse_handoff_code(code).ok_or_else(|| {
        AppError::UnknownHandoffCode {
            text: code.trim().chars().take(20).collect(),
        }
    })?;
    if !staff.role.is_staff() {
        return Err(AppError::Forbidden);
    }
    let mut conn = db.pool.acquire().await?;
    let minutes = policies(&mut conn).await?.handoff_code_minutes;
    let roles = waited_for(staff.role)?;
    let now = now_ms();
    let id: Option<i64> = sqlx::query_scalar(
        "UPDATE baskets SET status = 'open', holder = $1, handed_to = NULL, updated_at = $2 \
         WHERE handoff_code = $3 AND status = 'handed' AND location_id = $4 \
           AND handed_to IN ($5, $6) AND updated_at >= $7 \
         RETURNING id",
    )
    .bind(&staff.username)
    .bind(now)
    .bind(&parsed)
    .bind(staff.location.as_str())
    .bind(roles[0])
    .bind(roles[roles.len() - 1])
    .bind(now - minutes * 60_000)
    .fetch_optional(&mut *conn)
    .await?;
    id.ok_or(AppError::UnknownHandoffCode {
        text: crate::domain::basket::format_handoff_code(&parsed),
    })
}

/// Baskets of this shop waiting for someone of `staff`'s role.
pub async fn waiting(db: &Db, staff: &Staff) -> AppResult<Vec<WaitingBasket>> {
    let mut conn = db.pool.acquire().await?;
    let minutes = policies(&mut conn).await?.handoff_code_minutes;
    let roles = waited_for(staff.role)?;
    type Row = (i64, String, String, String, String, i64, i64, i64);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT b.id, b.handoff_code, b.channel, b.handed_to, COALESCE(b.handed_by, b.holder), b.updated_at, \
                CAST(COALESCE(SUM(l.quantity), 0) AS BIGINT), \
                CAST(COALESCE(SUM(l.quantity * s.price_cents * (100 - l.discount_percent) / 100), 0) AS BIGINT) \
         FROM baskets b LEFT JOIN basket_lines l ON l.basket_id = b.id LEFT JOIN skus s ON s.sku = l.sku \
         WHERE b.location_id = $1 AND b.status = 'handed' AND b.handed_to IN ($2, $3) AND b.updated_at >= $4 \
         GROUP BY b.id, b.handoff_code, b.channel, b.handed_to, b.handed_by, b.holder, b.updated_at \
         ORDER BY b.updated_at",
    )
    .bind(staff.location.as_str())
    .bind(roles[0])
    .bind(roles[roles.len() - 1])
    .bind(now_ms() - minutes * 60_000)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, code, channel, handed_to, holder, since, items, total)| WaitingBasket {
                id,
                handoff_code: code,
                channel: Channel::from_code(&channel),
                handed_to: HandedTo::from_code(&handed_to).unwrap_or(HandedTo::Associate),
                items,
                total: Cents(total),
                handed_by: holder,
                since_ms: since,
            },
        )
        .collect())
}

/// A manager approves a line's discount (recorded: who, when, why). The
/// basket stays with the manager until they hand it back or finish it.
pub async fn approve_discount(
    db: &Db,
    manager: &Staff,
    id: i64,
    line_id: i64,
    reason: &str,
) -> AppResult<ApprovalView> {
    if manager.role != Role::Manager {
        return Err(AppError::Forbidden);
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::ApprovalReasonRequired);
    }
    if reason.chars().count() > 200 {
        return Err(AppError::TextTooLong {
            field: TextField::Reason,
            max: 200,
        });
    }
    let mut tx = db.begin_write().await?;
    held_open(&mut tx, manager, id).await?;
    let line: Option<(String, i64)> = sqlx::query_as(
        "SELECT sku, discount_percent FROM basket_lines WHERE id = $1 AND basket_id = $2",
    )
    .bind(line_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((sku, percent)) = line else {
        return Err(AppError::UnknownBasket);
    };
    // Who asked: whoever handed the basket here (or the manager's own).
    let requested_by: String =
        sqlx::query_scalar("SELECT COALESCE(handed_by, holder) FROM baskets WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    let now = now_ms();
    let approval_id: i64 = sqlx::query_scalar(
        "INSERT INTO discount_approvals (basket_id, sku, discount_percent, requested_by, approved_by, reason, device, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(id)
    .bind(&sku)
    .bind(percent)
    .bind(&requested_by)
    .bind(&manager.username)
    .bind(reason)
    .bind(&manager.device)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("UPDATE basket_lines SET approval_id = $1 WHERE id = $2")
        .bind(approval_id)
        .bind(line_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(ApprovalView {
        id: approval_id,
        percent,
        approved_by: manager.display_name.clone(),
        reason: reason.to_string(),
        at_ms: now,
    })
}

#[derive(sqlx::FromRow)]
struct BasketRow {
    id: i64,
    handoff_code: String,
    channel: String,
    status: String,
    handed_to: Option<String>,
    location_id: String,
    holder: String,
    customer_id: Option<i64>,
    guest_email: Option<String>,
    lang: String,
    ship_name: Option<String>,
    ship_street: Option<String>,
    ship_postcode: Option<String>,
    ship_city: Option<String>,
    order_reference: Option<String>,
    updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct LineRow {
    id: i64,
    sku: String,
    quantity: i64,
    fulfilment: String,
    pickup_location_id: Option<String>,
    source_location_id: Option<String>,
    discount_percent: i64,
    approval_id: Option<i64>,
    approved_percent: Option<i64>,
    approved_by: Option<String>,
    approval_reason: Option<String>,
    approved_at: Option<i64>,
}

/// The basket as its holder sees it: lines priced from the catalogue,
/// each with its sources and promised date, problems named. Only the
/// holder (or, for a handed basket, nobody until it is claimed) sees it.
pub async fn view(db: &Db, staff: &Staff, id: i64) -> AppResult<BasketView> {
    let directory = db.locations().await?;
    let mut conn = db.pool.acquire().await?;
    let basket: Option<BasketRow> = sqlx::query_as(
        "SELECT b.id, b.handoff_code, b.channel, b.status, b.handed_to, b.location_id, b.holder, \
                b.customer_id, b.guest_email, b.lang, b.ship_name, b.ship_street, b.ship_postcode, \
                b.ship_city, o.reference AS order_reference, b.updated_at \
         FROM baskets b LEFT JOIN orders o ON o.id = b.order_id WHERE b.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(basket) = basket else {
        return Err(AppError::UnknownBasket);
    };
    let is_kiosk = staff.role == Role::Kiosk;
    let stale_kiosk =
        is_kiosk && basket.status == "open" && basket.updated_at < now_ms() - KIOSK_BASKET_IDLE_MS;
    if basket.holder != staff.username
        || basket.location_id != staff.location.as_str()
        || stale_kiosk
    {
        return Err(AppError::UnknownBasket);
    }
    let policies = policies(&mut conn).await?;
    let leads = lead_times(&mut conn).await?;
    let lines: Vec<LineRow> = sqlx::query_as(
        "SELECT l.id, l.sku, l.quantity, l.fulfilment, l.pickup_location_id, l.source_location_id, \
                l.discount_percent, l.approval_id, a.discount_percent AS approved_percent, \
                a.approved_by, a.reason AS approval_reason, a.created_at AS approved_at \
         FROM basket_lines l LEFT JOIN discount_approvals a ON a.id = l.approval_id \
         WHERE l.basket_id = $1 ORDER BY l.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let now = now_ms();
    let mut totals = Totals::default();
    let mut views = Vec::with_capacity(lines.len());
    for line in lines {
        let sku = Sku::parse(&line.sku)?;
        let item = catalogue_item(&mut conn, &sku).await?;
        let discount = DiscountPercent::new(line.discount_percent)?;
        let price = LinePrice::of(item.unit_price, line.quantity, discount)?;
        totals.add(price, line.quantity);
        let fulfilment = Fulfilment::from_code(&line.fulfilment).unwrap_or(Fulfilment::Carry);
        let available = available_by_location(&mut conn, &directory, &line.sku).await?;
        let all = places(&directory, &available);
        let need = Need {
            fulfilment,
            pickup: line.pickup_location_id.as_deref(),
            selling: Some(basket.location_id.as_str()),
            quantity: line.quantity,
        };
        let proposed = source_options(&all, need, &leads);
        let picked = pick_source(
            &proposed,
            line.source_location_id.as_deref(),
            &line.sku,
            fulfilment,
            Some(basket.location_id.as_str()),
            &directory,
            &available,
        );
        let options: Vec<_> = proposed
            .into_iter()
            .map(|o| choice(&directory, o, now))
            .collect();
        let (source, problem) = match picked {
            Ok(i) => (options.get(i).cloned(), None),
            // Said on screen: the location by its name.
            Err(AppError::LineShort {
                sku,
                location,
                available,
            }) => (
                None,
                Some(AppError::LineShort {
                    sku,
                    location: super::super::catalog::name_in(&directory, &location),
                    available,
                }),
            ),
            Err(other) => (None, Some(other)),
        };
        let approval = match (
            line.approval_id,
            line.approved_percent,
            line.approved_by,
            line.approval_reason,
            line.approved_at,
        ) {
            (Some(id), Some(percent), Some(by), Some(reason), Some(at_ms)) => Some(ApprovalView {
                id,
                percent,
                approved_by: by,
                reason,
                at_ms,
            }),
            _ => None,
        };
        let needs_approval = discount.needs_approval(policies.associate_discount_limit)
            && approval.as_ref().is_none_or(|a| a.percent < discount.get());
        let pickup_name = line
            .pickup_location_id
            .as_deref()
            .map(|p| super::super::catalog::name_in(&directory, p));
        views.push(BasketLineView {
            id: line.id,
            sku: line.sku,
            product_name: item.product_name,
            colour: item.colour,
            size: item.size,
            quantity: line.quantity,
            unit_price: item.unit_price,
            price,
            fulfilment,
            pickup_location_id: line.pickup_location_id,
            pickup_name,
            source: if is_kiosk {
                // A customer sees when, not where from.
                source.map(|mut s| {
                    s.option.available = 0;
                    s
                })
            } else {
                source
            },
            source_chosen: line.source_location_id.is_some(),
            options: if is_kiosk { Vec::new() } else { options },
            discount_percent: discount.get(),
            approval,
            needs_approval,
            problem,
        });
    }
    let customer = match basket.customer_id.filter(|_| !is_kiosk) {
        None => None,
        Some(customer_id) => {
            let found: Option<(String, String, String, String, i64)> = sqlx::query_as(
                "SELECT first_name, last_name, email, city, store_credit_cents FROM customers WHERE id = $1",
            )
            .bind(customer_id)
            .fetch_optional(&mut *conn)
            .await?;
            found.map(|(first, last, email, city, credit)| BasketCustomer {
                id: customer_id,
                name: format!("{first} {last}"),
                email_masked: mask_email(&email),
                city,
                store_credit: Cents(credit),
            })
        }
    };
    Ok(BasketView {
        id: basket.id,
        handoff_code: basket.handoff_code,
        channel: Channel::from_code(&basket.channel),
        status: BasketStatus::from_code(&basket.status).unwrap_or(BasketStatus::Open),
        handed_to: basket.handed_to.as_deref().and_then(HandedTo::from_code),
        location_id: basket.location_id,
        holder: basket.holder,
        customer,
        guest_email: basket.guest_email,
        lang: Lang::parse(&basket.lang).unwrap_or_default(),
        ship: ShipAddress {
            name: basket.ship_name.unwrap_or_default(),
            street: basket.ship_street.unwrap_or_default(),
            postcode: basket.ship_postcode.unwrap_or_default(),
            city: basket.ship_city.unwrap_or_default(),
        },
        lines: views,
        totals,
        discount_limit: policies.associate_discount_limit,
        order_reference: basket.order_reference,
        updated_at: basket.updated_at,
    })
}

/// How the customer pays at checkout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkout {
    pub method: PaymentMethod,
    pub reference: Option<String>,
    /// The customer's store credit to spend first (none: zero).
    pub store_credit: Cents,
}

/// Turns the basket into one order, atomically: prices from the
/// catalogue, take-now lines sold from this shop, the others reserved at
/// their sources, the payment recorded. A basket becomes one order at
/// most: sent again (a double tap, a retry, a resend after a reload, with
/// or without the same key) it answers with that order.
pub async fn checkout(
    db: &Db,
    bus: &EventBus,
    staff: &Staff,
    id: i64,
    payment: &Checkout,
    once: Option<&RequestKey>,
) -> AppResult<Done<OrderReceipt>> {
    if !staff.role.is_staff() {
        return Err(AppError::Forbidden);
    }
    let directory = db.locations().await?;
    let mut tx = db.begin_write().await?;
    if let Some(done) = replayed(&mut tx, once).await? {
        return Ok(done);
    }
    let now = now_ms();
    let took = sqlx::query(
        "UPDATE baskets SET status = 'ordered', updated_at = $1 \
         WHERE id = $2 AND holder = $3 AND status = 'open' AND location_id = $4",
    )
    .bind(now)
    .bind(id)
    .bind(&staff.username)
    .bind(staff.location.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if took == 0 {
        let ordered: Option<Option<i64>> =
            sqlx::query_scalar("SELECT order_id FROM baskets WHERE id = $1 AND location_id = $2")
                .bind(id)
                .bind(staff.location.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        return match ordered {
            Some(Some(order_id)) => {
                let value = receipt(&mut tx, &directory, order_id).await?;
                Ok(Done {
                    value,
                    replayed: true,
                })
            }
            _ => Err(closed_reason(&mut tx, id).await?),
        };
    }
    let request = order_request(&mut tx, id, staff, payment).await?;
    let actor = crate::services::Actor::new(staff.username.clone(), staff.device.clone());
    let (value, events) = place(&mut tx, &directory, &request, &actor).await?;
    sqlx::query("UPDATE baskets SET order_id = $1 WHERE id = $2")
        .bind(value.order_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    commit_placed(tx, bus, once, value, events).await
}

/// The order a basket asks for.
async fn order_request(
    conn: &mut AnyConnection,
    id: i64,
    staff: &Staff,
    payment: &Checkout,
) -> AppResult<OrderRequest> {
    type Head = (
        String,
        Option<i64>,
        Option<String>,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let (channel, customer_id, guest_email, lang, name, street, postcode, city): Head =
        sqlx::query_as(
            "SELECT channel, customer_id, guest_email, lang, ship_name, ship_street, ship_postcode, ship_city \
             FROM baskets WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    type Line = (
        String,
        i64,
        String,
        Option<String>,
        Option<String>,
        i64,
        Option<i64>,
    );
    let rows: Vec<Line> = sqlx::query_as(
        "SELECT sku, quantity, fulfilment, pickup_location_id, source_location_id, discount_percent, approval_id \
         FROM basket_lines WHERE basket_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let mut lines = Vec::with_capacity(rows.len());
    for (sku, quantity, fulfilment, pickup, source, discount, approval_id) in rows {
        lines.push(LineRequest {
            sku: Sku::parse(&sku)?,
            quantity: Quantity::new(quantity)?,
            fulfilment: Fulfilment::from_code(&fulfilment).unwrap_or(Fulfilment::Carry),
            pickup: pickup.as_deref().map(LocationId::parse).transpose()?,
            source: source.as_deref().map(LocationId::parse).transpose()?,
            discount: DiscountPercent::new(discount)?,
            approval_id,
        });
    }
    let address = ShipAddress {
        name: name.unwrap_or_default(),
        street: street.unwrap_or_default(),
        postcode: postcode.unwrap_or_default(),
        city: city.unwrap_or_default(),
    };
    Ok(OrderRequest {
        channel: Channel::from_code(&channel),
        selling: Some(staff.location.clone()),
        customer_id,
        contact_email: guest_email,
        lang: Lang::parse(&lang).unwrap_or_default(),
        ship: Some(address).filter(|a| !a.is_empty()),
        lines,
        payment: PaymentRequest {
            method: payment.method,
            reference: payment.reference.clone(),
            paid: false,
        },
        basket_id: Some(id),
        credits: if payment.store_credit.0 > 0 {
            vec![CreditRequest {
                method: CreditMethod::StoreCredit,
                up_to: payment.store_credit,
            }]
        } else {
            Vec::new()
        },
        delivery_fee: Cents(0),
    })
}

/// The basket `staff` works on, for a customer picked in Customer 360: the
/// open one (a new one when none is), now for that customer.
pub async fn for_customer(db: &Db, staff: &Staff, customer_id: i64, lang: Lang) -> AppResult<i64> {
    let id = match current(db, staff).await? {
        Some(id) => id,
        None => {
            let mut conn = db.pool.acquire().await?;
            create(&mut conn, staff, lang).await?
        }
    };
    set_contact(db, staff, id, &BasketContact::Customer(customer_id), lang).await?;
    Ok(id)
}
