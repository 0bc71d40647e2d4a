//! The self-service kiosk: a customer checks price and stock. No staff
//! feature and no personal data; idle for two minutes, it starts over, in
//! French.

use crate::api::kiosk::{kiosk_product, kiosk_search};
use crate::components::feedback::{ErrorMessage, Loading, Loads};
use crate::components::kiosk_order_item::KioskOrderItem;
use crate::components::live::use_live_stock;
use crate::components::result_list::ResultList;
use crate::components::search_box::{SearchAddress, SearchBox, use_search_address};
use crate::components::variant_grid::VariantGrid;
use crate::counted;
use crate::domain::Cents;
use crate::i18n::td_string;
use crate::loaded::load;
use crate::model::ProductView;
use crate::translate::use_lang;
use crate::translate::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Idle time after which the kiosk forgets everything and starts over.
pub const KIOSK_IDLE_SECONDS: u64 = 120;

#[component]
pub fn KioskHome() -> impl IntoView {
    let locale = use_locale();
    let SearchAddress {
        q,
        on_type,
        on_enter,
    } = use_search_address("/kiosk", |text| async move {
        let found = kiosk_search(text).await.ok()?;
        found.exact_sku.map(|sku| format!("/kiosk/{sku}"))
    });
    let results = load(
        move || q.get(),
        |q| async move {
            if q.trim().is_empty() {
                Ok(None)
            } else {
                kiosk_search(q).await.map(Some)
            }
        },
    );
    view! {
        <Title text=td_string!(locale, kiosk.page_title).to_string()/>
        <IdleReset/>
        <section class="panel kiosk">
            <h1>{td_string!(locale, kiosk.heading)}</h1>
            <p class="kiosk-lead">{td_string!(locale, kiosk.lead)}</p>
            <p><a class="button" href="/kiosk/order">{td_string!(locale, kiosk_order.my_order)}</a>
                " "<a class="button" href="/kiosk/pickup">{td_string!(locale, kiosk_pickup.heading)}</a></p>
            <SearchBox
                action="/kiosk"
                initial=q.get_untracked()
                label=td_string!(locale, kiosk.search_label)
                placeholder=td_string!(locale, kiosk.placeholder)
                on_type
                on_enter
            />
            <Transition fallback=|| view! { <Loading what=Loads::Results/> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(None) => ().into_any(),
                        Ok(Some(found)) => view! { <ResultList found link_base="/kiosk/"/> }.into_any(),
                        Err(error) => view! { <ErrorMessage error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn KioskProductPage() -> impl IntoView {
    let locale = use_locale();
    let lang = use_lang();
    let params = use_params_map();
    let sku = Memo::new(move |_| params.with(|p| p.get("sku").unwrap_or_default()));
    let data = load(move || sku.get(), kiosk_product);
    let product_id = Signal::derive(move || data.get().and_then(Result::ok).map(|d| d.product_id));
    let live = use_live_stock(product_id);
    // The kiosk's summary (other shops, warehouse) is computed by the
    // server: reload it when anything about this product changes.
    Effect::new(move |seen: Option<(u32, usize)>| {
        let now = (
            live.resyncs.get(),
            live.figures
                .with(|m| m.values().map(|e| e.seq as usize).sum::<usize>()),
        );
        if seen.is_some_and(|seen| seen != now) {
            data.refetch();
        }
        now
    });
    view! {
        <Title text=td_string!(locale, kiosk.product_title).to_string()/>
        <IdleReset/>
        <p class="back">
            <a class="button" href="/kiosk">{td_string!(locale, kiosk.new_search)}</a>
            " "<a class="button" href="/kiosk/order">{td_string!(locale, kiosk_order.my_order)}</a>
        </p>
        <Transition fallback=|| view! { <Loading what=Loads::Product/> }>
            {move || Suspend::new(async move {
                let item = match data.await {
                    Ok(item) => item,
                    Err(error) => return view! { <ErrorMessage error/> }.into_any(),
                };
                let available_here = item.available_here;
                let here = match available_here {
                    0 => td_string!(locale, kiosk.not_here).to_string(),
                    count => counted!(locale, count, kiosk.here),
                };
                let shops = item.other_shops_with_stock;
                let elsewhere = match shops {
                    0 => td_string!(locale, kiosk.shops_none).to_string(),
                    count => counted!(locale, count, kiosk.shops),
                };
                let at_warehouse = item.warehouse_has_stock;
                let warehouse = if at_warehouse {
                    td_string!(locale, kiosk.warehouse_yes)
                } else {
                    td_string!(locale, kiosk.warehouse_no)
                };
                let product = ProductView {
                    id: item.product_id.clone(),
                    name: item.product_name.clone(),
                    category: String::new(),
                    description: String::new(),
                    colours: unique(item.variants.iter().map(|v| v.colour.clone())),
                    sizes: unique(item.variants.iter().map(|v| v.size.clone())),
                    variants: item.variants.clone(),
                };
                let price = Cents(item.price_cents);
                view! {
                    <section class="panel kiosk product">
                        <h1>{item.product_name.clone()}</h1>
                        <p class="meta">{format!("{} · {}", item.colour, item.size)}</p>
                        <p class="price kiosk-price">{price.format(lang)}</p>
                        <ul class="availability" aria-label=td_string!(locale, kiosk.availability)>
                            <li class:yes={available_here > 0} data-availability="here">{here}</li>
                            <li class:yes={shops > 0} data-availability="shops">{elsewhere}</li>
                            <li class:yes=at_warehouse data-availability="warehouse">{warehouse}</li>
                        </ul>
                        <KioskOrderItem sku=item.sku.clone()/>
                        <h2>{td_string!(locale, kiosk.other_variants)}</h2>
                        <VariantGrid product selected=item.sku.clone() here=item.location_id.clone() live link_base="/kiosk/"/>
                    </section>
                }
                .into_any()
            })}
        </Transition>
    }
}

/// Keeps first occurrences, in order (the variants come sorted).
fn unique(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for item in items {
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen
}

/// Starts the kiosk over after [`KIOSK_IDLE_SECONDS`] without a touch or a
/// key: back in French, then a full reload to the home screen, so nothing
/// typed or chosen survives for the next customer.
#[component]
fn IdleReset() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        use crate::domain::Lang;
        use crate::domain::lang::LANG_COOKIE;
        use leptos::ev;
        use std::time::Duration;
        use wasm_bindgen::JsCast;
        let timer: StoredValue<Option<TimeoutHandle>> = StoredValue::new(None);
        let restart = move || {
            if let Some(handle) = timer.get_value() {
                handle.clear();
            }
            let handle = set_timeout_with_handle(
                || {
                    let Some(window) = web_sys::window() else {
                        return;
                    };
                    if let Some(document) = window
                        .document()
                        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
                    {
                        let french = format!(
                            "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
                            Lang::Fr.code()
                        );
                        let _ = document.set_cookie(&french);
                    }
                    let _ = window.location().assign("/kiosk");
                },
                Duration::from_secs(KIOSK_IDLE_SECONDS),
            )
            .ok();
            timer.set_value(handle);
        };
        Effect::new(move |_| restart());
        let listeners = [
            window_event_listener(ev::pointerdown, move |_| restart()),
            window_event_listener(ev::keydown, move |_| restart()),
            window_event_listener(ev::input, move |_| restart()),
        ];
        on_cleanup(move || {
            for listener in listeners {
                listener.remove();
            }
            if let Some(handle) = timer.get_value() {
                handle.clear();
            }
        });
    }
}
