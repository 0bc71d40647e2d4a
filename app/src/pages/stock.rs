//! The associate's screens: search, then one product's stock everywhere.

use crate::api::stock::{get_product_stock, search_stock};
use crate::components::feedback::{ErrorMessage, Loading, Loads};
use crate::components::live::{LiveBadge, use_live_stock};
use crate::components::result_list::ResultList;
use crate::components::search_box::{SearchAddress, SearchBox, use_search_address};
use crate::components::stock_table::StockTable;
use crate::components::variant_grid::VariantGrid;
use crate::context::use_user;
use crate::domain::{Cents, Role};
use crate::i18n::td_string;
use crate::loaded::load;
use crate::model::LocationKind;
use crate::translate::use_lang;
use crate::translate::use_locale;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn SearchPage() -> impl IntoView {
    let locale = use_locale();
    let SearchAddress {
        q,
        on_type,
        on_enter,
    } = use_search_address("/stock", |text| async move {
        let found = search_stock(text).await.ok()?;
        found.exact_sku.map(|sku| format!("/stock/{sku}"))
    });
    let results = load(
        move || q.get(),
        |q| async move {
            if q.trim().is_empty() {
                Ok(None)
            } else {
                search_stock(q).await.map(Some)
            }
        },
    );
    view! {
        <Title text=td_string!(locale, search.page_title).to_string()/>
        <section class="panel">
            <h1 class="visually-hidden">{td_string!(locale, search.page_title)}</h1>
            <SearchBox
                action="/stock"
                initial=q.get_untracked()
                label=td_string!(locale, search.label)
                placeholder=td_string!(locale, search.placeholder)
                on_type
                on_enter
            />
            <Transition fallback=|| view! { <Loading what=Loads::Results/> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(None) => view! { <p class="hint">{td_string!(locale, search.hint)}</p> }.into_any(),
                        Ok(Some(found)) => view! { <ResultList found link_base="/stock/"/> }.into_any(),
                        Err(error) => view! { <ErrorMessage error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn ProductPage() -> impl IntoView {
    let locale = use_locale();
    let lang = use_lang();
    let params = use_params_map();
    let sku = Memo::new(move |_| params.with(|p| p.get("sku").unwrap_or_default()));
    let data = load(move || sku.get(), get_product_stock);
    let product_id = Signal::derive(move || data.get().and_then(Result::ok).map(|d| d.product.id));
    let live = use_live_stock(product_id);
    // After a gap in the live link, reload: figures on screen must be fresh.
    Effect::new(move |seen: Option<u32>| {
        let now = live.resyncs.get();
        if seen.is_some_and(|seen| seen != now) {
            data.refetch();
        }
        now
    });
    let user = use_user().0;
    let is_manager = move || {
        user.get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|u| u.role == Role::Manager)
    };
    view! {
        <Title text=td_string!(locale, product.page_title).to_string()/>
        <p class="back"><a href="/stock">{td_string!(locale, product.back)}</a></p>
        <Transition fallback=|| view! { <Loading what=Loads::Stock/> }>
            {move || Suspend::new(async move {
                let data = match data.await {
                    Ok(data) => data,
                    Err(error) => return view! { <ErrorMessage error/> }.into_any(),
                };
                let selected = data.selected;
                let here = selected
                    .locations
                    .iter()
                    .find(|l| l.distance_km.is_none() && l.kind == LocationKind::Store)
                    .map(|l| l.location_id.clone())
                    .unwrap_or_default();
                let manage_href = format!("/manage/{}", selected.sku);
                let codes = td_string!(
                    locale,
                    product.codes,
                    category = data.product.category.clone(),
                    colour = selected.colour.clone(),
                    size = selected.size.clone(),
                    sku = selected.sku.clone(),
                    ean = selected.ean.clone()
                )
                .to_string();
                let price = Cents(selected.price_cents);
                view! {
                    <section class="panel product">
                        <header class="product-head">
                            <div>
                                <h1>{data.product.name.clone()}</h1>
                                <p class="meta">{codes}</p>
                            </div>
                            <div class="head-side">
                                <p class="price">{price.format(lang)}</p>
                                <LiveBadge state=live.state/>
                            </div>
                        </header>
                        <h2>{td_string!(locale, product.colours_and_sizes)}</h2>
                        <VariantGrid product=data.product selected=selected.sku.clone() here live link_base="/stock/"/>
                        <h2>{td_string!(locale, product.stock_by_location)}</h2>
                        <StockTable stock=selected.clone() live/>
                        <AddToBasket sku=selected.sku.clone()/>
                        <Show when=is_manager>
                            <p><a class="button" href=manage_href.clone()>{td_string!(locale, product.record_movement)}</a></p>
                        </Show>
                    </section>
                }
                .into_any()
            })}
        </Transition>
    }
}

/// Adds the SKU on screen to the associate's basket: taken now when this
/// shop has enough, otherwise ordered to collect here (the basket lets
/// them change how and from where).
#[component]
fn AddToBasket(sku: String) -> impl IntoView {
    use crate::api::basket::BasketAdd;
    use crate::components::submitted::Submitted;
    use leptos::server_fn::ServerFn;
    let locale = use_locale();
    let add = ServerAction::<BasketAdd>::new();
    let pending = add.pending();
    view! {
        <h2>{td_string!(locale, basket.add_heading)}</h2>
        <form method="post" action=BasketAdd::url() class="form search-row add-to-basket"
            on:submit=move |ev| {
                ev.prevent_default();
                if let Some(form) = Submitted::of(&ev) {
                    add.dispatch(BasketAdd {
                        sku: form.text("sku").unwrap_or_default(),
                        quantity: form.text("quantity").unwrap_or_default(),
                        fulfilment: None,
                        pickup: None,
                    });
                }
            }>
            <input type="hidden" name="sku" value=sku/>
            <label for="add-quantity">{td_string!(locale, basket.add_quantity)}</label>
            <input id="add-quantity" name="quantity" type="text" inputmode="numeric" value="1" size="3" required/>
            <button type="submit" class="primary" disabled=move || pending.get()>{td_string!(locale, basket.add)}</button>
        </form>
        <div aria-live="polite">
            {move || add.value().get().map(|result| match result {
                Ok(_) => view! {
                    <p class="message success" role="status">
                        {td_string!(locale, basket.added)}" "
                        <a href="/basket">{td_string!(locale, basket.open_basket)}</a>
                    </p>
                }.into_any(),
                Err(error) => view! { <ErrorMessage error/> }.into_any(),
            })}
        </div>
    }
}
