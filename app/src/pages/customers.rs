//! Customer 360 for associates and managers: find a customer, their
//! profile with one history across channels, advice, notes; the manager's
//! access log, export and erasure.

use crate::api::customers::{
    AddCustomerNote, EraseCustomer, access_log, customer_history, customer_suggestions,
    get_customer, search_customers, shop_staff,
};
use crate::components::customer::{LoyaltyBadge, OrderCard};
use crate::components::feedback::{ErrorMessage, Loading, Loads};
use crate::components::search_box::SearchBox;
use crate::context::use_user;
use crate::counted;
use crate::domain::search::encode_query_value;
use crate::domain::time::format_shop_time;
use crate::domain::{Cents, Role};
use crate::i18n::{Locale, td_string};
use crate::loaded::load;
use crate::model::customer::{
    AccessEntry, Consent, CustomerHit, CustomerProfile, CustomerSearchResults, HistoryCursor,
    HistoryPage, OrderSummary, Suggestion,
};
use crate::translate::{use_lang, use_locale};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

#[component]
pub fn CustomerSearchPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|m| m.get("q").unwrap_or_default()));
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
    let navigate = use_navigate();
    let replace = NavigateOptions {
        replace: true,
        scroll: false,
        ..Default::default()
    };
    let on_type = {
        let navigate = navigate.clone();
        let replace = replace.clone();
        Callback::new(move |text: String| {
            navigate(
                &format!("/customers?q={}", encode_query_value(&text)),
                replace.clone(),
            );
        })
    };
    // Enter (a scanned card ends with it): open the customer when the card
    // or the order reference matched one.
    let on_enter = Callback::new(move |text: String| {
        let navigate = navigate.clone();
        let replace = replace.clone();
        spawn_local(async move {
            match search_customers(text.clone()).await {
                Ok(CustomerSearchResults {
                    exact_id: Some(id), ..
                }) => navigate(&format!("/customers/{id}"), Default::default()),
                _ => navigate(
                    &format!("/customers?q={}", encode_query_value(&text)),
                    replace,
                ),
            }
        });
    });
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
    let profile = load(
        move || (id.get(), notes_version.get()),
        |(id, _)| get_customer(id),
    );
    let filtered = load(
        move || (id.get(), channel.get(), before.get()),
        |(id, channel, before)| async move {
            if channel.is_empty() && before.is_none() {
                Ok(None)
            } else {
                customer_history(id, Some(channel), before).await.map(Some)
            }
        },
    );
    let suggestions = load(move || id.get(), customer_suggestions);
    view! {
        <Title text=td_string!(locale, customer.page_title).to_string()/>
        <p class="back"><a href="/customers">{td_string!(locale, customer.back)}</a></p>
        <Transition fallback=|| view! { <Loading what=Loads::Customer/> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Err(error) => view! { <ErrorMessage error/> }.into_any(),
                    Ok(profile) => {
                        let history = match filtered.await {
                            Ok(Some(page)) => Ok(page),
                            Ok(None) => Ok(profile.history.clone()),
                            Err(error) => Err(error),
                        };
                        view! {
                            <ProfileView profile=profile.clone() add_note/>
                            <section class="panel" aria-labelledby="advice-heading">
                                <h2 id="advice-heading">{td_string!(locale, customer.advice_heading)}</h2>
                                <Transition fallback=|| view! { <Loading what=Loads::Advice/> }>
                                    {move || Suspend::new(async move {
                                        match suggestions.await {
                                            Ok(list) => view! { <Suggestions list/> }.into_any(),
                                            Err(error) => view! { <ErrorMessage error/> }.into_any(),
                                        }
                                    })}
                                </Transition>
                            </section>
                            <Timeline customer=profile.id channel=channel.get_untracked() history/>
                            {profile.recent_access.clone().map(|entries| view! {
                                <ManagerTools customer=profile.id erased=profile.erased entries/>
                            })}
                        }
                        .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn ProfileView(profile: CustomerProfile, add_note: ServerAction<AddCustomerNote>) -> impl IntoView {
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
    let notes = profile
        .notes
        .iter()
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
    let has_notes = !profile.notes.is_empty();
    let outcome = add_note.value();
    let pending = add_note.pending();
    let id = profile.id;
    let card = profile.loyalty_card.clone();
    let points = profile.points;
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
        <section class="panel" aria-labelledby="notes-heading">
            <h2 id="notes-heading">{td_string!(locale, customer.notes_heading)}</h2>
            {if has_notes {
                view! { <ul class="notes">{notes}</ul> }.into_any()
            } else {
                view! { <p class="hint">{td_string!(locale, customer.no_notes)}</p> }.into_any()
            }}
            <form
                method="post"
                action=AddCustomerNote::url()
                class="form note-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    if let Some(body) = field_of_form(&ev, "body") {
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

/// One field of a submitted form (the form also posts without
/// JavaScript; read by hand, see `manage.rs`).
fn field_of_form(event: &leptos::ev::SubmitEvent, name: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let form = event
            .target()?
            .dyn_into::<web_sys::HtmlFormElement>()
            .ok()?;
        let fields = web_sys::FormData::new_with_form(&form).ok()?;
        fields.get(name).as_string()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (event, name);
        None
    }
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

#[component]
fn Timeline(
    customer: i64,
    channel: String,
    history: Result<HistoryPage, crate::error::AppError>,
) -> impl IntoView {
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
    let body = match history {
        Err(error) => view! { <ErrorMessage error/> }.into_any(),
        Ok(page) => view! { <OrderList customer channel=channel.clone() page/> }.into_any(),
    };
    view! {
        <section class="panel" aria-labelledby="history-heading">
            <h2 id="history-heading">{td_string!(locale, customer.history_heading)}</h2>
            <nav class="chips" aria-label=td_string!(locale, customer.filter_label)>{filters}</nav>
            {body}
        </section>
    }
}

/// The orders shown, and "older orders" appended in place (a link that
/// reloads with the cursor without JavaScript).
#[component]
fn OrderList(customer: i64, channel: String, page: HistoryPage) -> impl IntoView {
    let locale = use_locale();
    if page.orders.is_empty() {
        return view! { <p class="hint">{td_string!(locale, customer.no_orders)}</p> }.into_any();
    }
    let shown = RwSignal::new(page.orders);
    let next = RwSignal::new(page.more);
    let loading = RwSignal::new(false);
    let failed = RwSignal::new(None::<crate::error::AppError>);
    let channel_for_more = channel.clone();
    let load_more = move |ev: leptos::ev::MouseEvent| {
        let Some(cursor) = next.get_untracked() else {
            return;
        };
        ev.prevent_default();
        loading.set(true);
        let channel = channel_for_more.clone();
        spawn_local(async move {
            match customer_history(customer, Some(channel), Some(cursor)).await {
                Ok(older) => {
                    shown.update(|list| list.extend(older.orders));
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
        <ol class="timeline">
            <For each=move || shown.get() key=|order: &OrderSummary| order.id let:order>
                <li><OrderCard order/></li>
            </For>
        </ol>
        {move || failed.get().map(|error| view! { <ErrorMessage error/> })}
        {move || more_href().map(|href| view! {
            <p>
                <a class="button" href=href on:click=load_more.clone() aria-busy=move || loading.get().to_string()>
                    {move || if loading.get() { td_string!(locale, customer.loading_more) } else { td_string!(locale, customer.more) }}
                </a>
            </p>
        })}
    }
    .into_any()
}

#[component]
fn ManagerTools(customer: i64, erased: bool, entries: Vec<AccessEntry>) -> impl IntoView {
    let locale = use_locale();
    let erase = ServerAction::<EraseCustomer>::new();
    let outcome = erase.value();
    view! {
        <section class="panel" aria-labelledby="access-heading">
            <h2 id="access-heading">{td_string!(locale, customer.access_heading)}</h2>
            <AccessTable entries labelled_by="access-heading" with_customer=false/>
            <p><a href=format!("/access-log?customer={customer}")>{td_string!(locale, customer.access_all)}</a></p>
        </section>
        <section class="panel" aria-labelledby="privacy-heading">
            <h2 id="privacy-heading">{td_string!(locale, customer.privacy_heading)}</h2>
            <p>
                <a class="button" href=format!("/customers/{customer}/export.json") download=format!("client-{customer}.json")>
                    {td_string!(locale, customer.export)}
                </a>
            </p>
            {(!erased).then(|| view! {
                <form method="post" action=EraseCustomer::url() class="form erase-form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        let confirm = field_of_form(&ev, "confirm");
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

/// The manager's access log: who looked at which customer from this shop.
#[component]
pub fn AccessLogPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let staff = Memo::new(move |_| query.with(|m| m.get("staff").unwrap_or_default()));
    let customer = Memo::new(move |_| {
        query.with(|m| m.get("customer").and_then(|c| c.trim().parse::<i64>().ok()))
    });
    let entries = load(
        move || (staff.get(), customer.get()),
        |(staff, customer)| access_log(Some(staff), customer),
    );
    let people = load(|| (), |_| shop_staff());
    let user = use_user().0;
    let is_manager = move || {
        user.get()
            .and_then(Result::ok)
            .flatten()
            .is_some_and(|u| u.role == Role::Manager)
    };
    view! {
        <Title text=td_string!(locale, access.page_title).to_string()/>
        <section class="panel">
            <h1 id="access-log-heading">{td_string!(locale, access.heading)}</h1>
            <Show when=is_manager fallback=|| ()>
                <form method="get" action="/access-log" class="form filters">
                    <label for="staff-filter">{td_string!(locale, access.filter_staff)}</label>
                    <select id="staff-filter" name="staff">
                        <option value="">{td_string!(locale, access.everyone)}</option>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                let chosen = staff.get_untracked();
                                people.await.unwrap_or_default().into_iter().map(|(username, name)| {
                                    let selected = username == chosen;
                                    view! { <option value=username.clone() selected=selected>{name}</option> }
                                }).collect_view()
                            })}
                        </Transition>
                    </select>
                    <label for="customer-filter">{td_string!(locale, access.filter_customer)}</label>
                    <input id="customer-filter" name="customer" type="text" inputmode="numeric"
                        value=move || customer.get().map(|c| c.to_string()).unwrap_or_default()/>
                    <button type="submit">{td_string!(locale, access.apply)}</button>
                </form>
            </Show>
            <Transition fallback=|| view! { <Loading what=Loads::History/> }>
                {move || Suspend::new(async move {
                    match entries.await {
                        Ok(entries) => view! { <AccessTable entries labelled_by="access-log-heading" with_customer=true/> }.into_any(),
                        Err(error) => view! { <ErrorMessage error/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
