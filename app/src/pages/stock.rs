//! The associate's screens: search, then one product's stock everywhere.

use crate::api::stock::{get_product_stock, search_stock};
use crate::components::feedback::{ErrorMessage, Loading};
use crate::components::live::{LiveBadge, use_live_stock};
use crate::components::search_box::SearchBox;
use crate::components::stock_table::StockTable;
use crate::components::variant_grid::VariantGrid;
use crate::domain::search::encode_query_value;
use crate::domain::{Cents, Role};
use crate::model::{LocationKind, SearchHit, SearchResults};
use crate::shell::UserContext;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|m| m.get("q").unwrap_or_default()));
    let results = Resource::new(
        move || q.get(),
        |q| async move {
            if q.trim().is_empty() {
                Ok(None)
            } else {
                search_stock(q).await.map(Some)
            }
        },
    );
    let navigate = use_navigate();
    let replace = NavigateOptions {
        replace: true,
        scroll: false,
        ..Default::default()
    };
    let on_type = {
        let navigate = navigate.clone();
        let replace = replace.clone();
        Callback::new(move |text: String| {
            navigate(
                &format!("/stock?q={}", encode_query_value(&text)),
                replace.clone(),
            );
        })
    };
    // Enter (a scanner ends with it): open the product when the code
    // matched exactly one SKU, otherwise show the results.
    let on_enter = Callback::new(move |text: String| {
        let navigate = navigate.clone();
        let replace = replace.clone();
        spawn_local(async move {
            match search_stock(text.clone()).await {
                Ok(SearchResults {
                    exact_sku: Some(sku),
                    ..
                }) => navigate(&format!("/stock/{sku}"), Default::default()),
                _ => navigate(&format!("/stock?q={}", encode_query_value(&text)), replace),
            }
        });
    });
    view! {
        <Title text="Stock search · Web-in-store"/>
        <section class="panel">
            <h1 class="visually-hidden">"Stock search"</h1>
            <SearchBox
                action="/stock"
                initial=q.get_untracked()
                label="Find a product"
                placeholder="Name, SKU or scan a barcode"
                on_type
                on_enter
            />
            <Transition fallback=|| view! { <Loading what="results"/> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(None) => view! { <SearchHint/> }.into_any(),
                        Ok(Some(found)) => view! { <ResultList found link_base="/stock/"/> }.into_any(),
                        Err(error) => view! { <ErrorMessage error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SearchHint() -> impl IntoView {
    view! {
        <p class="hint">
            "Type part of a name (\"robe lin\"), the start of a SKU (\"ROB-0001\") or scan a barcode."
        </p>
    }
}

/// Search results as large touch targets.
#[component]
pub fn ResultList(found: SearchResults, #[prop(into)] link_base: String) -> impl IntoView {
    if found.hits.is_empty() {
        return view! {
            <p class="message" role="status">
                {format!("Nothing matches \"{}\". Check the spelling, or try fewer words.", found.query)}
            </p>
        }
        .into_any();
    }
    let count = found.hits.len();
    let items = found
        .hits
        .into_iter()
        .map(|hit| view! { <ResultItem hit link_base=link_base.clone()/> })
        .collect_view();
    view! {
        <p class="visually-hidden" role="status">{format!("{count} result{}", if count == 1 { "" } else { "s" })}</p>
        <ul class="results" aria-label="Results">{items}</ul>
    }
    .into_any()
}

#[component]
fn ResultItem(hit: SearchHit, link_base: String) -> impl IntoView {
    let detail = hit
        .variant
        .clone()
        .unwrap_or_else(|| format!("{} · {} variants", hit.category, hit.variant_count));
    let price = if hit.min_price_cents == hit.max_price_cents {
        Cents(hit.min_price_cents).to_string()
    } else {
        format!(
            "{} – {}",
            Cents(hit.min_price_cents),
            Cents(hit.max_price_cents)
        )
    };
    let here = match hit.available_here {
        0 => "None here".to_string(),
        n => format!("{n} here"),
    };
    view! {
        <li>
            <a class="result" href=format!("{link_base}{}", hit.sku) data-sku=hit.sku.clone()>
                <span class="result-name">{hit.name.clone()}</span>
                <span class="result-detail">{detail}</span>
                <span class="result-price">{price}</span>
                <span class="result-stock" class:none={hit.available_here == 0}>{here}</span>
            </a>
        </li>
    }
}

#[component]
pub fn ProductPage() -> impl IntoView {
    let params = use_params_map();
    let sku = Memo::new(move |_| params.with(|p| p.get("sku").unwrap_or_default()));
    let data = Resource::new(move || sku.get(), get_product_stock);
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
    let UserContext(user) = expect_context();
    let is_manager = move || {
        user.get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|u| u.role == Role::Manager)
    };
    view! {
        <Title text="Product stock · Web-in-store"/>
        <p class="back"><a href="/stock">"← Search"</a></p>
        <Transition fallback=|| view! { <Loading what="stock"/> }>
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
                view! {
                    <section class="panel product">
                        <header class="product-head">
                            <div>
                                <h1>{data.product.name.clone()}</h1>
                                <p class="meta">
                                    {format!("{} · {} {} · SKU {} · EAN {}", data.product.category, selected.colour, selected.size, selected.sku, selected.ean)}
                                </p>
                            </div>
                            <div class="head-side">
                                <p class="price">{Cents(selected.price_cents).to_string()}</p>
                                <LiveBadge state=live.state/>
                            </div>
                        </header>
                        <h2>"Colours and sizes"</h2>
                        <VariantGrid product=data.product selected=selected.sku.clone() here live link_base="/stock/"/>
                        <h2>"Stock by location"</h2>
                        <StockTable stock=selected live/>
                        <Show when=is_manager>
                            <p><a class="button" href=manage_href.clone()>"Record a movement"</a></p>
                        </Show>
                    </section>
                }
                .into_any()
            })}
        </Transition>
    }
}
