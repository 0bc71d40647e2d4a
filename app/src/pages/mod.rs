//! One file per route, grouped by area.

pub mod kiosk;
pub mod login;
pub mod manage;
pub mod not_found;
pub mod stock;
