use crate::components::header::Header;
use crate::components::scan::ScanListener;
use crate::context::provide_user_context;
use crate::i18n::{I18nContextProvider, t_string, use_i18n};
use crate::pages::{kiosk, login::LoginPage, manage::ManagePage, not_found::NotFound, stock};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The HTML document around the app, rendered by the server. `<html lang>`
/// is set by the translations' provider, in the language of the request.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
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

/// The language the server chose for this request (account, then the
/// device's cookie, then French), handed to the translations' provider. In
/// the browser the provider reads it back from `<html lang>`.
#[cfg(feature = "ssr")]
fn request_language() -> Option<leptos_i18n::context::UseLocalesOptions> {
    let lang = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<crate::state::RequestLang>().copied())
        .map(|found| found.0)
        .unwrap_or_default();
    Some(
        leptos_i18n::context::UseLocalesOptions::default()
            .ssr_lang_header_getter(move || Some(lang.code().to_string())),
    )
}

#[cfg(not(feature = "ssr"))]
fn request_language() -> Option<leptos_i18n::context::UseLocalesOptions> {
    None
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_user_context();
    let ssr_lang_header_getter = request_language();
    view! {
        <I18nContextProvider
            enable_cookie=false
            set_dir_attr_on_html=false
            ssr_lang_header_getter=ssr_lang_header_getter.unwrap_or_default()
        >
            <AppBody/>
        </I18nContextProvider>
    }
}

#[component]
fn AppBody() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title formatter=move |page: String| {
            if page.is_empty() {
                t_string!(i18n, app.name).to_string()
            } else {
                t_string!(i18n, app.page_title, page).to_string()
            }
        }/>
        <Router>
            <a class="skip-link" href="#main">{move || t_string!(i18n, app.skip_to_content)}</a>
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
                    <Route path=path!("/kiosk") view=kiosk::KioskHome ssr=SsrMode::Async/>
                    <Route path=path!("/kiosk/:sku") view=kiosk::KioskProductPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}
