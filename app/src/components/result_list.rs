use crate::counted;
use crate::domain::Cents;
use crate::i18n::td_string;
use crate::model::{SearchHit, SearchResults};
use crate::translate::use_lang;
use crate::translate::use_locale;
use leptos::prelude::*;

/// Search results as large touch targets (the associate's search and the
/// kiosk's).
#[component]
pub fn ResultList(found: SearchResults, #[prop(into)] link_base: String) -> impl IntoView {
    let locale = use_locale();
    if found.hits.is_empty() {
        let query = found.query;
        return view! {
            <p class="message" role="status">
                {td_string!(locale, search.no_match, query = query.clone()).to_string()}
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
        <p class="visually-hidden" role="status">{counted!(locale, count, search.result_count)}</p>
        <ul class="results" aria-label=td_string!(locale, search.results_label)>{items}</ul>
    }
    .into_any()
}

#[component]
fn ResultItem(hit: SearchHit, link_base: String) -> impl IntoView {
    let locale = use_locale();
    let lang = use_lang();
    let detail = match &hit.variant {
        Some(variant) => variant.clone(),
        None => counted!(
            locale,
            hit.variant_count,
            search.variant_count,
            category = hit.category.clone()
        ),
    };
    let (low, high) = (Cents(hit.min_price_cents), Cents(hit.max_price_cents));
    let price = Cents::format_range(low, high, lang);
    let available = hit.available_here;
    let here = match available {
        0 => td_string!(locale, search.none_here).to_string(),
        count => td_string!(locale, search.count_here, count).to_string(),
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
