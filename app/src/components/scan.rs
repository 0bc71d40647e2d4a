//! One listener for hand scanners on every page. A scanner types a code
//! and Enter faster than any person; wherever the focus is (on the page, a
//! link, a button), that burst opens the product, so an associate can scan
//! one item after another without tapping "Search" first. Inside a field
//! that takes text (the search box, a quantity) the field keeps what is
//! typed, as a person would expect. Later screens (basket, pick, handover,
//! returns) reuse this listener by giving it their own way to open a code.
//! On staff pages, a loyalty card opens its holder's profile, and a
//! basket's QR code from the kiosk (`PANIER-...`) opens that basket, and a
//! customer's pickup QR (`RETRAIT-...`) checks them in at the kiosk or
//! opens their order on a tablet.

use leptos::prelude::*;

/// Listens on the window, for associates, managers and kiosks alike.
#[component]
pub fn ScanListener() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    browser::listen();
}

/// Where a scanned code is opened: the staff stock page, or the kiosk's.
pub fn product_path(role: crate::domain::Role) -> Option<&'static str> {
    use crate::domain::Role;
    match role {
        Role::Associate | Role::Manager => Some("/stock"),
        Role::Kiosk => Some("/kiosk"),
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use crate::context::use_user;
    use crate::domain::scan::{Burst, Keystroke};
    use crate::domain::search::encode_query_value;
    use crate::model::SearchResults;
    use leptos::ev;
    use leptos::task::spawn_local;
    use leptos_router::hooks::use_navigate;
    use wasm_bindgen::JsCast;

    pub fn listen() {
        let user = use_user().0;
        let navigate = use_navigate();
        let burst = StoredValue::new(Burst::default());
        let listener = window_event_listener(ev::keydown, move |event| {
            if takes_text(&event) {
                burst.update_value(|b| b.reset());
                return;
            }
            let keystroke = match event.key().as_str() {
                "Enter" => Keystroke::Enter,
                key => match key.chars().next() {
                    Some(c) if key.chars().count() == 1 => Keystroke::Char(c),
                    _ => Keystroke::Other,
                },
            };
            let mut scanned = None;
            burst.update_value(|b| scanned = b.key(keystroke, event.time_stamp()));
            let Some(code) = scanned else {
                return;
            };
            // The Enter ends a scan: it must not also follow a focused link.
            event.prevent_default();
            let Some(base) = user
                .get_untracked()
                .and_then(Result::ok)
                .flatten()
                .and_then(|u| product_path(u.role))
            else {
                return;
            };
            let navigate = navigate.clone();
            // A basket handed from the kiosk (its QR carries PANIER-<code>):
            // the basket page opens it on this tablet.
            let handed = code
                .to_ascii_uppercase()
                .starts_with(crate::domain::basket::HANDOFF_SCAN_PREFIX)
                .then(|| crate::domain::basket::parse_handoff_code(&code))
                .flatten();
            if base != "/kiosk"
                && let Some(handed) = handed
            {
                navigate(&format!("/basket?code={handed}"), Default::default());
                return;
            }
            // A customer's pickup QR: the kiosk checks them in; a tablet
            // opens their order for the handover.
            if crate::domain::pickup::is_pickup_scan(&code) {
                let path = if base == "/kiosk" {
                    "/kiosk/pickup"
                } else {
                    "/pickups"
                };
                navigate(
                    &format!("{path}?code={}", encode_query_value(code.trim())),
                    Default::default(),
                );
                return;
            }
            // An order's QR (confirmation e-mail, receipt): its return.
            if base != "/kiosk" && crate::domain::order::is_order_reference(&code) {
                navigate(
                    &format!("/returns/order/{}", code.trim().to_ascii_uppercase()),
                    Default::default(),
                );
                return;
            }
            let is_card = base != "/kiosk" && crate::domain::customer::parse_card(&code).is_ok();
            spawn_local(async move {
                if is_card {
                    let path = match crate::api::customers::search_customers(code.clone()).await {
                        Ok(crate::model::customer::CustomerSearchResults {
                            exact_id: Some(id),
                            ..
                        }) => format!("/customers/{id}"),
                        _ => format!("/customers?q={}", encode_query_value(&code)),
                    };
                    navigate(&path, Default::default());
                    return;
                }
                let found = if base == "/kiosk" {
                    crate::api::kiosk::kiosk_search(code.clone()).await
                } else {
                    crate::api::stock::search_stock(code.clone()).await
                };
                match found {
                    Ok(SearchResults {
                        exact_sku: Some(sku),
                        ..
                    }) => navigate(&format!("{base}/{sku}"), Default::default()),
                    _ => navigate(
                        &format!("{base}?q={}", encode_query_value(&code)),
                        Default::default(),
                    ),
                }
            });
        });
        on_cleanup(move || listener.remove());
    }

    /// A field where typed characters belong to the field.
    fn takes_text(event: &web_sys::KeyboardEvent) -> bool {
        let Some(element) = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        else {
            return false;
        };
        if element.is_content_editable() {
            return true;
        }
        match element.tag_name().as_str() {
            "TEXTAREA" | "SELECT" => true,
            "INPUT" => {
                let kind = element.get_attribute("type").unwrap_or_default();
                !matches!(
                    kind.as_str(),
                    "button" | "submit" | "reset" | "checkbox" | "radio" | "hidden"
                )
            }
            _ => false,
        }
    }
}
