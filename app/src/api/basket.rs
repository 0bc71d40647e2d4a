//! The basket and its checkout: staff on a tablet or the manager's PC,
//! and the kiosk for its own basket (never a customer record, never a
//! source or a discount, never the checkout itself).

use crate::error::AppError;
use crate::model::Location;
use crate::model::basket::{ApprovalView, BasketView, OrderReceipt, WaitingBasket};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::guard::{require, state},
    crate::domain::basket::{DiscountPercent, PaymentMethod},
    crate::domain::order::Fulfilment,
    crate::domain::{Lang, LocationId, Quantity, Role, Sku},
    crate::model::basket::{HandedTo, ShipAddress},
    crate::services::orders::basket as service,
};

#[cfg(feature = "ssr")]
fn anyone_selling(role: Role) -> bool {
    matches!(role, Role::Associate | Role::Manager | Role::Kiosk)
}

#[cfg(feature = "ssr")]
fn fulfilment_of(code: &str) -> Result<Fulfilment, AppError> {
    Fulfilment::from_code(code.trim()).ok_or_else(|| AppError::Malformed {
        detail: format!("unknown fulfilment '{}'", code.trim()),
    })
}

#[cfg(feature = "ssr")]
fn filled(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The caller's open basket, if any.
#[server(endpoint = "basket_current")]
pub async fn basket_current() -> Result<Option<BasketView>, AppError> {
    let caller = require(anyone_selling).await?;
    let staff = caller.staff()?;
    let db = &state()?.db;
    match service::current(db, &staff).await? {
        None => Ok(None),
        Some(id) => service::view(db, &staff, id).await.map(Some),
    }
}

/// Adds an item to the caller's basket (a new one when none is open).
#[server(endpoint = "basket_add")]
pub async fn basket_add(
    sku: String,
    quantity: String,
    fulfilment: Option<String>,
    pickup: Option<String>,
) -> Result<i64, AppError> {
    let caller = require(anyone_selling).await?;
    let staff = caller.staff()?;
    let db = &state()?.db;
    let line = service::NewLine {
        sku: Sku::parse(&sku)?,
        quantity: Quantity::parse(&quantity)?,
        fulfilment: filled(fulfilment)
            .as_deref()
            .map(fulfilment_of)
            .transpose()?,
        pickup: filled(pickup)
            .as_deref()
            .map(LocationId::parse)
            .transpose()?,
    };
    let open = service::current(db, &staff).await?;
    service::add_line(db, &staff, open, &line).await
}

/// Changes one line; a quantity of 0 removes it.
#[server(endpoint = "basket_line")]
pub async fn basket_line(
    basket: i64,
    line: i64,
    quantity: Option<String>,
    fulfilment: Option<String>,
    pickup: Option<String>,
    source: Option<String>,
    discount: Option<String>,
) -> Result<(), AppError> {
    let caller = require(anyone_selling).await?;
    let staff = caller.staff()?;
    let db = &state()?.db;
    if filled(quantity.clone()).as_deref() == Some("0") {
        return service::remove_line(db, &staff, basket, line).await;
    }
    let is_kiosk = staff.role == Role::Kiosk;
    let change = service::LineChange {
        quantity: filled(quantity)
            .as_deref()
            .map(Quantity::parse)
            .transpose()?,
        fulfilment: filled(fulfilment)
            .as_deref()
            .map(fulfilment_of)
            .transpose()?,
        pickup: filled(pickup)
            .as_deref()
            .map(LocationId::parse)
            .transpose()?,
        // The form sends an empty source for "the proposed one".
        source: match source {
            None => None,
            Some(_) if is_kiosk => None,
            Some(text) if text.trim().is_empty() => Some(None),
            Some(text) => Some(Some(LocationId::parse(&text)?)),
        },
        discount: match discount {
            Some(_) if is_kiosk => None,
            None => None,
            Some(text) => Some(DiscountPercent::parse(&text)?),
        },
    };
    service::change_line(db, &staff, basket, line, &change).await
}

/// Who the basket is for: a customer of Customer 360 (staff), or an
/// e-mail for the confirmation; and the language they read.
#[server(endpoint = "basket_contact")]
pub async fn basket_contact(
    basket: i64,
    email: Option<String>,
    customer: Option<i64>,
    lang: Option<String>,
) -> Result<(), AppError> {
    let caller = require(anyone_selling).await?;
    let staff = caller.staff()?;
    let lang = filled(lang)
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_default();
    let contact = match (customer, filled(email)) {
        (Some(id), _) => service::BasketContact::Customer(id),
        (None, Some(email)) => service::BasketContact::Guest(email),
        (None, None) => return Err(AppError::ContactRequired),
    };
    service::set_contact(&state()?.db, &staff, basket, &contact, lang).await
}

/// The ship-home address.
#[server(endpoint = "basket_address")]
pub async fn basket_address(
    basket: i64,
    name: String,
    street: String,
    postcode: String,
    city: String,
) -> Result<(), AppError> {
    let caller = require(Role::is_staff).await?;
    let address = ShipAddress {
        name,
        street,
        postcode,
        city,
    };
    service::set_ship_address(&state()?.db, &caller.staff()?, basket, &address).await
}

/// Places the order. The form carries a `request_key`; the basket itself
/// also makes one order at most, so a resend after a reload is safe.
#[server(endpoint = "basket_checkout")]
pub async fn basket_checkout(
    basket: i64,
    method: String,
    reference: Option<String>,
    store_credit_cents: Option<i64>,
    request_key: Option<String>,
) -> Result<OrderReceipt, AppError> {
    use crate::services::request_keys::RequestKey;
    let caller = require(Role::is_staff).await?;
    let staff = caller.staff()?;
    let state = state()?;
    let method =
        PaymentMethod::from_code(method.trim()).ok_or_else(|| AppError::NotAPaymentMethod {
            text: method.trim().chars().take(20).collect(),
        })?;
    let once = match filled(request_key) {
        None => None,
        Some(key) => {
            let what = format!(
                "checkout|{basket}|{}|{reference:?}|{store_credit_cents:?}",
                method.as_str()
            );
            let owner = format!("staff:{}", staff.username);
            Some(RequestKey::new(&owner, &key, &what)?.from_a_form())
        }
    };
    let payment = service::Checkout {
        method,
        reference: filled(reference),
        store_credit: crate::domain::Cents(store_credit_cents.unwrap_or(0)),
    };
    service::checkout(
        &state.db,
        &state.events,
        &staff,
        basket,
        &payment,
        once.as_ref(),
    )
    .await
    .map(|done| done.value)
}

/// Hands the basket to the till (from the kiosk) or to a manager (for a
/// discount to approve); returns its code.
#[server(endpoint = "basket_hand_off")]
pub async fn basket_hand_off(basket: i64, to: String) -> Result<String, AppError> {
    let caller = require(anyone_selling).await?;
    let staff = caller.staff()?;
    let to = match (staff.role, to.trim()) {
        (Role::Kiosk, _) => HandedTo::Associate,
        (_, "manager") => HandedTo::Manager,
        _ => HandedTo::Associate,
    };
    service::hand_off(&state()?.db, &staff, basket, to).await
}

/// Starts (or goes on with) the caller's basket for a customer of
/// Customer 360, in the language they are served in.
#[server(endpoint = "basket_for_customer")]
pub async fn basket_for_customer(customer: i64, lang: Option<String>) -> Result<i64, AppError> {
    let caller = require(Role::is_staff).await?;
    let staff = caller.staff()?;
    let lang = filled(lang)
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_default();
    service::for_customer(&state()?.db, &staff, customer, lang).await
}

/// Opens a handed basket on this device by its code (typed or scanned).
#[server(endpoint = "basket_claim")]
pub async fn basket_claim(code: String) -> Result<i64, AppError> {
    let caller = require(Role::is_staff).await?;
    service::claim(&state()?.db, &caller.staff()?, &code).await
}

/// Baskets of this shop waiting for the caller's role.
#[server(endpoint = "baskets_waiting")]
pub async fn baskets_waiting() -> Result<Vec<WaitingBasket>, AppError> {
    let caller = require(Role::is_staff).await?;
    service::waiting(&state()?.db, &caller.staff()?).await
}

/// A manager approves a line's discount, with a reason.
#[server(endpoint = "basket_approve")]
pub async fn basket_approve(
    basket: i64,
    line: i64,
    reason: String,
) -> Result<ApprovalView, AppError> {
    let caller = require(|role| role == Role::Manager).await?;
    service::approve_discount(&state()?.db, &caller.staff()?, basket, line, &reason).await
}

/// Gives the basket up (the next one starts empty).
#[server(endpoint = "basket_abandon")]
pub async fn basket_abandon(basket: i64) -> Result<(), AppError> {
    let caller = require(anyone_selling).await?;
    service::abandon(&state()?.db, &caller.staff()?, basket).await
}

/// The shops where a customer may collect, this one first.
#[server(endpoint = "pickup_shops")]
pub async fn pickup_shops() -> Result<Vec<Location>, AppError> {
    let caller = require(Role::is_staff).await?;
    let here = caller.location()?;
    let mut shops = crate::services::catalog::locations(&state()?.db).await?;
    shops.retain(|l| l.kind == crate::model::LocationKind::Store);
    shops.sort_by_key(|l| l.id != here.as_str());
    Ok(shops)
}
