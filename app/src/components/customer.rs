//! Pieces of Customer 360 shared by the profile and the order page.

use crate::counted;
use crate::domain::Cents;
use crate::domain::customer::LoyaltyTier;
use crate::domain::order::{Channel, Fulfilment, OrderStatus};
use crate::domain::time::format_shop_time;
use crate::i18n::{Locale, td_string};
use crate::model::customer::{OrderLineView, OrderSummary, ReturnView};
use crate::translate::{use_lang, use_locale};
use leptos::prelude::*;

/// The loyalty tier, or nothing for a customer without a card.
#[component]
pub fn LoyaltyBadge(tier: Option<LoyaltyTier>) -> impl IntoView {
    let locale = use_locale();
    tier.map(|tier| {
        let label = match tier {
            LoyaltyTier::Member => td_string!(locale, loyalty.member),
            LoyaltyTier::Silver => td_string!(locale, loyalty.silver),
            LoyaltyTier::Gold => td_string!(locale, loyalty.gold),
        };
        view! { <span class=format!("badge tier-{}", tier.as_str())>{label}</span> }
    })
}

pub fn channel_label(locale: Locale, channel: Channel) -> String {
    match channel {
        Channel::Web => td_string!(locale, channel.web),
        Channel::Store => td_string!(locale, channel.store),
        Channel::Kiosk => td_string!(locale, channel.kiosk),
    }
    .to_string()
}

pub fn status_label(locale: Locale, status: OrderStatus) -> String {
    match status {
        OrderStatus::Placed => td_string!(locale, status.placed),
        OrderStatus::Picking => td_string!(locale, status.picking),
        OrderStatus::Ready => td_string!(locale, status.ready),
        OrderStatus::Shipped => td_string!(locale, status.shipped),
        OrderStatus::Completed => td_string!(locale, status.completed),
        OrderStatus::PartiallyCollected => td_string!(locale, status.partially_collected),
        OrderStatus::Expired => td_string!(locale, status.expired),
        OrderStatus::Cancelled => td_string!(locale, status.cancelled),
    }
    .to_string()
}

/// How the goods reach the customer, and where: "Emporté à Paris Rivoli",
/// "Livré à domicile", "Retrait à Lyon Presqu'île".
pub fn fulfilment_text(locale: Locale, order: &OrderSummary) -> String {
    let shop = |s: &Option<String>| s.clone().unwrap_or_default();
    match order.fulfilment {
        Fulfilment::Carry => {
            td_string!(locale, fulfilment.carry, shop = shop(&order.sold_at)).to_string()
        }
        Fulfilment::Ship => td_string!(locale, fulfilment.ship).to_string(),
        Fulfilment::Collect => {
            td_string!(locale, fulfilment.collect, shop = shop(&order.collect_at)).to_string()
        }
    }
}

/// One order of a customer's timeline: what, when, where, how it stands.
#[component]
pub fn OrderCard(order: OrderSummary) -> impl IntoView {
    let locale = use_locale();
    let lang = use_lang();
    let head = td_string!(
        locale,
        order.card_head,
        channel = channel_label(locale, order.channel),
        when = format_shop_time(order.created_ms, lang)
    )
    .to_string();
    let how = fulfilment_text(locale, &order);
    let status = status_label(locale, order.status);
    let lines = order
        .lines
        .iter()
        .cloned()
        .map(|line| view! { <OrderLine line/> })
        .collect_view();
    let returns = order
        .returns
        .iter()
        .cloned()
        .map(|r| view! { <ReturnLine ret=r/> })
        .collect_view();
    view! {
        <article class="order-card" data-order=order.reference.clone() data-channel=order.channel.as_str()>
            <header>
                <h3><a href=format!("/orders/{}", order.reference)>{order.reference.clone()}</a></h3>
                <p class="meta">{head}</p>
                <p class="order-total">{Cents(order.total_cents).format(lang)}</p>
            </header>
            <p><span class=format!("badge status-{}", order.status.as_str())>{status}</span> " " {how}</p>
            <ul class="order-lines">{lines}</ul>
            {(!order.returns.is_empty()).then(|| view! { <ul class="order-returns">{returns}</ul> })}
        </article>
    }
}

/// "Robe col Claudine · Marine · M — 1 × 59,90 €".
pub fn line_text(locale: Locale, line: &OrderLineView, lang: crate::domain::Lang) -> String {
    td_string!(
        locale,
        order.line,
        product = line.product_name.clone(),
        colour = line.colour.clone(),
        size = line.size.clone(),
        quantity = line.quantity,
        price = Cents(line.unit_price_cents).format(lang)
    )
    .to_string()
}

#[component]
fn OrderLine(line: OrderLineView) -> impl IntoView {
    let locale = use_locale();
    let lang = use_lang();
    let returned =
        (line.returned > 0).then(|| counted!(locale, line.returned, order.returned_units));
    view! {
        <li data-sku=line.sku.clone()>
            {line_text(locale, &line, lang)}
            {returned.map(|r| view! { " " <span class="badge status-returned">{r}</span> })}
        </li>
    }
}

#[component]
fn ReturnLine(ret: ReturnView) -> impl IntoView {
    let locale = use_locale();
    let lang = use_lang();
    let method = if ret.refund_method == "store_credit" {
        td_string!(locale, order.store_credit)
    } else {
        td_string!(locale, order.original_payment)
    };
    let text = counted!(
        locale,
        ret.units,
        order.return_text,
        when = format_shop_time(ret.at_ms, lang),
        shop = ret.shop.clone(),
        refund = Cents(ret.refund_cents).format(lang),
        method = method.to_string()
    );
    let reasons = ret.reasons.join(", ");
    view! {
        <li class="return">
            {text}
            {(!reasons.is_empty()).then(|| view! { <span class="meta">" · " {reasons}</span> })}
        </li>
    }
}
