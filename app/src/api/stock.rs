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
/// transfer to another location, at the manager's own shop.
#[server(endpoint = "record_movement")]
pub async fn record_movement(
    sku: String,
    kind: ManagerMovement,
    quantity: String,
    reason: Option<String>,
    to_location: Option<String>,
) -> Result<MovementDone, AppError> {
    record_movement_inner(sku, kind, quantity, reason, to_location).await
}

#[cfg(feature = "ssr")]
async fn record_movement_inner(
    sku: String,
    kind: ManagerMovement,
    quantity: String,
    reason: Option<String>,
    to_location: Option<String>,
) -> Result<MovementDone, AppError> {
    use crate::domain::Quantity;
    use crate::domain::stock::Movement;
    use services::stock::{MovementRequest, record_movement, transfer};

    let caller = require(Role::can_move_stock).await?;
    let state = state()?;
    let sku = parse_sku(&sku)?;
    let here = caller.location()?;
    let actor = caller.actor();
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
            let (out, _) =
                transfer(&state.db, &state.events, &sku, &here, &to, quantity, &actor).await?;
            return Ok(MovementDone {
                message: format!(
                    "Sent {quantity} × {sku} to {to}. {} left here on hand.",
                    out.on_hand
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
    let event = record_movement(
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
    )
    .await?;
    Ok(MovementDone {
        message: format!(
            "{} recorded for {sku}: {} on hand, {} available.",
            movement.kind().label(),
            event.on_hand,
            event.available
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
