//! Pure types and rules shared by the browser and the server. No I/O here.

pub mod basket;
pub mod codes;
pub mod customer;
pub mod geo;
pub mod lang;
pub mod money;
pub mod order;
pub mod pickup;
pub mod returns;
pub mod role;
pub mod scan;
pub mod search;
pub mod sign_in;
pub mod sourcing;
pub mod stock;
pub mod time;

pub use codes::{Ean13, LocationId, Sku};
pub use lang::Lang;
pub use money::Cents;
pub use role::Role;
pub use stock::{MovementKind, Quantity, StockFigures};
