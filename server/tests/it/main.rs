//! Database, HTTP and live tests. Every test runs twice: on a fresh SQLite
//! file and on a fresh database of the PostgreSQL cluster named by
//! `TEST_PG_URL` (scripts/test.sh starts one).

mod api;
mod bundle;
mod common;
mod concurrency;
mod customers;
mod language;
mod live;
mod mail;
mod once;
mod orders;
mod pickups;
mod returns;
mod search;
mod seed;
mod server_fns;
mod sign_in;
mod stock;
mod web_orders;
