//! Customer 360 for associates and managers: find a customer, their
//! profile with one history across channels, advice, notes; the manager's
//! access log, export and erasure.

use crate::api::customers::{
    AddCustomerNote, CustomerPageHtml, EraseCustomer, OrdersHtml, access_log_page, customer_advice,
    customer_orders, customer_page, search_customers,
};
use crate::components::customer::LoyaltyBadge;
use crate::components::feedback::{ErrorMessage, Loading, Loads};
use crate::components::search_box::{SearchAddress, SearchBox, use_search_address};
use crate::components::submitted::Submitted;
use crate::counted;
use crate::domain::time::format_shop_time;
use crate::error::AppError;
use crate::i18n::td_string;
use crate::loaded::{Loaded, load};
use crate::model::customer::{CustomerHit, CustomerSearchResults, HistoryCursor};
use crate::translate::{use_lang, use_locale};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn CustomerSearchPage() -> impl IntoView {
    let locale = use_locale();
    let SearchAddress {
        q,
        on_type,
        on_enter,
    } = use_search_address("/customers", |text| async move {
        // A card or an order reference (typed, or scanned and Enter).
        let found = search_customers(text).await.ok()?;
        found.exact_id.map(|id| format!("/customers/{id}"))
    });
    let results = load(
        move || q.get(),
        |q| async move {
            if q.trim().is_empty() {
                Ok(None)
            } else {
                search_customers(q).await.map(Some)
            }
        },
    );
    view! {
        <Title text=td_string!(locale, customers.page_title).to_string()/>
        <section class="panel">
            <div class="panel-head">
                <h1>{td_string!(locale, customers.heading)}</h1>
                <a class="button" href="/customers/new">{td_string!(locale, customers.new)}</a>
            </div>
            <SearchBox
                action="/customers"
                initial=q.get_untracked()
                label=td_string!(locale, customers.search_label)
                placeholder=td_string!(locale, customers.search_placeholder)
                on_type
                on_enter
            />
            <Transition fallback=|| view! { <Loading what=Loads::Results/> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(None) => view! { <p class="hint">{td_string!(locale, customers.hint)}</p> }.into_any(),
                        Ok(Some(found)) => view! { <CustomerResults found/> }.into_any(),
                        Err(error) => view! { <ErrorMessage error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn CustomerResults(found: CustomerSearchResults) -> impl IntoView {
    let locale = use_locale();
    if found.hits.is_empty() {
        return view! {
            <p class="message" role="status">
                {td_string!(locale, customers.no_match, query = found.query.clone()).to_string()}
            </p>
        }
        .into_any();
    }
    let count = found.hits.len() as i64;
    let items = found
        .hits
        .into_iter()
        .map(|hit| view! { <CustomerResult hit/> })
        .collect_view();
    view! {
        <p class="visually-hidden" role="status">{counted!(locale, count, search.result_count)}</p>
        <ul class="results" aria-label=td_string!(locale, customers.results_label)>{items}</ul>
    }
    .into_any()
}

#[component]
fn CustomerResult(hit: CustomerHit) -> impl IntoView {
    let locale = use_locale();
    let lang = use_lang();
    let name = format!("{} {}", hit.first_name, hit.last_name);
    let last = match hit.last_activity_ms {
        Some(ms) => td_string!(
            locale,
            customers.last_activity,
            when = format_shop_time(ms, lang)
        )
        .to_string(),
        None => td_string!(locale, customers.no_activity).to_string(),
    };
    view! {
        <li>
            <a class="result customer-result" href=format!("/customers/{}", hit.id) data-customer=hit.id>
                <span class="result-name">{name}</span>
                <span class="result-detail">{hit.city.clone()} " " <LoyaltyBadge tier=hit.tier/></span>
                <span class="result-contact">{hit.email_masked.clone()} " · " {hit.phone_masked.clone()}</span>
                <span class="result-when">{last}</span>
            </a>
        </li>
    }
}

/// The number in the address (`/customers/123`), or 0 (which no customer
/// has: the server answers "unknown customer").
fn id_param() -> Memo<i64> {
    let params = use_params_map();
    Memo::new(move |_| {
        params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0))
    })
}

/// The profile: its read-only parts come as HTML from the server (see
/// `components::customer_html`); the note form, "older orders" and the
/// manager's erasure are components.
#[component]
pub fn CustomerPage() -> impl IntoView {
    let locale = use_locale();
    let id = id_param();
    let query = use_query_map();
    let channel = Memo::new(move |_| query.with(|m| m.get("channel").unwrap_or_default()));
    // Without JavaScript, "older orders" is a link carrying the cursor.
    let before = Memo::new(move |_| {
        query.with(|m| {
            let ms = m.get("before_ms")?.parse().ok()?;
            let id = m.get("before_id")?.parse().ok()?;
            Some(HistoryCursor { created_ms: ms, id })
        })
    });
    let add_note = ServerAction::<AddCustomerNote>::new();
    let notes_version = add_note.version();
    let page = load(
        move || (id.get(), channel.get(), before.get(), notes_version.get()),
        |(id, channel, before, _)| customer_page(id, Some(channel), before),
    );
    let advice = load(move || id.get(), customer_advice);
    view! {
        <Title text=td_string!(locale, customer.page_title).to_string()/>
        <p class="back"><a href="/customers">{td_string!(locale, customer.back)}</a></p>
        <Transition fallback=|| view! { <Loading what=Loads::Customer/> }>
            {move || Suspend::new(async move {
                match page.await {
                    Err(error) => view! { <ErrorMessage error/> }.into_any(),
                    Ok(page) => view! { <ProfileParts page add_note advice channel=channel.get_untracked()/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ProfileParts(
    page: CustomerPageHtml,
    add_note: ServerAction<AddCustomerNote>,
    advice: Loaded<Result<String, AppError>>,
    channel: String,
) -> impl IntoView {
    let locale = use_locale();
    let CustomerPageHtml {
        id,
        erased,
        head,
        notes,
        filters,
        orders,
        access,
    } = page;
    view! {
        <div inner_html=head></div>
        {(!erased).then(|| view! { <OrderForCustomer customer=id/> })}
        {(!erased).then(|| view! {
            <section class="panel" aria-labelledby="notes-heading">
                <h2 id="notes-heading">{td_string!(locale, customer.notes_heading)}</h2>
                <div inner_html=notes></div>
                <NoteForm id add_note/>
            </section>
            <section class="panel" aria-labelledby="advice-heading">
                <h2 id="advice-heading">{td_string!(locale, customer.advice_heading)}</h2>
                <Transition fallback=|| view! { <Loading what=Loads::Advice/> }>
                    {move || Suspend::new(async move {
                        match advice.await {
                            Ok(html) => view! { <div inner_html=html></div> }.into_any(),
                            Err(error) => view! { <ErrorMessage error/> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        })}
        <section class="panel" aria-labelledby="history-heading">
            <h2 id="history-heading">{td_string!(locale, customer.history_heading)}</h2>
            <div inner_html=filters></div>
            <OrderPages customer=id channel first=orders/>
        </section>
        {access.map(|html| view! { <ManagerTools customer=id erased access=html/> })}
    }
}

/// "Order for this customer": the associate's basket, now for them.
#[component]
fn OrderForCustomer(customer: i64) -> impl IntoView {
    use crate::api::basket::BasketForCustomer;
    use leptos::server_fn::ServerFn;
    let locale = use_locale();
    let start = ServerAction::<BasketForCustomer>::new();
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(_)) = start.value().get() {
            navigate("/basket", Default::default());
        }
    });
    view! {
        <form method="post" action=BasketForCustomer::url() class="order-for-customer"
            on:submit=move |ev| {
                ev.prevent_default();
                start.dispatch(BasketForCustomer { customer, lang: None });
            }>
            <input type="hidden" name="customer" value=customer.to_string()/>
            <button type="submit" class="primary" disabled=move || start.pending().get()>
                {td_string!(locale, customer.order_for)}
            </button>
        </form>
        <div aria-live="polite">
            {move || start.value().get().and_then(Result::err).map(|error| view! { <ErrorMessage error/> })}
        </div>
    }
}

#[component]
fn NoteForm(id: i64, add_note: ServerAction<AddCustomerNote>) -> impl IntoView {
    let locale = use_locale();
    let outcome = add_note.value();
    let pending = add_note.pending();
    view! {
        <form
            method="post"
            action=AddCustomerNote::url()
            class="form note-form"
            on:submit=move |ev| {
                ev.prevent_default();
                if let Some(body) = Submitted::of(&ev).and_then(|form| form.text("body")) {
                    add_note.dispatch(AddCustomerNote { id, body });
                }
            }
        >
            <input type="hidden" name="id" value=id/>
            <label for="note-body">{td_string!(locale, customer.note_label)}</label>
            <textarea id="note-body" name="body" rows="2" maxlength="500" required></textarea>
            <button type="submit" class="primary" disabled=move || pending.get()>
                {td_string!(locale, customer.note_submit)}
            </button>
        </form>
        <div aria-live="polite">
            {move || outcome.get().map(|result| match result {
                Ok(_) => view! { <p class="message success" role="status">{td_string!(locale, customer.note_added)}</p> }.into_any(),
                Err(error) => view! { <ErrorMessage error/> }.into_any(),
            })}
        </div>
    }
}

/// The orders shown, and "older orders" appended in place (a link that
/// reloads with the cursor without JavaScript).
#[component]
fn OrderPages(customer: i64, channel: String, first: OrdersHtml) -> impl IntoView {
    let locale = use_locale();
    let shown = RwSignal::new(vec![first.html]);
    let next = RwSignal::new(first.more);
    let loading = RwSignal::new(false);
    let failed = RwSignal::new(None::<AppError>);
    let channel_for_more = channel.clone();
    let load_more = move |ev: leptos::ev::MouseEvent| {
        let Some(cursor) = next.get_untracked() else {
            return;
        };
        ev.prevent_default();
        loading.set(true);
        let channel = channel_for_more.clone();
        spawn_local(async move {
            match customer_orders(customer, Some(channel), Some(cursor)).await {
                Ok(older) => {
                    shown.update(|pages| pages.push(older.html));
                    next.set(older.more);
                    failed.set(None);
                }
                Err(error) => failed.set(Some(error)),
            }
            loading.set(false);
        });
    };
    let more_href = move || {
        next.get().map(|c| {
            format!(
                "/customers/{customer}?channel={channel}&before_ms={}&before_id={}",
                c.created_ms, c.id
            )
        })
    };
    view! {
        {move || shown.get().into_iter().map(|html| view! { <div inner_html=html></div> }).collect_view()}
        {move || failed.get().map(|error| view! { <ErrorMessage error/> })}
        {move || more_href().map(|href| view! {
            <p>
                <a class="button" href=href on:click=load_more.clone() aria-busy=move || loading.get().to_string()>
                    {move || if loading.get() { td_string!(locale, customer.loading_more) } else { td_string!(locale, customer.more) }}
                </a>
            </p>
        })}
    }
}

#[component]
fn ManagerTools(customer: i64, erased: bool, access: String) -> impl IntoView {
    let locale = use_locale();
    let erase = ServerAction::<EraseCustomer>::new();
    let outcome = erase.value();
    view! {
        <section class="panel" aria-labelledby="access-heading">
            <h2 id="access-heading">{td_string!(locale, customer.access_heading)}</h2>
            <div inner_html=access></div>
            <p><a href=format!("/access-log?customer={customer}")>{td_string!(locale, customer.access_all)}</a></p>
        </section>
        <section class="panel" aria-labelledby="privacy-heading">
            <h2 id="privacy-heading">{td_string!(locale, customer.privacy_heading)}</h2>
            // A plain form: the browser downloads the file and stays here.
            <form method="get" action=format!("/customers/{customer}/export.json") class="form export-form">
                <label class="choice">
                    <input type="checkbox" name="confirm" value="yes" required/>
                    {td_string!(locale, customer.export_confirm)}
                </label>
                <button type="submit">{td_string!(locale, customer.export)}</button>
            </form>
            {(!erased).then(|| view! {
                <form method="post" action=EraseCustomer::url() class="form erase-form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        let confirm = Submitted::of(&ev).and_then(|form| form.text("confirm"));
                        erase.dispatch(EraseCustomer { id: customer, confirm });
                    }
                >
                    <input type="hidden" name="id" value=customer/>
                    <label class="choice">
                        <input type="checkbox" name="confirm" value="yes" required/>
                        {td_string!(locale, customer.erase_confirm)}
                    </label>
                    <button type="submit" class="danger">{td_string!(locale, customer.erase)}</button>
                </form>
            })}
            <div aria-live="polite">
                {move || outcome.get().map(|result| match result {
                    Ok(()) => view! { <p class="message success" role="status">{td_string!(locale, customer.erased_done)}</p> }.into_any(),
                    Err(error) => view! { <ErrorMessage error/> }.into_any(),
                })}
            </div>
        </section>
    }
}

/// The manager's access log: who looked at which customer from this shop.
/// Filter and table come as HTML from the server; the filter is a plain
/// form (the address carries it).
#[component]
pub fn AccessLogPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let staff = Memo::new(move |_| query.with(|m| m.get("staff").unwrap_or_default()));
    let customer = Memo::new(move |_| {
        query.with(|m| m.get("customer").and_then(|c| c.trim().parse::<i64>().ok()))
    });
    let page = load(
        move || (staff.get(), customer.get()),
        |(staff, customer)| access_log_page(Some(staff), customer),
    );
    view! {
        <Title text=td_string!(locale, access.page_title).to_string()/>
        <section class="panel">
            <h1 id="access-log-heading">{td_string!(locale, access.heading)}</h1>
            <Transition fallback=|| view! { <Loading what=Loads::History/> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(html) => view! { <div inner_html=html></div> }.into_any(),
                        Err(error) => view! { <ErrorMessage error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
