//! What travels between server and browser: view types built by the
//! services and rendered by the pages. No secrets here, ever.

pub mod basket;
pub mod customer;
pub mod pickup;
pub mod returns;

use crate::domain::{Lang, Role};
use serde::{Deserialize, Serialize};

/// The signed-in person (or kiosk), as the UI needs to know them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub location_id: String,
    pub location_name: String,
    /// The language chosen for the account, if the person ever chose one.
    pub language: Option<Lang>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocationKind {
    Store,
    Warehouse,
}

impl LocationKind {
    /// From the code stored in `locations.kind`; the table's check allows
    /// only `store` and `warehouse`.
    pub fn from_code(code: &str) -> Self {
        if code == "warehouse" {
            Self::Warehouse
        } else {
            Self::Store
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub id: String,
    pub kind: LocationKind,
    pub name: String,
    pub city: String,
    pub latitude: f64,
    pub longitude: f64,
}

/// One line of search results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub product_id: String,
    pub name: String,
    pub category: String,
    /// The SKU to open: the one matched, or the product's first.
    pub sku: String,
    /// Colour and size when one SKU matched exactly (EAN or SKU code).
    pub variant: Option<String>,
    pub min_price_cents: i64,
    pub max_price_cents: i64,
    pub variant_count: i64,
    /// Units available in the viewer's shop, over the matched SKUs.
    pub available_here: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    pub query: String,
    pub hits: Vec<SearchHit>,
    /// Set when the query was a whole EAN or SKU code that matched one SKU.
    pub exact_sku: Option<String>,
}

/// One cell of the colour x size grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantCell {
    pub sku: String,
    pub colour: String,
    pub size: String,
    pub available_here: i64,
    pub seq_here: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductView {
    pub id: String,
    pub name: String,
    pub category: String,
    pub description: String,
    pub colours: Vec<String>,
    pub sizes: Vec<String>,
    pub variants: Vec<VariantCell>,
}

/// The stock of one SKU at one location.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocationStock {
    pub location_id: String,
    pub kind: LocationKind,
    pub name: String,
    pub city: String,
    /// From the viewer's shop; `None` for the viewer's own shop.
    pub distance_km: Option<f64>,
    pub on_hand: i64,
    pub reserved: i64,
    pub safety: i64,
    pub available: i64,
    pub last_seq: i64,
    /// Units of orders sent here from another location, not yet received.
    pub in_transit: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkuStock {
    pub sku: String,
    pub ean: String,
    pub product_id: String,
    pub product_name: String,
    pub colour: String,
    pub size: String,
    pub price_cents: i64,
    /// This shop first, then other shops nearest first, then warehouses.
    pub locations: Vec<LocationStock>,
}

/// Everything the associate's product screen shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductStock {
    pub product: ProductView,
    pub selected: SkuStock,
}

/// What a kiosk may show a customer: price and where it can be had.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskSku {
    /// The kiosk's own shop.
    pub location_id: String,
    pub sku: String,
    pub product_id: String,
    pub product_name: String,
    pub colour: String,
    pub size: String,
    pub price_cents: i64,
    pub available_here: i64,
    pub seq_here: i64,
    pub other_shops_with_stock: i64,
    pub warehouse_has_stock: bool,
    pub variants: Vec<VariantCell>,
}

/// One ledger line, for the movement history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovementLine {
    pub seq: i64,
    pub kind: crate::domain::MovementKind,
    pub on_hand_delta: i64,
    pub reserved_delta: i64,
    pub on_hand_after: i64,
    pub reserved_after: i64,
    pub reason: Option<String>,
    /// For a transfer: the name of the other location.
    pub counterpart: Option<String>,
    pub reference: Option<String>,
    pub actor: String,
    pub device: String,
    pub at_ms: i64,
}
