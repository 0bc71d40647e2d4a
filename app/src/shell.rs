use crate::components::header::Header;
use crate::components::scan::ScanListener;
use crate::context::provide_user_context;
use crate::domain::Lang;
use crate::i18n::td_string;
use crate::pages::{
    basket::BasketPage, customer_form, customers, kiosk, kiosk_order, kiosk_pickup,
    login::LoginPage, manage::ManagePage, not_found::NotFound, order::OrderPage, pickup_order,
    pickups, returns, returns_board, stock,
};
use crate::translate::{provide_lang, use_locale};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The HTML document around the app, rendered by the server in the
/// request's language (`<html lang>`, which the browser reads back).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = request_language();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                // Before anything is drawn: says that scripts run, so that
                // what only works with them (the live link) shows only then.
                <script inner_html="document.documentElement.classList.add('js')"></script>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The language the server chose for this request: the account's, then
/// the device's cookie, then French (`server::session::request_lang`).
#[cfg(feature = "ssr")]
pub(crate) fn request_language() -> Lang {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::state::RequestLang>().copied())
        .map(|found| found.0)
        .unwrap_or_default()
}

/// In the browser: the language the server wrote into `<html lang>`.
#[cfg(not(feature = "ssr"))]
fn request_language() -> Lang {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.document_element())
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|code| Lang::parse(&code))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    Lang::default()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_user_context();
    provide_lang(request_language());
    view! { <AppBody/> }
}

#[component]
fn AppBody() -> impl IntoView {
    let locale = use_locale();
    view! {
        <Title formatter=move |page: String| {
            if page.is_empty() {
                td_string!(locale, app.name).to_string()
            } else {
                td_string!(locale, app.page_title, page).to_string()
            }
        }/>
        <Router>
            <a class="skip-link" href="#main">{td_string!(locale, app.skip_to_content)}</a>
            <Header/>
            <ScanListener/>
            <main id="main">
                // Pages wait for their data before the server sends them, so
                // a browser without JavaScript still gets the whole page.
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/login") view=LoginPage/>
                    <Route path=path!("/stock") view=stock::SearchPage ssr=SsrMode::Async/>
                    <Route path=path!("/stock/:sku") view=stock::ProductPage ssr=SsrMode::Async/>
                    <Route path=path!("/manage/:sku") view=ManagePage ssr=SsrMode::Async/>
                    <Route path=path!("/basket") view=BasketPage ssr=SsrMode::Async/>
                    <Route path=path!("/customers") view=customers::CustomerSearchPage ssr=SsrMode::Async/>
                    <Route path=path!("/customers/new") view=customer_form::NewCustomerPage ssr=SsrMode::Async/>
                    <Route path=path!("/customers/:id") view=customers::CustomerPage ssr=SsrMode::Async/>
                    <Route path=path!("/customers/:id/edit") view=customer_form::EditCustomerPage ssr=SsrMode::Async/>
                    <Route path=path!("/orders/:reference") view=OrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/pickups") view=pickups::PickupQueuePage ssr=SsrMode::Async/>
                    <Route path=path!("/pickups/:id") view=pickup_order::PickupOrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/returns") view=returns::ReturnsHome ssr=SsrMode::Async/>
                    <Route path=path!("/returns/order/:reference") view=returns::ReturnOrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/returns/receipt/:reference") view=returns::ReturnReceiptPage ssr=SsrMode::Async/>
                    <Route path=path!("/returns/board") view=returns_board::ReturnsBoardPage ssr=SsrMode::Async/>
                    <Route path=path!("/access-log") view=customers::AccessLogPage ssr=SsrMode::Async/>
                    <Route path=path!("/kiosk") view=kiosk::KioskHome ssr=SsrMode::Async/>
                    <Route path=path!("/kiosk/order") view=kiosk_order::KioskOrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/kiosk/pickup") view=kiosk_pickup::KioskPickupPage ssr=SsrMode::Async/>
                    <Route path=path!("/kiosk/:sku") view=kiosk::KioskProductPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}
