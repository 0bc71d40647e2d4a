//! The kiosk's pickup check-in: the customer types the code of their
//! ready order, or holds its QR code to the scanner; the kiosk thanks them
//! and says someone is coming. Nothing about the order or anyone is shown.

use crate::api::pickups::KioskCheckIn;
use crate::components::feedback::ErrorMessage;
use crate::components::submitted::Submitted;
use crate::i18n::td_string;
use crate::translate::use_locale;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn KioskPickupPage() -> impl IntoView {
    let locale = use_locale();
    let check_in = ServerAction::<KioskCheckIn>::new();
    // A QR held to the scanner opens this page with its code: sent once.
    let scanned = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("code"));
    Effect::new({
        let scanned = scanned.clone();
        move |done: Option<()>| {
            if done.is_none()
                && let Some(code) = scanned.clone()
            {
                check_in.dispatch(KioskCheckIn { code });
            }
        }
    });
    let done = move || check_in.value().get().and_then(Result::ok).is_some();
    view! {
        <Title text=td_string!(locale, kiosk_pickup.page_title).to_string()/>
        <section class="panel kiosk kiosk-pickup">
            <h1>{td_string!(locale, kiosk_pickup.heading)}</h1>
            <div aria-live="assertive">
                {move || check_in.value().get().and_then(Result::err).map(|error| view! { <ErrorMessage error/> })}
                {move || done().then(|| view! {
                    <div class="message success" role="status" data-checked-in="true">
                        <p class="big">{td_string!(locale, kiosk_pickup.thanks)}</p>
                        <p>{td_string!(locale, kiosk_pickup.coming)}</p>
                    </div>
                })}
            </div>
            <form method="post" action=KioskCheckIn::url() class="form kiosk-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    if let Some(code) = Submitted::of(&ev).and_then(|f| f.text("code")) {
                        check_in.dispatch(KioskCheckIn { code });
                    }
                }>
                <label for="kiosk-pickup-code">{td_string!(locale, kiosk_pickup.code_label)}</label>
                <input id="kiosk-pickup-code" name="code" type="text" inputmode="numeric" autocomplete="off"
                    maxlength="20" required/>
                <p class="hint">{td_string!(locale, kiosk_pickup.code_hint)}</p>
                <button type="submit" class="primary big">{td_string!(locale, kiosk_pickup.submit)}</button>
            </form>
            <p><a class="button" href="/kiosk">{td_string!(locale, kiosk_pickup.back)}</a></p>
        </section>
    }
}
