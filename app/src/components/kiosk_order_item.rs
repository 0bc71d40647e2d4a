//! The kiosk's "order this item" form, on its product page: collected in
//! this shop or delivered home, added to the kiosk's order (`/kiosk/order`).

use crate::api::basket::BasketAdd;
use crate::components::feedback::ErrorMessage;
use crate::components::submitted::Submitted;
use crate::i18n::td_string;
use crate::translate::use_locale;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// The kiosk's "order this item" form on a product page.
#[component]
pub fn KioskOrderItem(sku: String) -> impl IntoView {
    let locale = use_locale();
    let add = ServerAction::<BasketAdd>::new();
    let pending = add.pending();
    view! {
        <section class="kiosk-order-item" aria-labelledby="kiosk-order-heading">
            <h2 id="kiosk-order-heading">{td_string!(locale, kiosk_order.order_heading)}</h2>
            <form method="post" action=BasketAdd::url() class="form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    if let Some(form) = Submitted::of(&ev) {
                        add.dispatch(BasketAdd {
                            sku: form.text("sku").unwrap_or_default(),
                            quantity: form.text("quantity").unwrap_or_else(|| "1".into()),
                            fulfilment: form.text("fulfilment"),
                            pickup: None,
                        });
                    }
                }>
                <input type="hidden" name="sku" value=sku/>
                <input type="hidden" name="quantity" value="1"/>
                <fieldset class="choices">
                    <legend>{td_string!(locale, kiosk_order.how_legend)}</legend>
                    <label class="choice">
                        <input type="radio" name="fulfilment" value="collect" checked/>
                        {td_string!(locale, kiosk_order.collect_here)}
                    </label>
                    <label class="choice">
                        <input type="radio" name="fulfilment" value="ship"/>
                        {td_string!(locale, kiosk_order.ship_home)}
                    </label>
                </fieldset>
                <button type="submit" class="primary large" disabled=move || pending.get()>
                    {td_string!(locale, kiosk_order.add)}
                </button>
            </form>
            <div aria-live="polite">
                {move || add.value().get().map(|result| match result {
                    Ok(_) => view! {
                        <p class="message success" role="status">
                            {td_string!(locale, kiosk_order.added)}" "
                            <a class="button" href="/kiosk/order">{td_string!(locale, kiosk_order.see_order)}</a>
                        </p>
                    }.into_any(),
                    Err(error) => view! { <ErrorMessage error/> }.into_any(),
                })}
            </div>
        </section>
    }
}
