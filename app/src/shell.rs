use crate::api::session::who_am_i;
use crate::components::header::Header;
use crate::model::CurrentUser;
use crate::pages::{kiosk, login::LoginPage, manage::ManagePage, not_found::NotFound, stock};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The HTML document around the app, rendered by the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
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

/// The signed-in user, loaded once per page and shared by every component.
#[derive(Clone, Copy)]
pub struct UserContext(pub Resource<Result<Option<CurrentUser>, crate::error::AppError>>);

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let user = Resource::new(|| (), |_| who_am_i());
    provide_context(UserContext(user));

    view! {
        <Stylesheet id="leptos" href="/pkg/web-in-store.css"/>
        <Title text="Web-in-store"/>
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Header/>
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
