//! The language switch: on the sign-in page, in the header, large on the
//! kiosk. A form per language posting to `set_language`: without
//! JavaScript the server answers with the page again, in the new language;
//! with it, the page changes language in place.

use crate::api::session::SetLanguage;
use crate::domain::Lang;
use crate::i18n::{t_string, use_i18n};
use crate::translate::{lang_of, locale_of};
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn LanguageSwitch(
    /// Large buttons, for the kiosk.
    #[prop(optional)]
    large: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let choose = ServerAction::<SetLanguage>::new();
    Effect::new(move |_| {
        if let Some(Ok(lang)) = choose.value().get() {
            i18n.set_locale(locale_of(lang));
        }
    });
    let current = move || lang_of(i18n.get_locale());
    let pending = choose.pending();
    let buttons = Lang::ALL
        .into_iter()
        .map(|lang| {
            view! {
                <ActionForm action=choose>
                    <input type="hidden" name="lang" value=lang.code()/>
                    <button
                        type="submit"
                        lang=lang.code()
                        data-lang=lang.code()
                        aria-pressed=move || (current() == lang).to_string()
                        disabled=move || pending.get()
                    >
                        {lang.native_name()}
                    </button>
                </ActionForm>
            }
        })
        .collect_view();
    view! {
        <div
            class="lang-switch"
            class:large=large
            role="group"
            aria-label=move || t_string!(i18n, language.switch_label)
        >
            {buttons}
        </div>
    }
}
