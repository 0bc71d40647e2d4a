//! The language switch: on the sign-in page, in the header, large on the
//! kiosk. A plain form per language posting to `set_language`, which saves
//! the choice and answers with a redirect back: the page then comes from
//! the server in the new language, with or without JavaScript (texts are
//! read once per page: see `translate`). No browser code at all.

use crate::api::session::SetLanguage;
use crate::domain::Lang;
use crate::i18n::td_string;
use crate::translate::{use_lang, use_locale};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn LanguageSwitch(
    /// Large buttons, for the kiosk.
    #[prop(optional)]
    large: bool,
) -> impl IntoView {
    let locale = use_locale();
    let current = use_lang();
    let url = SetLanguage::url();
    let buttons = Lang::ALL
        .into_iter()
        .map(|lang| {
            view! {
                <form method="post" action=url>
                    <input type="hidden" name="lang" value=lang.code()/>
                    <button
                        type="submit"
                        lang=lang.code()
                        data-lang=lang.code()
                        aria-pressed=(current == lang).to_string()
                    >
                        {lang.native_name()}
                    </button>
                </form>
            }
        })
        .collect_view();
    view! {
        <div
            class="lang-switch"
            class:large=large
            role="group"
            aria-label=td_string!(locale, language.switch_label)
        >
            {buttons}
        </div>
    }
}
