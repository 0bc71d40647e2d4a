//! Staff stock features: search, product stock, movements, history.

use crate::error::AppError;
use crate::model::{Location, MovementLine, ProductStock, SearchResults};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::guard::{require, state},
    crate::domain::{LocationId, Role, Sku},
    crate::services,
};

/// Search-as-you-type over names, SKU codes and EANs.
#[server(endpoint = "search_stock")]
pub async fn search_stock(query: String) -> Result<SearchResults, AppError> {
    let caller = require(Role::is_staff).await?;
    services::catalog::search(&state()?.db, &query, &caller.location()?).await
}

/// A product's variants and one SKU's stock everywhere.
#[server(endpoint = "get_product_stock")]
pub async fn get_product_stock(sku: String) -> Result<ProductStock, AppError> {
    let caller = require(Role::is_staff).await?;
    services::catalog::product_stock(&state()?.db, &Sku::parse(&sku)?, &caller.location()?).await
}

/// Where the caller's shop can send goods: every other location.
#[server(endpoint = "transfer_destinations")]
pub async fn transfer_destinations() -> Result<Vec<Location>, AppError> {
    let caller = require(Role::can_move_stock).await?;
    let here = caller.location()?;
    let mut all = services::catalog::locations(&state()?.db).await?;
    all.retain(|l| l.id != here.as_str());
    Ok(all)
}

/// What a manager records for their shop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ManagerMovement {
    Receipt,
    Adjustment,
    Count,
    Transfer,
}

impl ManagerMovement {
    /// The form's value for this kind (as serialised).
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "receipt" => Some(Self::Receipt),
            "adjustment" => Some(Self::Adjustment),
            "count" => Some(Self::Count),
            "transfer" => Some(Self::Transfer),
            _ => None,
        }
    }
}

/// A recorded movement, for the manager's confirmation (worded by the page).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MovementDone {
    pub kind: ManagerMovement,
    pub sku: String,
    pub quantity: i64,
    /// For a transfer: where the goods went (the location's name).
    pub to: Option<String>,
    pub on_hand: i64,
    pub available: i64,
    pub seq: i64,
    /// The form was sent twice; the movement was recorded once.
    pub replayed: bool,
}

/// Records a receipt, an adjustment (signed, with a reason), a count or a
/// transfer to another location, at the manager's own shop. The form sends
/// a fresh `request_key`: sent twice (a double tap, a retry after the
/// connection dropped), the movement is recorded once.
#[server(endpoint = "record_movement")]
pub async fn record_movement(
    sku: String,
    kind: ManagerMovement,
    quantity: String,
    reason: Option<String>,
    to_location: Option<String>,
    request_key: Option<String>,
) -> Result<MovementDone, AppError> {
    record_movement_inner(sku, kind, quantity, reason, to_location, request_key).await
}

#[cfg(feature = "ssr")]
async fn record_movement_inner(
    sku: String,
    kind: ManagerMovement,
    quantity: String,
    reason: Option<String>,
    to_location: Option<String>,
    request_key: Option<String>,
) -> Result<MovementDone, AppError> {
    use crate::domain::Quantity;
    use crate::domain::stock::{Movement, parse_whole_number};
    use services::request_keys::RequestKey;
    use services::stock::{MovementRequest, TransferRequest, record_movement, transfer};

    let caller = require(Role::can_move_stock).await?;
    let state = state()?;
    let once = match request_key.as_deref().filter(|k| !k.trim().is_empty()) {
        None => None,
        Some(key) => {
            let what = format!("{sku}|{kind:?}|{quantity}|{reason:?}|{to_location:?}");
            let owner = format!("staff:{}", caller.user.username);
            Some(RequestKey::new(&owner, key, &what)?.from_a_form())
        }
    };
    let once = once.as_ref();
    let sku = Sku::parse(&sku)?;
    let here = caller.location()?;
    let actor = caller.actor();
    let movement = match kind {
        ManagerMovement::Transfer => {
            let to = to_location
                .as_deref()
                .filter(|t| !t.trim().is_empty())
                .ok_or(AppError::DestinationRequired)?;
            let to = LocationId::parse(to)?;
            let quantity = Quantity::parse(&quantity)?;
            let request = TransferRequest {
                sku: sku.clone(),
                from: here,
                to: to.clone(),
                quantity,
            };
            let done = transfer(&state.db, &state.events, &request, &actor, once).await?;
            let (out, _) = done.value;
            let to_name = services::catalog::location_name(&state.db, to.as_str()).await?;
            return Ok(MovementDone {
                kind,
                sku: sku.to_string(),
                quantity: quantity.get(),
                to: Some(to_name),
                on_hand: out.on_hand,
                available: out.available,
                seq: out.seq,
                replayed: done.replayed,
            });
        }
        ManagerMovement::Receipt => Movement::Receipt(Quantity::parse(&quantity)?),
        ManagerMovement::Adjustment => Movement::adjustment(parse_whole_number(&quantity)?)?,
        ManagerMovement::Count => Movement::count(parse_whole_number(&quantity)?)?,
    };
    let done = record_movement(
        &state.db,
        &state.events,
        MovementRequest {
            sku: sku.clone(),
            location: here,
            movement,
            reason,
            reference: None,
        },
        &actor,
        once,
    )
    .await?;
    let event = &done.value;
    Ok(MovementDone {
        kind,
        sku: sku.to_string(),
        quantity: 0,
        to: None,
        on_hand: event.on_hand,
        available: event.available,
        seq: event.seq,
        replayed: done.replayed,
    })
}

/// The latest movements of a SKU at the manager's shop.
#[server(endpoint = "movement_history")]
pub async fn movement_history(sku: String) -> Result<Vec<MovementLine>, AppError> {
    let caller = require(Role::can_move_stock).await?;
    services::catalog::movement_history(&state()?.db, &Sku::parse(&sku)?, &caller.location()?, 50)
        .await
}

/// What holds a SKU's stock at a location (orders, safety stock): why
/// less is available than is on the shelf.
#[server(endpoint = "stock_holds")]
pub async fn stock_holds(
    sku: String,
    location: String,
) -> Result<crate::model::basket::ReservedHere, AppError> {
    require(Role::is_staff).await?;
    services::orders::holds(
        &state()?.db,
        &Sku::parse(&sku)?,
        &LocationId::parse(&location)?,
    )
    .await
}
