//! One file per route, grouped by area.

pub mod basket;
pub mod customer_form;
pub mod customers;
pub mod kiosk;
pub mod kiosk_order;
pub mod kiosk_pickup;
pub mod login;
pub mod manage;
pub mod not_found;
pub mod order;
pub mod pickup_order;
pub mod pickups;
pub mod returns;
pub mod returns_board;
pub mod stock;
