//! The read-only parts of Customer 360, rendered on the server and sent as
//! HTML: the profile, the timeline's orders, advice, one order, the access
//! log. None of them changes once shown (a note added, an older page, a
//! filter fetch them again), so the browser needs no code of theirs: as
//! components hydrated in the browser they cost the bundle 60 % more
//! WebAssembly (1.7 MB instead of 1.05 MB). The interactive pieces (forms,
//! "older orders") stay components (`pages/customers.rs`). Texts are
//! escaped by the view macro as in any page.

use crate::components::customer::LoyaltyBadge;
use crate::counted;
use crate::domain::basket::PaymentStatus;
use crate::domain::order::{Channel, Fulfilment, OrderStatus};
use crate::domain::time::format_shop_time;
use crate::domain::{Cents, Lang};
use crate::i18n::{Locale, td_string};
use crate::model::customer::*;
use crate::translate::{provide_lang, use_lang, use_locale};
use leptos::prelude::*;

/// A view as HTML, in `lang`.
fn html<V: IntoView + 'static>(lang: Lang, view: impl FnOnce() -> V) -> String {
    let owner = Owner::new();
    owner.with(|| {
        provide_lang(lang);
        view().into_view().to_html()
    })
}

/// The profile's head: identity, contact, consents, preferences, figures.
pub fn profile(profile: CustomerProfile, lang: Lang) -> String {
    html(lang, || view! { <ProfileHead profile/> })
}

/// The staff notes, newest first.
pub fn notes(notes: Vec<CustomerNote>, lang: Lang) -> String {
    html(lang, || view! { <NoteList notes/> })
}

/// The channel filter of the timeline.
pub fn history_filters(customer: i64, channel: &str, lang: Lang) -> String {
    let channel = channel.to_string();
    html(lang, move || view! { <Filters customer channel/> })
}

/// A page of the timeline's orders.
pub fn orders(orders: Vec<OrderSummary>, lang: Lang) -> String {
    html(lang, || view! { <OrderCards orders/> })
}

/// "Goes well with".
pub fn advice(list: Vec<Suggestion>, lang: Lang) -> String {
    html(lang, || view! { <Suggestions list/> })
}

/// One order, whole.
pub fn order(detail: OrderDetail, lang: Lang) -> String {
    html(lang, || view! { <OrderView detail/> })
}

/// Openings of customer data.
pub fn access(
    entries: Vec<AccessEntry>,
    labelled_by: &'static str,
    with_customer: bool,
    lang: Lang,
) -> String {
    html(
        lang,
        move || view! { <AccessTable entries labelled_by with_customer/> },
    )
}

/// The access log's filter (a plain GET form) over its table.
pub fn access_log(
    entries: Vec<AccessEntry>,
    people: Vec<(String, String)>,
    staff: String,
    customer: Option<i64>,
    lang: Lang,
) -> String {
    html(
        lang,
        move || view! { <AccessLog entries people staff customer/> },
    )
}

#[component]
fn ProfileHead(profile: CustomerProfile) -> impl IntoView {
    let locale = use_locale();
    let lang = use_lang();
    if profile.erased {
        return view! {
            <section class="panel">
                <h1>{td_string!(locale, customer.erased_heading)}</h1>
                <p class="message" role="status">{td_string!(locale, customer.erased_text)}</p>
            </section>
        }
        .into_any();
    }
    let name = format!("{} {}", profile.first_name, profile.last_name);
    let since = td_string!(
        locale,
        customer.since,
        when = crate::domain::time::format_shop_date(profile.customer_since_ms, lang)
    )
    .to_string();
    let figures = profile.figures.clone();
    let address = [
        profile.street.clone(),
        format!("{} {}", profile.postcode, profile.city)
            .trim()
            .to_string(),
    ]
    .into_iter()
    .filter(|line| !line.is_empty())
    .collect::<Vec<_>>()
    .join(", ");
    let dash = || "—".to_string();
    let consents = profile
        .consents
        .iter()
        .cloned()
        .map(|consent| view! { <ConsentLine consent/> })
        .collect_view();
    let id = profile.id;
    let card = profile.loyalty_card.clone();
    let points = profile.points;
    let credit = (profile.store_credit != crate::domain::Cents(0)).then(|| {
        td_string!(
            locale,
            customer.store_credit,
            amount = profile
                .store_credit
                .format(crate::translate::lang_of(locale))
        )
        .to_string()
    });
    view! {
        <section class="panel customer-head">
            <header class="product-head">
                <div>
                    <h1>{name}</h1>
                    <p class="meta">{since}</p>
                </div>
                <div class="head-side">
                    <LoyaltyBadge tier=profile.tier/>
                    {card.map(|card| view! {
                        <p class="meta">{td_string!(locale, customer.card, card = card, points = points).to_string()}</p>
                    })}
                    {credit.map(|text| view! { <p class="meta" data-store-credit="true">{text}</p> })}
                    <a class="button" href=format!("/customers/{id}/edit")>{td_string!(locale, customer.edit)}</a>
                </div>
            </header>
            <div class="customer-grid">
                <div>
                    <h2>{td_string!(locale, customer.contact_heading)}</h2>
                    <dl class="facts">
                        <div><dt>{td_string!(locale, customer.email)}</dt><dd>{profile.email.clone()}</dd></div>
                        <div><dt>{td_string!(locale, customer.phone)}</dt><dd>{if profile.phone.is_empty() { dash() } else { profile.phone.clone() }}</dd></div>
                        <div><dt>{td_string!(locale, customer.address)}</dt><dd>{if address.is_empty() { dash() } else { address }}</dd></div>
                    </dl>
                    <h3>{td_string!(locale, customer.consents_heading)}</h3>
                    <ul class="plain">{consents}</ul>
                </div>
                <div>
                    <h2>{td_string!(locale, customer.preferences_heading)}</h2>
                    <dl class="facts">
                        <div><dt>{td_string!(locale, customer.favourite_shop)}</dt><dd>{profile.favourite_shop.clone().unwrap_or_else(dash)}</dd></div>
                        <div><dt>{td_string!(locale, customer.top_size)}</dt><dd>{profile.top_size.clone().unwrap_or_else(dash)}</dd></div>
                        <div><dt>{td_string!(locale, customer.bottom_size)}</dt><dd>{profile.bottom_size.clone().unwrap_or_else(dash)}</dd></div>
                        <div><dt>{td_string!(locale, customer.preferences)}</dt><dd>{if profile.preferences.is_empty() { dash() } else { profile.preferences.clone() }}</dd></div>
                    </dl>
                </div>
            </div>
            <h2>{td_string!(locale, customer.figures_heading)}</h2>
            <dl class="figures" aria-label=td_string!(locale, customer.figures_heading)>
                <div><dt>{td_string!(locale, customer.web_orders)}</dt><dd>{figures.web_orders}</dd></div>
                <div><dt>{td_string!(locale, customer.store_orders)}</dt><dd>{figures.store_orders}</dd></div>
                <div><dt>{td_string!(locale, customer.kiosk_orders)}</dt><dd>{figures.kiosk_orders}</dd></div>
                <div><dt>{td_string!(locale, customer.lifetime_spend)}</dt><dd>{Cents(figures.lifetime_spend_cents).format(lang)}</dd></div>
                <div><dt>{td_string!(locale, customer.average_basket)}</dt><dd>{Cents(figures.average_basket_cents).format(lang)}</dd></div>
                <div><dt>{td_string!(locale, customer.last_visit)}</dt><dd>{figures.last_visit_ms.map(|ms| format_shop_time(ms, lang)).unwrap_or_else(dash)}</dd></div>
                <div><dt>{td_string!(locale, customer.return_rate)}</dt><dd>{percent(figures.return_rate_permille, lang)}</dd></div>
            </dl>
        </section>
    }
    .into_any()
}

/// A rate per thousand as a percentage with one decimal: `12,5 %`.
fn percent(permille: i64, lang: crate::domain::Lang) -> String {
    let (whole, tenth) = (permille / 10, permille % 10);
    match lang {
        crate::domain::Lang::Fr => format!("{whole},{tenth}\u{a0}%"),
        crate::domain::Lang::En => format!("{whole}.{tenth}%"),
    }
}

#[component]
fn ConsentLine(consent: Consent) -> impl IntoView {
    let locale = use_locale();
    let lang = use_lang();
    let channel = match consent.channel {
        crate::domain::customer::ConsentChannel::Email => {
            td_string!(locale, customer.consent_email)
        }
        crate::domain::customer::ConsentChannel::Sms => td_string!(locale, customer.consent_sms),
    };
    let state = if consent.granted {
        td_string!(locale, customer.consent_yes)
    } else {
        td_string!(locale, customer.consent_no)
    };
    let when = (consent.changed_ms > 0).then(|| {
        let source = if consent.source == "web" {
            td_string!(locale, customer.source_web).to_string()
        } else {
            consent.source.clone()
        };
        td_string!(
            locale,
            customer.consent_when,
            when = format_shop_time(consent.changed_ms, lang),
            source = source
        )
        .to_string()
    });
    view! {
        <li data-consent=consent.channel.as_str()>
            <strong>{channel}</strong> " : " {state}
            {when.map(|w| view! { <span class="meta">" (" {w} ")"</span> })}
        </li>
    }
}

#[component]
fn NoteList(notes: Vec<CustomerNote>) -> impl IntoView {
    let locale = use_locale();
    let lang = use_lang();
    if notes.is_empty() {
        return view! { <p class="hint">{td_string!(locale, customer.no_notes)}</p> }.into_any();
    }
    let items = notes
        .into_iter()
        .map(|note| {
            let by = td_string!(
                locale,
                customer.note_by,
                author = note.author_name.clone(),
                shop = note.location_name.clone(),
                when = format_shop_time(note.created_ms, lang)
            )
            .to_string();
            view! { <li><p>{note.body.clone()}</p><p class="meta">{by}</p></li> }
        })
        .collect_view();
    view! { <ul class="notes">{items}</ul> }.into_any()
}

#[component]
fn Filters(customer: i64, channel: String) -> impl IntoView {
    let locale = use_locale();
    let filters = [
        ("", td_string!(locale, customer.filter_all)),
        ("web", td_string!(locale, channel.web)),
        ("store", td_string!(locale, channel.store)),
        ("kiosk", td_string!(locale, channel.kiosk)),
    ]
    .into_iter()
    .map(|(code, label)| {
        let href = if code.is_empty() {
            format!("/customers/{customer}")
        } else {
            format!("/customers/{customer}?channel={code}")
        };
        let current = (code == channel).then_some("page");
        view! { <a class="chip" href=href aria-current=current>{label}</a> }
    })
    .collect_view();
    view! { <nav class="chips" aria-label=td_string!(locale, customer.filter_label)>{filters}</nav> }
}

#[component]
fn OrderCards(orders: Vec<OrderSummary>) -> impl IntoView {
    let locale = use_locale();
    if orders.is_empty() {
        return view! { <p class="hint">{td_string!(locale, customer.no_orders)}</p> }.into_any();
    }
    let cards = orders
        .into_iter()
        .map(|order| view! { <li><OrderCard order/></li> })
        .collect_view();
    view! { <ol class="timeline">{cards}</ol> }.into_any()
}

#[component]
fn Suggestions(list: Vec<Suggestion>) -> impl IntoView {
    let locale = use_locale();
    let lang = use_lang();
    if list.is_empty() {
        return view! { <p class="hint">{td_string!(locale, customer.no_advice)}</p> }.into_any();
    }
    let items = list
        .into_iter()
        .map(|s| {
            let why = counted!(
                locale,
                s.customers,
                customer.advice_why,
                product = s.because_of.clone()
            );
            let stock = if s.available_here > 0 {
                td_string!(locale, search.count_here, count = s.available_here).to_string()
            } else if s.orderable {
                td_string!(locale, customer.orderable).to_string()
            } else {
                td_string!(locale, customer.unavailable).to_string()
            };
            view! {
                <li>
                    <a class="result" href=format!("/stock/{}", s.sku) data-sku=s.sku.clone()>
                        <span class="result-name">{s.product_name.clone()}</span>
                        <span class="result-detail">{format!("{} · {}", s.colour, s.size)}</span>
                        <span class="result-price">{Cents(s.price_cents).format(lang)}</span>
                        <span class="result-stock" class:none={s.available_here == 0}>{stock}</span>
                        <span class="result-why">{why}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="results" aria-label=td_string!(locale, customer.advice_heading)>{items}</ul> }
        .into_any()
}

/// Openings of customer data, newest first.
#[component]
fn AccessTable(
    entries: Vec<AccessEntry>,
    #[prop(into)] labelled_by: String,
    with_customer: bool,
) -> impl IntoView {
    let locale = use_locale();
    let lang = use_lang();
    if entries.is_empty() {
        return view! { <p class="hint">{td_string!(locale, access.empty)}</p> }.into_any();
    }
    let rows = entries
        .into_iter()
        .map(|e| {
            let customer = e.customer_id.map(|id| {
                let name = if e.customer_name.is_empty() {
                    td_string!(locale, access.erased_customer).to_string()
                } else {
                    e.customer_name.clone()
                };
                view! { <td><a href=format!("/customers/{id}")>{name}</a></td> }
            });
            view! {
                <tr>
                    <td>{format_shop_time(e.at_ms, lang)}</td>
                    <td>{e.staff_name.clone()}</td>
                    <td>{e.location_name.clone()}</td>
                    {with_customer.then_some(customer)}
                    <td>{action_label(locale, &e.action)}</td>
                    <td class="device">{e.device.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby=labelled_by>
            <table class="history">
                <thead>
                    <tr>
                        <th scope="col">{td_string!(locale, access.when)}</th>
                        <th scope="col">{td_string!(locale, access.who)}</th>
                        <th scope="col">{td_string!(locale, access.shop)}</th>
                        {with_customer.then(|| view! { <th scope="col">{td_string!(locale, access.customer)}</th> })}
                        <th scope="col">{td_string!(locale, access.what)}</th>
                        <th scope="col">{td_string!(locale, access.device)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

fn action_label(locale: Locale, action: &str) -> String {
    match action {
        "profile" => td_string!(locale, access.action_profile),
        "history" => td_string!(locale, access.action_history),
        "order" => td_string!(locale, access.action_order),
        "export" => td_string!(locale, access.action_export),
        "erasure" => td_string!(locale, access.action_erasure),
        "created" => td_string!(locale, access.action_created),
        "changed" => td_string!(locale, access.action_changed),
        "note" => td_string!(locale, access.action_note),
        _ => td_string!(locale, access.action_other),
    }
    .to_string()
}

#[component]
fn AccessLog(
    entries: Vec<AccessEntry>,
    people: Vec<(String, String)>,
    staff: String,
    customer: Option<i64>,
) -> impl IntoView {
    let locale = use_locale();
    let options = people
        .into_iter()
        .map(|(username, name)| {
            let selected = username == staff;
            view! { <option value=username selected=selected>{name}</option> }
        })
        .collect_view();
    view! {
        <form method="get" action="/access-log" class="form filters">
            <label for="staff-filter">{td_string!(locale, access.filter_staff)}</label>
            <select id="staff-filter" name="staff">
                <option value="">{td_string!(locale, access.everyone)}</option>
                {options}
            </select>
            <label for="customer-filter">{td_string!(locale, access.filter_customer)}</label>
            <input id="customer-filter" name="customer" type="text" inputmode="numeric"
                value=customer.map(|c| c.to_string()).unwrap_or_default()/>
            <button type="submit">{td_string!(locale, access.apply)}</button>
        </form>
        <AccessTable entries labelled_by="access-log-heading" with_customer=true/>
    }
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
    // The customer has some of it and has not brought it all back: the
    // return screen says what the window and the policy allow.
    let takes_back = order.lines.iter().any(|l| l.handed_over > l.returned);
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
            {(order.fulfilment == Fulfilment::Collect && order.status.holds_stock()).then(|| view! {
                <p><a class="button" href=format!("/pickups?reference={}", order.reference)>
                    {td_string!(locale, order.open_pickup)}
                </a></p>
            })}
            {takes_back.then(|| view! {
                <p><a class="button" href=format!("/returns/order/{}", order.reference)>
                    {td_string!(locale, order.take_back)}
                </a></p>
            })}
            <ul class="order-lines">{lines}</ul>
            {(!order.returns.is_empty()).then(|| view! { <ul class="order-returns">{returns}</ul> })}
        </article>
    }
    // Erased here: the card's type is deep, and lists of cards nest it
    // further than the release build's type limit.
    .into_any()
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
    let reasons = ret
        .reasons
        .iter()
        .map(
            |code| match crate::domain::returns::ReturnReason::from_code(code) {
                Some(reason) => super::return_words::reason_words(locale, reason),
                None => code.clone(),
            },
        )
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <li class="return">
            {text}
            {(!reasons.is_empty()).then(|| view! { <span class="meta">" · " {reasons}</span> })}
        </li>
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
    let payment = match detail.payment_status {
        PaymentStatus::Paid => td_string!(locale, order.payment_paid).to_string(),
        PaymentStatus::Awaiting => td_string!(
            locale,
            order.payment_awaiting,
            until = detail
                .pay_by
                .map(|at| format_shop_time(at, lang))
                .unwrap_or_default()
        )
        .to_string(),
        PaymentStatus::Cancelled => td_string!(locale, order.payment_cancelled).to_string(),
    };
    let messages = if detail.messages.is_empty() {
        view! { <li>{td_string!(locale, order.messages_none)}</li> }.into_any()
    } else {
        detail
            .messages
            .iter()
            .map(|m| {
                let what = match m.kind.as_str() {
                    crate::model::basket::ORDER_CANCELLED_UNPAID => {
                        td_string!(locale, order.message_cancelled)
                    }
                    crate::model::basket::PICKUP_READY => td_string!(locale, order.message_ready),
                    crate::model::basket::PICKUP_REMINDER => {
                        td_string!(locale, order.message_reminder)
                    }
                    crate::model::basket::PICKUP_EXPIRED => {
                        td_string!(locale, order.message_expired)
                    }
                    crate::model::basket::ITEMS_CANCELLED => {
                        td_string!(locale, order.message_items_cancelled)
                    }
                    _ => td_string!(locale, order.message_confirmation),
                };
                let state = match (m.status.as_str(), m.sent_at) {
                    ("sent", Some(at)) => td_string!(
                        locale,
                        order.message_sent,
                        when = format_shop_time(at, lang)
                    )
                    .to_string(),
                    ("failed", _) => td_string!(
                        locale,
                        order.message_failed,
                        error = m.last_error.clone().unwrap_or_default()
                    )
                    .to_string(),
                    _ => {
                        td_string!(locale, order.message_pending, attempts = m.attempts).to_string()
                    }
                };
                let text = td_string!(
                    locale,
                    order.message,
                    what = what,
                    to = m.recipient_masked.clone(),
                    state = state
                )
                .to_string();
                view! { <li data-message=m.status.clone()>{text}</li> }
            })
            .collect_view()
            .into_any()
    };
    view! {
        {back}
        <section class="panel">
            <h1>{td_string!(locale, order.heading, reference = reference.clone()).to_string()}</h1>
            <OrderCard order=detail.order.clone()/>
            <p data-payment=detail.payment_status.as_str()>{payment}</p>
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
            <h2>{td_string!(locale, order.messages_heading)}</h2>
            <ul class="plain messages">{messages}</ul>
        </section>
    }
}
