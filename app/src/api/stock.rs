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

#[cfg(feature = "ssr")]
fn parse_sku(raw: &str) -> Result<Sku, AppError> {
    Sku::parse(raw).map_err(AppError::Invalid)
}

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
    services::catalog::product_stock(&state()?.db, &parse_sku(&sku)?, &caller.location()?).await
}

#[server(endpoint = "list_locations")]
pub async fn list_locations() -> Result<Vec<Location>, AppError> {
    require(Role::is_staff).await?;
    services::catalog::locations(&state()?.db).await
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

/// The figures after a recorded movement, to confirm it to the manager.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MovementDone {
    pub message: String,
    pub seq: i64,
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
    use crate::domain::stock::Movement;
    use services::request_keys::RequestKey;
    use services::stock::{MovementRequest, TransferRequest, record_movement, transfer};

    let caller = require(Role::can_move_stock).await?;
    let state = state()?;
    let once = match request_key.as_deref().filter(|k| !k.trim().is_empty()) {
        None => None,
        Some(key) => {
            let what = format!("{sku}|{kind:?}|{quantity}|{reason:?}|{to_location:?}");
            let owner = format!("staff:{}", caller.user.username);
            Some(
                RequestKey::new(&owner, key, &what)
                    .map_err(AppError::Invalid)?
                    .when_reused(
                        "This form was already sent with other figures, and that movement was \
                         recorded (its answer was lost on the way). Check the history, then \
                         record again.",
                    ),
            )
        }
    };
    let once = once.as_ref();
    let sku = parse_sku(&sku)?;
    let here = caller.location()?;
    let actor = caller.actor();
    let again = |replayed: bool| {
        if replayed {
            " (Sent twice: recorded once.)"
        } else {
            ""
        }
    };
    let whole_number = |raw: &str| {
        raw.trim()
            .parse::<i64>()
            .map_err(|_| AppError::Invalid(format!("'{}' is not a whole number.", raw.trim())))
    };
    let movement = match kind {
        ManagerMovement::Transfer => {
            let to = to_location
                .as_deref()
                .filter(|t| !t.trim().is_empty())
                .ok_or_else(|| AppError::Invalid("Choose where to send the goods.".into()))?;
            let to = LocationId::parse(to).map_err(AppError::Invalid)?;
            let quantity = Quantity::parse(&quantity).map_err(AppError::Invalid)?;
            let request = TransferRequest {
                sku: sku.clone(),
                from: here,
                to: to.clone(),
                quantity,
            };
            let done = transfer(&state.db, &state.events, &request, &actor, once).await?;
            let (out, _) = done.value;
            return Ok(MovementDone {
                message: format!(
                    "Sent {quantity} × {sku} to {to}. {} left here on hand.{}",
                    out.on_hand,
                    again(done.replayed)
                ),
                seq: out.seq,
            });
        }
        ManagerMovement::Receipt => {
            Movement::Receipt(Quantity::parse(&quantity).map_err(AppError::Invalid)?)
        }
        ManagerMovement::Adjustment => {
            Movement::adjustment(whole_number(&quantity)?).map_err(AppError::Invalid)?
        }
        ManagerMovement::Count => {
            Movement::count(whole_number(&quantity)?).map_err(AppError::Invalid)?
        }
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
        message: format!(
            "{} recorded for {sku}: {} on hand, {} available.{}",
            movement.kind().label(),
            event.on_hand,
            event.available,
            again(done.replayed)
        ),
        seq: event.seq,
    })
}

/// The latest movements of a SKU at the manager's shop.
#[server(endpoint = "movement_history")]
pub async fn movement_history(sku: String) -> Result<Vec<MovementLine>, AppError> {
    let caller = require(Role::can_move_stock).await?;
    services::catalog::movement_history(&state()?.db, &parse_sku(&sku)?, &caller.location()?, 50)
        .await
}
