//! Reusable pieces, named for what a person sees.

pub mod customer;
#[cfg(feature = "ssr")]
pub mod customer_html;
pub mod feedback;
pub mod header;
pub mod kiosk_order_item;
pub mod language;
pub mod live;
pub mod live_pickups;
pub mod request_key;
pub mod result_list;
pub mod return_words;
pub mod scan;
pub mod search_box;
pub mod stock_table;
pub mod submitted;
pub mod variant_grid;
