use crate::domain::search::encode_query_value;
use crate::i18n::td_string;
use crate::translate::use_locale;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};

/// What a search page keeps in its address: the text searched (`?q=`),
/// the text typed put there as it is typed (replacing the history entry,
/// so Back leaves the page), and Enter (a scanner ends with it) opening
/// the one exact match when there is one, the results otherwise.
pub struct SearchAddress {
    pub q: Memo<String>,
    pub on_type: Callback<String>,
    pub on_enter: Callback<String>,
}

/// `base` is the page's path (`/stock`); `exact` gives the path to open
/// for a text that matched one thing exactly.
pub fn use_search_address<F, Fut>(base: &'static str, exact: F) -> SearchAddress
where
    F: Fn(String) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Option<String>> + 'static,
{
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|m| m.get("q").unwrap_or_default()));
    let navigate = use_navigate();
    let replace = NavigateOptions {
        replace: true,
        scroll: false,
        ..Default::default()
    };
    let results_of = move |text: &str| format!("{base}?q={}", encode_query_value(text));
    let on_type = {
        let navigate = navigate.clone();
        let replace = replace.clone();
        Callback::new(move |text: String| navigate(&results_of(&text), replace.clone()))
    };
    let on_enter = Callback::new(move |text: String| {
        let navigate = navigate.clone();
        let replace = replace.clone();
        spawn_local(async move {
            match exact(text.clone()).await {
                Some(path) => navigate(&path, Default::default()),
                None => navigate(&results_of(&text), replace),
            }
        });
    });
    SearchAddress {
        q,
        on_type,
        on_enter,
    }
}

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
