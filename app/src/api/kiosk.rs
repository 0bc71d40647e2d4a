//! The kiosk's calls: customer-safe by construction (price and
//! availability, never on-hand figures of other shops, never a person).

use crate::error::AppError;
use crate::model::{KioskSku, SearchResults};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::guard::{is_kiosk, require, state},
    crate::domain::Sku,
    crate::services,
};

#[server(endpoint = "kiosk_search")]
pub async fn kiosk_search(query: String) -> Result<SearchResults, AppError> {
    let caller = require(is_kiosk).await?;
    services::catalog::search(&state()?.db, &query, &caller.location()?).await
}

#[server(endpoint = "kiosk_product")]
pub async fn kiosk_product(sku: String) -> Result<KioskSku, AppError> {
    let caller = require(is_kiosk).await?;
    let sku = Sku::parse(&sku)?;
    services::catalog::kiosk_sku(&state()?.db, &sku, &caller.location()?).await
}
