use crate::i18n::{t_string, use_i18n};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=move || t_string!(i18n, not_found.title).to_string()/>
        <section class="panel">
            <h1>{move || t_string!(i18n, not_found.title)}</h1>
            <p>{move || t_string!(i18n, not_found.text)}" "<a href="/">{move || t_string!(i18n, not_found.home)}</a></p>
        </section>
    }
}
