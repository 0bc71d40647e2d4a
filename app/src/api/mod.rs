//! Server functions: the UI's only data path. Each is a thin adapter: check
//! the caller's role, parse input into domain types, call a service.

pub mod basket;
pub mod customers;
pub mod kiosk;
pub mod pickups;
pub mod returns;
pub mod session;
pub mod stock;

#[cfg(feature = "ssr")]
pub(crate) mod guard;
