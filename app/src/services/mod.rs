//! Business operations. Each takes the database (and the event bus when it
//! changes stock) explicitly, so tests call them without a web server.

pub mod advice;
pub mod audit;
pub mod auth;
pub mod catalog;
pub mod customers;
pub mod events;
pub mod messages;
pub mod orders;
pub mod outbox;
pub mod pickups;
pub mod request_keys;
pub mod returns;
pub mod seed;
pub mod stock;
pub mod webhooks;

/// Who did something, and from which device: recorded with every change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub name: String,
    pub device: String,
}

impl Actor {
    pub fn new(name: impl Into<String>, device: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            device: device.into(),
        }
    }
}
