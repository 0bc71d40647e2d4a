use crate::i18n::td_string;
use crate::translate::use_locale;
use leptos::prelude::*;

/// The one search box: part of a name, a SKU, or a scanned EAN. A plain
/// GET form underneath, so it also works without JavaScript; with it,
/// results follow the typing and Enter opens an exact match.
#[component]
pub fn SearchBox(
    /// Where the form goes (`/stock` or `/kiosk`).
    #[prop(into)]
    action: String,
    /// The text already searched (from the address).
    #[prop(into)]
    initial: String,
    /// The field's label and example, in the page's language.
    #[prop(into)]
    label: String,
    #[prop(into)] placeholder: String,
    /// Called with the text on each keystroke.
    on_type: Callback<String>,
    /// Called with the text on Enter.
    on_enter: Callback<String>,
    #[prop(optional, into)] input_ref: Option<NodeRef<leptos::html::Input>>,
) -> impl IntoView {
    let locale = use_locale();
    let input_ref = input_ref.unwrap_or_default();
    view! {
        <form
            class="search-box"
            role="search"
            method="get"
            action=action
            on:submit=move |ev| {
                ev.prevent_default();
                if let Some(input) = input_ref.get() {
                    on_enter.run(input.value());
                }
            }
        >
            <label for="search-input">{label}</label>
            <div class="search-row">
                <input
                    id="search-input"
                    node_ref=input_ref
                    type="search"
                    name="q"
                    value=initial
                    placeholder=placeholder
                    autocomplete="off"
                    autocapitalize="none"
                    spellcheck="false"
                    autofocus
                    enterkeyhint="search"
                    data-takes-scans=""
                    on:input=move |ev| on_type.run(event_target_value(&ev))
                />
                <button type="submit" class="primary">{td_string!(locale, search.submit)}</button>
            </div>
        </form>
    }
}
