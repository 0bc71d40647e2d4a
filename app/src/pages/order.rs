//! One order, opened from a customer's timeline (or by its reference):
//! its lines with their stock here now, its history, its returns.

use crate::api::customers::get_order;
use crate::components::customer::{OrderCard, line_text, status_label};
use crate::components::feedback::{ErrorMessage, Loading, Loads};
use crate::domain::time::format_shop_time;
use crate::i18n::td_string;
use crate::loaded::load;
use crate::model::customer::OrderDetail;
use crate::translate::{use_lang, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn OrderPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let reference = Memo::new(move |_| params.with(|p| p.get("reference").unwrap_or_default()));
    let order = load(move || reference.get(), get_order);
    view! {
        <Title text=td_string!(locale, order.page_title).to_string()/>
        <Transition fallback=|| view! { <Loading what=Loads::Order/> }>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(detail) => view! { <OrderView detail/> }.into_any(),
                    Err(error) => view! {
                        <p class="back"><a href="/customers">{td_string!(locale, customer.back)}</a></p>
                        <ErrorMessage error/>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn OrderView(detail: OrderDetail) -> impl IntoView {
    let locale = use_locale();
    let lang = use_lang();
    let back = match detail.customer_id {
        Some(id) => view! {
            <p class="back">
                <a href=format!("/customers/{id}")>
                    {td_string!(locale, order.back_to, name = detail.customer_name.clone()).to_string()}
                </a>
            </p>
        }
        .into_any(),
        None => view! { <p class="back"><a href="/customers">{td_string!(locale, customer.back)}</a></p> }
            .into_any(),
    };
    let reference = detail.order.reference.clone();
    let rows = detail
        .lines
        .iter()
        .map(|l| {
            let here = td_string!(locale, search.count_here, count = l.available_here).to_string();
            view! {
                <tr data-sku=l.line.sku.clone()>
                    <td>{line_text(locale, &l.line, lang)}</td>
                    <td class="num">{l.line.handed_over}</td>
                    <td class="num">{l.line.returned}</td>
                    <td>{l.line.source.clone().unwrap_or_default()}</td>
                    <td><a href=format!("/stock/{}", l.line.sku)>{here}</a></td>
                </tr>
            }
        })
        .collect_view();
    let events = detail
        .events
        .iter()
        .map(|e| {
            let text = td_string!(
                locale,
                order.event,
                when = format_shop_time(e.at_ms, lang),
                status = status_label(locale, e.to),
                actor = e.actor.clone(),
                device = e.device.clone()
            )
            .to_string();
            view! { <li>{text}{e.note.clone().map(|n| view! { <span class="meta">" · " {n}</span> })}</li> }
        })
        .collect_view();
    view! {
        {back}
        <section class="panel">
            <h1>{td_string!(locale, order.heading, reference = reference.clone()).to_string()}</h1>
            <OrderCard order=detail.order.clone()/>
            {detail.ship_address.clone().map(|address| view! {
                <p>{td_string!(locale, order.ship_to, address = address).to_string()}</p>
            })}
            <h2 id="lines-heading">{td_string!(locale, order.lines_heading)}</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="lines-heading">
                <table class="history">
                    <thead>
                        <tr>
                            <th scope="col">{td_string!(locale, order.item)}</th>
                            <th scope="col" class="num">{td_string!(locale, order.handed_over)}</th>
                            <th scope="col" class="num">{td_string!(locale, order.returned)}</th>
                            <th scope="col">{td_string!(locale, order.source)}</th>
                            <th scope="col">{td_string!(locale, order.stock_here)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <h2>{td_string!(locale, order.events_heading)}</h2>
            <ol class="plain events">{events}</ol>
        </section>
    }
}
