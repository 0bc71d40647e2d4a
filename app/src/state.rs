//! What every request handler and server function can reach.

use crate::db::Db;
use crate::services::events::EventBus;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub events: EventBus,
    pub api_keys: std::sync::Arc<crate::services::auth::ApiKeyCache>,
    pub leptos_options: LeptosOptions,
    /// Cookies get `Secure` unless the app serves plain HTTP on a local
    /// address (development, tests, the demo).
    pub secure_cookies: bool,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// Who is behind a request, resolved once per request from the session
/// cookie by the server's middleware and read by server functions.
#[derive(Clone, Debug, Default)]
pub struct RequestUser(pub Option<SignedIn>);

#[derive(Clone, Debug)]
pub struct SignedIn {
    pub user: crate::model::CurrentUser,
    /// What the device said it was when it signed in (its user agent).
    pub device: String,
}

/// The language a page is rendered in, chosen once per request by the
/// server's middleware: the account's (staff), else the device's cookie,
/// else French. Kiosks follow their device only: a customer's choice is not
/// the kiosk account's.
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestLang(pub crate::domain::Lang);
