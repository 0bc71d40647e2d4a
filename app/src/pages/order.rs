//! One order, opened from a customer's timeline (or by its reference):
//! its lines with their stock here now, its history, its returns. Read-only:
//! the page comes as HTML from the server (`components::customer_html`).

use crate::api::customers::order_page;
use crate::components::feedback::{ErrorMessage, Loading, Loads};
use crate::i18n::td_string;
use crate::loaded::load;
use crate::translate::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn OrderPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let reference = Memo::new(move |_| params.with(|p| p.get("reference").unwrap_or_default()));
    let order = load(move || reference.get(), order_page);
    view! {
        <Title text=td_string!(locale, order.page_title).to_string()/>
        <Transition fallback=|| view! { <Loading what=Loads::Order/> }>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(html) => view! { <div inner_html=html></div> }.into_any(),
                    Err(error) => view! {
                        <p class="back"><a href="/customers">{td_string!(locale, customer.back)}</a></p>
                        <ErrorMessage error/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
