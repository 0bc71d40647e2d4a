//! Ordering at the kiosk what the shelf lacks: the customer adds items to
//! collect here or to have shipped home, leaves their own e-mail for the
//! confirmation, and chooses "pay at the till". The kiosk then shows a QR
//! code and a short code; an associate scans or types it and the basket
//! opens on the tablet, to finish and take payment. No one's personal data
//! is shown here, and nothing but the customer's own e-mail is typed.

use crate::api::basket::{BasketContact, BasketHandOff, BasketLine, basket_current};
use crate::components::feedback::{ErrorMessage, Loading, Loads, error_text};
use crate::components::submitted::Submitted;
use crate::domain::basket::format_handoff_code;
use crate::domain::order::Fulfilment;
use crate::domain::time::format_shop_date;
use crate::i18n::td_string;
use crate::loaded::load;
use crate::model::basket::{BasketLineView, BasketView};
use crate::translate::{use_lang, use_locale};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

/// `/kiosk/order`: the customer's order at the kiosk.
#[component]
pub fn KioskOrderPage() -> impl IntoView {
    let locale = use_locale();
    let line = ServerAction::<BasketLine>::new();
    let contact = ServerAction::<BasketContact>::new();
    let hand_off = ServerAction::<BasketHandOff>::new();
    let basket = load(
        move || {
            (
                line.version().get(),
                contact.version().get(),
                hand_off.version().get(),
            )
        },
        |_| basket_current(),
    );
    let errors = move || {
        [
            line.value().get().and_then(Result::err),
            contact.value().get().and_then(Result::err),
            hand_off.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    let handed = move || hand_off.value().get().and_then(Result::ok);
    view! {
        <Title text=td_string!(locale, kiosk_order.page_title).to_string()/>
        <section class="panel kiosk kiosk-order">
            <h1>{td_string!(locale, kiosk_order.heading)}</h1>
            <div aria-live="polite">{move || errors().map(|error| view! { <ErrorMessage error/> })}</div>
            {move || match handed() {
                Some(code) => view! { <HandedToTill code/> }.into_any(),
                None => view! {
                    <Transition fallback=|| view! { <Loading what=Loads::Basket/> }>
                        {move || Suspend::new(async move {
                            match basket.await {
                                Err(error) => view! { <ErrorMessage error/> }.into_any(),
                                Ok(None) => view! {
                                    <p class="hint" data-basket="empty">{td_string!(locale, kiosk_order.empty)}</p>
                                }.into_any(),
                                Ok(Some(basket)) => view! {
                                    <KioskBasket basket line contact hand_off/>
                                }.into_any(),
                            }
                        })}
                    </Transition>
                }.into_any(),
            }}
            <p><a class="button" href="/kiosk">{td_string!(locale, kiosk_order.find_more)}</a></p>
        </section>
    }
}

#[component]
fn KioskBasket(
    basket: BasketView,
    line: ServerAction<BasketLine>,
    contact: ServerAction<BasketContact>,
    hand_off: ServerAction<BasketHandOff>,
) -> impl IntoView {
    let locale = use_locale();
    let lang = use_lang();
    let id = basket.id;
    let has_email = basket.guest_email.is_some();
    let email = basket.guest_email.clone().unwrap_or_default();
    let ready = has_email && basket.lines.iter().all(|l| l.problem.is_none());
    let lines = basket
        .lines
        .iter()
        .cloned()
        .map(|l| view! { <KioskLine basket=id line=l action=line/> })
        .collect_view();
    let total = td_string!(
        locale,
        kiosk_order.total,
        items = basket.totals.items,
        total = basket.totals.net.format(lang)
    )
    .to_string();
    view! {
        <ul class="plain kiosk-lines" aria-label=td_string!(locale, kiosk_order.lines_label)>{lines}</ul>
        <p class="total" data-basket-total>{total}</p>
        <form method="post" action=BasketContact::url() class="form"
            on:submit=move |ev| {
                ev.prevent_default();
                if let Some(form) = Submitted::of(&ev) {
                    contact.dispatch(BasketContact {
                        basket: id,
                        email: form.text("email"),
                        customer: None,
                        lang: Some(lang.code().to_string()),
                    });
                }
            }>
            <input type="hidden" name="basket" value=id.to_string()/>
            <label for="kiosk-email">{td_string!(locale, kiosk_order.email_label)}</label>
            <p class="hint" id="kiosk-email-hint">{td_string!(locale, kiosk_order.email_hint)}</p>
            <input id="kiosk-email" name="email" type="email" inputmode="email" autocomplete="off"
                aria-describedby="kiosk-email-hint" value=email required/>
            <button type="submit" class="large">{td_string!(locale, kiosk_order.save_email)}</button>
        </form>
        <form method="post" action=BasketHandOff::url() class="form"
            on:submit=move |ev| {
                ev.prevent_default();
                hand_off.dispatch(BasketHandOff { basket: id, to: "associate".into() });
            }>
            <input type="hidden" name="basket" value=id.to_string()/>
            <input type="hidden" name="to" value="associate"/>
            {(!has_email).then(|| view! { <p class="hint">{td_string!(locale, kiosk_order.email_first)}</p> })}
            <button type="submit" class="primary large" disabled=!ready>
                {td_string!(locale, kiosk_order.pay_at_till)}
            </button>
        </form>
    }
}

#[component]
fn KioskLine(basket: i64, line: BasketLineView, action: ServerAction<BasketLine>) -> impl IntoView {
    let locale = use_locale();
    let lang = use_lang();
    let way = match line.fulfilment {
        Fulfilment::Ship => td_string!(locale, kiosk_order.ship_home),
        _ => td_string!(locale, kiosk_order.collect_here),
    };
    let when = line.source.as_ref().map(|s| {
        td_string!(
            locale,
            kiosk_order.expected,
            when = format_shop_date(s.promised_at, lang)
        )
        .to_string()
    });
    let problem = line.problem.clone().map(|p| error_text(locale, &p));
    let name = format!("{}, {} · {}", line.product_name, line.colour, line.size);
    let remove_label =
        td_string!(locale, kiosk_order.remove_named, name = name.clone()).to_string();
    let line_id = line.id;
    view! {
        <li class="kiosk-line" data-sku=line.sku.clone()>
            <p class="line-name">{name}</p>
            <p>{format!("{} × {} · {}", line.quantity, line.unit_price.format(lang), way)}</p>
            {when.map(|w| view! { <p class="meta">{w}</p> })}
            {problem.map(|p| view! { <p class="message error" role="alert">{p}</p> })}
            <p class="price">{line.price.net.format(lang)}</p>
            <button type="button" class="large" aria-label=remove_label
                on:click=move |_| {
                    action.dispatch(BasketLine {
                        basket,
                        line: line_id,
                        quantity: Some("0".into()),
                        fulfilment: None,
                        pickup: None,
                        source: None,
                        discount: None,
                    });
                }>
                {td_string!(locale, kiosk_order.remove)}
            </button>
        </li>
    }
}

/// What the customer shows at the till: a QR code and the same code to
/// read out or type.
#[component]
fn HandedToTill(code: String) -> impl IntoView {
    let locale = use_locale();
    let shown = format_handoff_code(&code);
    let alt = td_string!(locale, kiosk_order.qr_alt, code = shown.clone()).to_string();
    view! {
        <div class="handed-to-till" role="status">
            <p class="lead">{td_string!(locale, kiosk_order.handed)}</p>
            <img class="handoff-qr" src=format!("/handoff/{code}/qr.svg") alt=alt width="240" height="240"/>
            <p class="handoff-code" data-handoff-code=code.clone()>{shown}</p>
            <p>{td_string!(locale, kiosk_order.handed_next)}</p>
        </div>
    }
}
