use crate::domain::Cents;
use crate::i18n::{t_string, use_i18n};
use crate::model::{SearchHit, SearchResults};
use crate::translate::use_lang;
use leptos::prelude::*;

/// Search results as large touch targets (the associate's search and the
/// kiosk's).
#[component]
pub fn ResultList(found: SearchResults, #[prop(into)] link_base: String) -> impl IntoView {
    let i18n = use_i18n();
    if found.hits.is_empty() {
        let query = found.query;
        return view! {
            <p class="message" role="status">
                {move || t_string!(i18n, search.no_match, query = query.clone()).to_string()}
            </p>
        }
        .into_any();
    }
    let count = found.hits.len() as i64;
    let items = found
        .hits
        .into_iter()
        .map(|hit| view! { <ResultItem hit link_base=link_base.clone()/> })
        .collect_view();
    view! {
        <p class="visually-hidden" role="status">{move || t_string!(i18n, search.result_count, count)}</p>
        <ul class="results" aria-label=move || t_string!(i18n, search.results_label)>{items}</ul>
    }
    .into_any()
}

#[component]
fn ResultItem(hit: SearchHit, link_base: String) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let detail = {
        let (variant, category, count) =
            (hit.variant.clone(), hit.category.clone(), hit.variant_count);
        move || match &variant {
            Some(variant) => variant.clone(),
            None => t_string!(
                i18n,
                search.variant_count,
                category = category.clone(),
                count = count
            )
            .to_string(),
        }
    };
    let (low, high) = (Cents(hit.min_price_cents), Cents(hit.max_price_cents));
    let price = move || Cents::format_range(low, high, lang.get());
    let available = hit.available_here;
    let here = move || match available {
        0 => t_string!(i18n, search.none_here).to_string(),
        count => t_string!(i18n, search.count_here, count).to_string(),
    };
    view! {
        <li>
            <a class="result" href=format!("{link_base}{}", hit.sku) data-sku=hit.sku.clone()>
                <span class="result-name">{hit.name.clone()}</span>
                <span class="result-detail">{detail}</span>
                <span class="result-price">{price}</span>
                <span class="result-stock" class:none={available == 0}>{here}</span>
            </a>
        </li>
    }
}
