//! The basket on a tablet or the manager's PC: each line with how the
//! customer gets it and where it comes from, the customer, the address,
//! payment and one "place order"; baskets handed from the kiosk or to the
//! manager, opened by their code.

use crate::api::basket::{
    BasketAbandon, BasketAddress, BasketApprove, BasketCheckout, BasketClaim, BasketContact,
    BasketHandOff, BasketLine, basket_current, baskets_waiting, pickup_shops,
};
use crate::components::feedback::{ErrorMessage, Loading, Loads, error_text};
use crate::components::request_key::RequestKeyField;
use crate::components::submitted::Submitted;
use crate::context::use_user;
use crate::domain::basket::format_handoff_code;
use crate::domain::order::Fulfilment;
use crate::domain::time::{format_shop_date, format_shop_time};
use crate::domain::{Cents, Lang, Role};
use crate::i18n::{Locale, td_string};
use crate::loaded::load;
use crate::model::Location;
use crate::model::basket::{BasketLineView, BasketView, OrderReceipt, SourceChoice};
use crate::translate::{use_lang, use_locale};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn BasketPage() -> impl IntoView {
    let locale = use_locale();
    let line = ServerAction::<BasketLine>::new();
    let contact = ServerAction::<BasketContact>::new();
    let address = ServerAction::<BasketAddress>::new();
    let checkout = ServerAction::<BasketCheckout>::new();
    let hand_off = ServerAction::<BasketHandOff>::new();
    let claim = ServerAction::<BasketClaim>::new();
    let approve = ServerAction::<BasketApprove>::new();
    let abandon = ServerAction::<BasketAbandon>::new();
    let versions = move || {
        (
            line.version().get(),
            contact.version().get(),
            address.version().get(),
            checkout.version().get(),
            hand_off.version().get(),
            claim.version().get(),
            approve.version().get() + abandon.version().get(),
        )
    };
    // A basket's QR scanned anywhere opens here with its code: claimed
    // once, and the code dropped from the address (a reload must not
    // claim it again).
    let scanned = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("code"));
    {
        let scanned = scanned.clone();
        let navigate = leptos_router::hooks::use_navigate();
        Effect::new(move |done: Option<()>| {
            if done.is_none()
                && let Some(code) = scanned.clone()
            {
                claim.dispatch(BasketClaim { code });
                navigate(
                    "/basket",
                    leptos_router::NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                );
            }
        });
    }
    let basket = load(versions, |_| basket_current());
    let waiting = load(versions, |_| baskets_waiting());
    let shops = load(|| (), |_| pickup_shops());
    let user = use_user().0;
    let is_manager = move || {
        user.get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|u| u.role == Role::Manager)
    };
    let errors = move || {
        [
            line.value().get().and_then(Result::err),
            contact.value().get().and_then(Result::err),
            address.value().get().and_then(Result::err),
            checkout.value().get().and_then(Result::err),
            hand_off.value().get().and_then(Result::err),
            claim.value().get().and_then(Result::err),
            approve.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    view! {
        <Title text=td_string!(locale, basket.page_title).to_string()/>
        <section class="panel basket">
            <h1>{td_string!(locale, basket.heading)}</h1>
            <div aria-live="polite">
                {move || errors().map(|error| view! { <ErrorMessage error/> })}
                {move || hand_off.value().get().and_then(Result::ok).map(|code| view! {
                    <HandedCode code/>
                })}
            </div>
            {move || checkout.value().get().and_then(Result::ok).map(|receipt| view! { <Receipt receipt/> })}
            <Transition fallback=|| view! { <Loading what=Loads::Basket/> }>
                {move || Suspend::new(async move {
                    let shops = shops.await.unwrap_or_default();
                    match basket.await {
                        Err(error) => view! { <ErrorMessage error/> }.into_any(),
                        Ok(None) => view! {
                            <p class="hint" data-basket="empty">{td_string!(locale, basket.empty)}</p>
                            <p><a class="button" href="/stock">{td_string!(locale, basket.find_products)}</a></p>
                        }.into_any(),
                        Ok(Some(basket)) => view! {
                            <BasketBody basket shops line contact address checkout hand_off approve abandon is_manager=is_manager()/>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="panel">
            <h2>{td_string!(locale, basket.claim_heading)}</h2>
            <form method="post" action=BasketClaim::url() class="form search-row"
                on:submit=move |ev| {
                    ev.prevent_default();
                    if let Some(code) = Submitted::of(&ev).and_then(|f| f.text("code")) {
                        claim.dispatch(BasketClaim { code });
                    }
                }>
                <label for="handoff-code" class="visually-hidden">{td_string!(locale, basket.code_label)}</label>
                <input id="handoff-code" name="code" type="text" autocomplete="off" autocapitalize="characters"
                    value=scanned.unwrap_or_default()
                    placeholder=td_string!(locale, basket.code_placeholder) required/>
                <button type="submit">{td_string!(locale, basket.open_code)}</button>
            </form>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let waiting = waiting.await.unwrap_or_default();
                    if waiting.is_empty() {
                        return view! { <p class="hint">{td_string!(locale, basket.none_waiting)}</p> }.into_any();
                    }
                    let lang = crate::translate::lang_of(locale);
                    view! {
                        <ul class="plain waiting" aria-label=td_string!(locale, basket.waiting_label)>
                            {waiting.into_iter().map(|w| {
                                let code = w.handoff_code.clone();
                                let from = if w.channel == crate::domain::order::Channel::Kiosk {
                                    td_string!(locale, basket.from_kiosk).to_string()
                                } else {
                                    td_string!(locale, basket.from_staff, who = w.handed_by.clone()).to_string()
                                };
                                let text = td_string!(locale, basket.waiting_line,
                                    code = format_handoff_code(&w.handoff_code), from = from,
                                    items = w.items, total = w.total.format(lang),
                                    since = format_shop_time(w.since_ms, lang)).to_string();
                                view! {
                                    <li>
                                        <span>{text}</span>
                                        <button type="button" on:click=move |_| { claim.dispatch(BasketClaim { code: code.clone() }); }>
                                            {td_string!(locale, basket.open_waiting)}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

/// The code (and the words to say) of a basket just handed away.
#[component]
fn HandedCode(code: String) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="message success" role="status">
            <p>{td_string!(locale, basket.handed)}</p>
            <p class="handoff-code" data-handoff-code=code.clone()>{format_handoff_code(&code)}</p>
        </div>
    }
}

#[allow(clippy::too_many_arguments)]
#[component]
fn BasketBody(
    basket: BasketView,
    shops: Vec<Location>,
    line: ServerAction<BasketLine>,
    contact: ServerAction<BasketContact>,
    address: ServerAction<BasketAddress>,
    checkout: ServerAction<BasketCheckout>,
    hand_off: ServerAction<BasketHandOff>,
    approve: ServerAction<BasketApprove>,
    abandon: ServerAction<BasketAbandon>,
    is_manager: bool,
) -> impl IntoView {
    let locale = use_locale();
    let lang = use_lang();
    let id = basket.id;
    let ships = basket
        .lines
        .iter()
        .any(|l| l.fulfilment == Fulfilment::Ship);
    let takes_now = basket.has_take_now();
    let credit = basket
        .customer
        .as_ref()
        .map(|c| c.store_credit)
        .filter(|c| c.0 > 0);
    let lines = basket
        .lines
        .iter()
        .cloned()
        .map(|l| view! { <LineCard basket=id line=l shops=shops.clone() action=line approve is_manager/> })
        .collect_view();
    let who = match (&basket.customer, &basket.guest_email) {
        (Some(c), _) => td_string!(
            locale,
            basket.for_customer,
            name = c.name.clone(),
            email = c.email_masked.clone(),
            city = c.city.clone()
        )
        .to_string(),
        (None, Some(email)) => {
            td_string!(locale, basket.for_guest, email = email.clone()).to_string()
        }
        (None, None) => td_string!(locale, basket.for_nobody).to_string(),
    };
    let totals = basket.totals;
    let total_text = td_string!(
        locale,
        basket.total,
        items = totals.items,
        total = totals.net.format(lang)
    )
    .to_string();
    let discount_text = (totals.discount.0 > 0).then(|| {
        td_string!(
            locale,
            basket.discount_total,
            discount = totals.discount.format(lang)
        )
        .to_string()
    });
    let pending = checkout.pending();
    let ship = basket.ship.clone();
    let basket_lang = basket.lang;
    view! {
        <ul class="plain basket-lines" aria-label=td_string!(locale, basket.lines_label)>{lines}</ul>
        <p class="basket-total" data-basket-total=totals.net.0>{total_text}</p>
        {discount_text.map(|t| view! { <p class="hint">{t}</p> })}

        <h2>{td_string!(locale, basket.customer_heading)}</h2>
        <p data-basket-customer="">{who}</p>
        <form method="post" action=BasketContact::url() class="form"
            on:submit=move |ev| {
                ev.prevent_default();
                if let Some(form) = Submitted::of(&ev) {
                    contact.dispatch(BasketContact { basket: id, email: form.text("email"), customer: None, lang: form.text("lang") });
                }
            }>
            <input type="hidden" name="basket" value=id/>
            <label for="basket-email">{td_string!(locale, basket.email_label)}</label>
            <input id="basket-email" name="email" type="email" autocomplete="off" value=basket.guest_email.clone().unwrap_or_default()/>
            <label for="basket-lang">{td_string!(locale, basket.lang_label)}</label>
            <select id="basket-lang" name="lang">
                {Lang::ALL.into_iter().map(|l| view! { <option value=l.code() selected=l == basket_lang>{l.native_name()}</option> }).collect_view()}
            </select>
            <button type="submit">{td_string!(locale, basket.save_contact)}</button>
            <p class="hint"><a href="/customers">{td_string!(locale, basket.pick_customer)}</a></p>
        </form>

        {ships.then(|| view! {
            <h2>{td_string!(locale, basket.address_heading)}</h2>
            <form method="post" action=BasketAddress::url() class="form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    if let Some(form) = Submitted::of(&ev) {
                        address.dispatch(BasketAddress {
                            basket: id,
                            name: form.text("name").unwrap_or_default(),
                            street: form.text("street").unwrap_or_default(),
                            postcode: form.text("postcode").unwrap_or_default(),
                            city: form.text("city").unwrap_or_default(),
                        });
                    }
                }>
                <input type="hidden" name="basket" value=id/>
                <label for="ship-name">{td_string!(locale, basket.ship_name)}</label>
                <input id="ship-name" name="name" type="text" autocomplete="off" value=ship.name.clone()/>
                <label for="ship-street">{td_string!(locale, basket.ship_street)}</label>
                <input id="ship-street" name="street" type="text" autocomplete="off" value=ship.street.clone()/>
                <label for="ship-postcode">{td_string!(locale, basket.ship_postcode)}</label>
                <input id="ship-postcode" name="postcode" type="text" inputmode="numeric" autocomplete="off" value=ship.postcode.clone()/>
                <label for="ship-city">{td_string!(locale, basket.ship_city)}</label>
                <input id="ship-city" name="city" type="text" autocomplete="off" value=ship.city.clone()/>
                <button type="submit">{td_string!(locale, basket.save_address)}</button>
            </form>
        })}

        <h2>{td_string!(locale, basket.payment_heading)}</h2>
        <form method="post" action=BasketCheckout::url() class="form checkout-form"
            on:submit=move |ev| {
                ev.prevent_default();
                if pending.get_untracked() {
                    return;
                }
                if let Some(form) = Submitted::of(&ev) {
                    checkout.dispatch(BasketCheckout {
                        basket: id,
                        method: form.text("method").unwrap_or_default(),
                        reference: form.text("reference"),
                        store_credit_cents: form
                            .text("store_credit")
                            .and_then(|c| c.parse::<i64>().ok()),
                        request_key: form.text("request_key"),
                    });
                }
            }>
            <input type="hidden" name="basket" value=id/>
            <RequestKeyField outcome=checkout.value()/>
            <fieldset>
                <legend>{td_string!(locale, basket.method_legend)}</legend>
                <label class="choice"><input type="radio" name="method" value="card" checked/>{td_string!(locale, basket.method_card)}</label>
                <label class="choice"><input type="radio" name="method" value="cash"/>{td_string!(locale, basket.method_cash)}</label>
                <label class="choice"><input type="radio" name="method" value="gift_card"/>{td_string!(locale, basket.method_gift_card)}</label>
                {(!takes_now).then(|| view! {
                    <label class="choice"><input type="radio" name="method" value="link"/>{td_string!(locale, basket.method_link)}</label>
                })}
            </fieldset>
            {credit.map(|credit| {
                let text = td_string!(locale, basket.use_credit, credit = credit.format(crate::translate::lang_of(locale))).to_string();
                view! {
                    <label class="choice">
                        <input type="checkbox" name="store_credit" value=credit.0.to_string()/>
                        {text}
                    </label>
                }
            })}
            <label for="payment-reference">{td_string!(locale, basket.reference_label)}</label>
            <input id="payment-reference" name="reference" type="text" autocomplete="off" maxlength="80"/>
            <button type="submit" class="primary" disabled=move || pending.get()>
                {move || if pending.get() { td_string!(locale, basket.placing) } else { td_string!(locale, basket.place_order) }}
            </button>
        </form>

        <div class="basket-actions">
            {(!is_manager).then(|| view! {
                <button type="button" on:click=move |_| { hand_off.dispatch(BasketHandOff { basket: id, to: "manager".into() }); }>
                    {td_string!(locale, basket.to_manager)}
                </button>
            })}
            {is_manager.then(|| view! {
                <button type="button" on:click=move |_| { hand_off.dispatch(BasketHandOff { basket: id, to: "associate".into() }); }>
                    {td_string!(locale, basket.to_till)}
                </button>
            })}
            <button type="button" class="danger" on:click=move |_| { abandon.dispatch(BasketAbandon { basket: id }); }>
                {td_string!(locale, basket.abandon)}
            </button>
        </div>
    }
}

/// A source as the associate chooses it: where, how many, how far, when.
pub fn source_text(locale: Locale, choice: &SourceChoice) -> String {
    let lang = crate::translate::lang_of(locale);
    let when = match choice.option.lead_days {
        0 => td_string!(locale, basket.today).to_string(),
        _ => format_shop_date(choice.promised_at, lang),
    };
    match choice.option.distance_km {
        None => td_string!(
            locale,
            basket.source_here,
            name = choice.name.clone(),
            available = choice.option.available,
            when = when
        )
        .to_string(),
        Some(km) => td_string!(
            locale,
            basket.source_far,
            name = choice.name.clone(),
            available = choice.option.available,
            km = km,
            when = when
        )
        .to_string(),
    }
}

fn fulfilment_label(locale: Locale, fulfilment: Fulfilment) -> String {
    match fulfilment {
        Fulfilment::Carry => td_string!(locale, basket.way_carry),
        Fulfilment::Ship => td_string!(locale, basket.way_ship),
        Fulfilment::Collect => td_string!(locale, basket.way_collect),
    }
    .to_string()
}

#[component]
fn LineCard(
    basket: i64,
    line: BasketLineView,
    shops: Vec<Location>,
    action: ServerAction<BasketLine>,
    approve: ServerAction<BasketApprove>,
    is_manager: bool,
) -> impl IntoView {
    let locale = use_locale();
    let lang = use_lang();
    let line_id = line.id;
    let prefix = format!("line-{line_id}");
    let title = format!("{} · {} · {}", line.product_name, line.colour, line.size);
    let price = td_string!(
        locale,
        basket.line_price,
        quantity = line.quantity,
        unit = line.unit_price.format(lang),
        total = line.price.net.format(lang)
    )
    .to_string();
    let source_now = line.source.as_ref().map(|s| source_text(locale, s));
    let chosen = line
        .source
        .as_ref()
        .filter(|_| line.source_chosen)
        .map(|s| s.option.location_id.clone());
    let options = line.options.clone();
    let pickup = line.pickup_location_id.clone().unwrap_or_default();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(form) = Submitted::of(&ev) {
            action.dispatch(BasketLine {
                basket,
                line: line_id,
                quantity: form.text("quantity"),
                fulfilment: form.text("fulfilment"),
                pickup: form.text("pickup"),
                source: form.text("source"),
                discount: form.text("discount"),
            });
        }
    };
    let problem = line.problem.clone();
    let needs_approval = line.needs_approval;
    let approval = line.approval.clone();
    let fulfilment = line.fulfilment;
    view! {
        <li class="basket-line" data-sku=line.sku.clone() data-fulfilment=fulfilment.as_str()>
            <h3>{title.clone()}</h3>
            <p class="meta">{format!("SKU {}", line.sku)}" · "{price}</p>
            {source_now.map(|s| view! { <p class="source" data-source="">{s}</p> })}
            {problem.map(|error| view! { <p class="message error" role="alert">{error_text(locale, &error)}</p> })}
            {approval.map(|a| view! {
                <p class="hint">{td_string!(locale, basket.approved, percent = a.percent, who = a.approved_by.clone(), reason = a.reason.clone()).to_string()}</p>
            })}
            {needs_approval.then(|| view! { <p class="message warning">{td_string!(locale, basket.needs_approval)}</p> })}
            <form method="post" action=BasketLine::url() class="line-form" on:submit=submit>
                <input type="hidden" name="basket" value=basket/>
                <input type="hidden" name="line" value=line_id/>
                <label for=format!("{prefix}-quantity")>{td_string!(locale, basket.quantity)}</label>
                <input id=format!("{prefix}-quantity") name="quantity" type="text" inputmode="numeric" value=line.quantity size="4"/>
                <label for=format!("{prefix}-fulfilment")>{td_string!(locale, basket.way)}</label>
                <select id=format!("{prefix}-fulfilment") name="fulfilment">
                    {[Fulfilment::Carry, Fulfilment::Ship, Fulfilment::Collect].into_iter().map(|f| view! {
                        <option value=f.as_str() selected=f == fulfilment>{fulfilment_label(locale, f)}</option>
                    }).collect_view()}
                </select>
                {(fulfilment == Fulfilment::Collect).then(|| view! {
                    <label for=format!("{prefix}-pickup")>{td_string!(locale, basket.pickup)}</label>
                    <select id=format!("{prefix}-pickup") name="pickup">
                        {shops.iter().map(|s| view! {
                            <option value=s.id.clone() selected=s.id == pickup>{format!("{} ({})", s.name, s.city)}</option>
                        }).collect_view()}
                    </select>
                })}
                {(fulfilment != Fulfilment::Carry).then(|| view! {
                    <label for=format!("{prefix}-source")>{td_string!(locale, basket.source)}</label>
                    <select id=format!("{prefix}-source") name="source">
                        <option value="" selected=chosen.is_none()>{td_string!(locale, basket.source_proposed)}</option>
                        {options.iter().map(|o| view! {
                            <option value=o.option.location_id.clone() selected=chosen.as_deref() == Some(o.option.location_id.as_str())>
                                {source_text(locale, o)}
                            </option>
                        }).collect_view()}
                    </select>
                })}
                <label for=format!("{prefix}-discount")>{td_string!(locale, basket.discount)}</label>
                <input id=format!("{prefix}-discount") name="discount" type="text" inputmode="numeric" value=line.discount_percent size="3"/>
                <button type="submit">{td_string!(locale, basket.update_line)}</button>
            </form>
            <form method="post" action=BasketLine::url() class="line-remove"
                on:submit=move |ev| {
                    ev.prevent_default();
                    action.dispatch(BasketLine { basket, line: line_id, quantity: Some("0".into()), fulfilment: None, pickup: None, source: None, discount: None });
                }>
                <input type="hidden" name="basket" value=basket/>
                <input type="hidden" name="line" value=line_id/>
                <input type="hidden" name="quantity" value="0"/>
                <button type="submit" class="danger" aria-label=td_string!(locale, basket.remove_line_named, name = title.clone()).to_string()>
                    {td_string!(locale, basket.remove_line)}
                </button>
            </form>
            {(needs_approval && is_manager).then(|| view! {
                <form method="post" action=BasketApprove::url() class="form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        if let Some(form) = Submitted::of(&ev) {
                            approve.dispatch(BasketApprove { basket, line: line_id, reason: form.text("reason").unwrap_or_default() });
                        }
                    }>
                    <input type="hidden" name="basket" value=basket/>
                    <input type="hidden" name="line" value=line_id/>
                    <label for=format!("{prefix}-reason")>{td_string!(locale, basket.approval_reason)}</label>
                    <input id=format!("{prefix}-reason") name="reason" type="text" autocomplete="off" maxlength="200" required/>
                    <button type="submit" class="primary">{td_string!(locale, basket.approve)}</button>
                </form>
            })}
        </li>
    }
}

/// The order just placed: one reference, its fulfilments and dates.
#[component]
pub fn Receipt(receipt: OrderReceipt) -> impl IntoView {
    let locale = use_locale();
    let lang = use_lang();
    let groups = receipt
        .fulfilments
        .iter()
        .map(|f| {
            let way = match f.kind {
                Fulfilment::Carry => td_string!(locale, basket.receipt_carry).to_string(),
                Fulfilment::Ship => td_string!(locale, basket.receipt_ship, when = f.promised_at.map(|d| format_shop_date(d, lang)).unwrap_or_default()).to_string(),
                Fulfilment::Collect => td_string!(locale, basket.receipt_collect,
                    shop = f.pickup_name.clone().unwrap_or_default(),
                    when = f.promised_at.map(|d| format_shop_date(d, lang)).unwrap_or_default()).to_string(),
            };
            let lines = f
                .lines
                .iter()
                .map(|l| view! { <li>{format!("{} × {} · {} {} · {}", l.quantity, l.product_name, l.colour, l.size, l.net.format(lang))}</li> })
                .collect_view();
            view! { <li><strong>{way}</strong><ul>{lines}</ul></li> }
        })
        .collect_view();
    let total = Cents(receipt.totals.net.0).format(lang);
    let credit = (receipt.credit_used != Cents(0)).then(|| {
        td_string!(
            locale,
            basket.receipt_credit,
            credit = receipt.credit_used.format(lang),
            rest = Cents((receipt.totals.net.0 - receipt.credit_used.0).max(0)).format(lang)
        )
        .to_string()
    });
    let awaiting = receipt.pay_by.map(|at| {
        td_string!(
            locale,
            basket.receipt_awaiting,
            until = format_shop_time(at, lang)
        )
        .to_string()
    });
    view! {
        <div class="message success receipt" role="status" data-order=receipt.reference.clone()>
            <p><strong>{td_string!(locale, basket.receipt_heading, reference = receipt.reference.clone()).to_string()}</strong></p>
            <ul class="plain">{groups}</ul>
            <p>{td_string!(locale, basket.receipt_total, total = total).to_string()}</p>
            {credit.map(|t| view! { <p data-credit-used="true">{t}</p> })}
            {awaiting.map(|t| view! { <p>{t}</p> })}
        </div>
    }
}
