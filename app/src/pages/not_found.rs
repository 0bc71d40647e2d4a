use crate::i18n::td_string;
use crate::translate::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    let locale = use_locale();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=td_string!(locale, not_found.title).to_string()/>
        <section class="panel">
            <h1>{td_string!(locale, not_found.title)}</h1>
            <p>{td_string!(locale, not_found.text)}" "<a href="/">{td_string!(locale, not_found.home)}</a></p>
        </section>
    }
}
