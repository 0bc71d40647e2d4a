//! The shop's pickup queue, on the tablets and the manager's PC: every
//! order to collect here (or to send from here) in the list of what to do
//! next, live; a customer's code or a parcel opened from here; and, for the
//! manager, the board of late and uncollected orders.

use crate::api::pickups::{
    PickupAttend, PickupExtend, PickupForReference, PickupOpenCode, PickupReceive, PickupRemind,
    PickupSend, pickups_board, pickups_of_shop,
};
use crate::components::feedback::{ErrorMessage, Loading, Loads};
use crate::components::live::LiveBadge;
use crate::components::live_pickups::use_live_pickups;
use crate::components::submitted::Submitted;
use crate::context::use_user;
use crate::domain::Role;
use crate::domain::pickup::QueueList;
use crate::domain::time::{format_shop_date, format_shop_time, iso_shop_date};
use crate::i18n::{Locale, td_string};
use crate::loaded::load;
use crate::model::pickup::{PickupCard, PickupChange};
use crate::translate::{lang_of, use_locale};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

/// "35 min", "2 h 10", "3 j": how long, as a glance reads it.
pub fn age_words(locale: Locale, ms: i64) -> String {
    let minutes = (ms / 60_000).max(0);
    match minutes {
        0..60 => td_string!(locale, pickups.minutes, n = minutes).to_string(),
        60..1440 => td_string!(
            locale,
            pickups.hours,
            h = minutes / 60,
            m = format!("{:02}", minutes % 60)
        )
        .to_string(),
        _ => td_string!(locale, pickups.days, n = minutes / 1440).to_string(),
    }
}

fn list_heading(locale: Locale, list: QueueList) -> String {
    match list {
        QueueList::Waiting => td_string!(locale, pickups.list_waiting),
        QueueList::ToSend => td_string!(locale, pickups.list_to_send),
        QueueList::OnTheWay => td_string!(locale, pickups.list_on_the_way),
        QueueList::ToPrepare => td_string!(locale, pickups.list_to_prepare),
        QueueList::Picking => td_string!(locale, pickups.list_picking),
        QueueList::Ready => td_string!(locale, pickups.list_ready),
        QueueList::Overdue => td_string!(locale, pickups.list_overdue),
        QueueList::CollectedToday => td_string!(locale, pickups.list_collected_today),
        QueueList::Expired => td_string!(locale, pickups.list_expired),
    }
    .to_string()
}

#[component]
pub fn PickupQueuePage() -> impl IntoView {
    let locale = use_locale();
    let live = use_live_pickups();
    let open_code = ServerAction::<PickupOpenCode>::new();
    let receive = ServerAction::<PickupReceive>::new();
    let send = ServerAction::<PickupSend>::new();
    let attend = ServerAction::<PickupAttend>::new();
    let remind = ServerAction::<PickupRemind>::new();
    let extend = ServerAction::<PickupExtend>::new();
    let versions = move || {
        (
            live.changes.get(),
            receive.version().get() + send.version().get() + attend.version().get(),
            remind.version().get() + extend.version().get(),
        )
    };
    let queue = load(versions, |_| pickups_of_shop());
    let user = use_user().0;
    let navigate = leptos_router::hooks::use_navigate();
    // A code that opened an order goes with it: the handover asks for it.
    Effect::new({
        let navigate = navigate.clone();
        move |_| {
            if let (Some(Ok(id)), Some(input)) =
                (open_code.value().get(), open_code.input().get_untracked())
            {
                navigate(
                    &format!("/pickups/{id}?code={}", input.code.trim()),
                    Default::default(),
                );
            }
        }
    });
    Effect::new({
        let navigate = navigate.clone();
        move |_| {
            if let Some(Ok(order)) = receive.value().get() {
                navigate(
                    &format!("/pickups/{}", order.fulfilment_id),
                    Default::default(),
                );
            }
        }
    });
    // An order opened from Customer 360 comes with its reference.
    let by_reference = ServerAction::<PickupForReference>::new();
    Effect::new({
        let navigate = navigate.clone();
        move |_| {
            if let Some(Ok(id)) = by_reference.value().get() {
                navigate(&format!("/pickups/{id}"), Default::default());
            }
        }
    });
    let asked = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("reference"));
    Effect::new(move |done: Option<()>| {
        if done.is_none()
            && let Some(reference) = asked.clone()
        {
            by_reference.dispatch(PickupForReference { reference });
        }
    });
    // A pickup QR scanned anywhere opens here with its code, once.
    let scanned = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("code"));
    Effect::new({
        let scanned = scanned.clone();
        move |done: Option<()>| {
            if done.is_none()
                && let Some(code) = scanned.clone()
            {
                open_code.dispatch(PickupOpenCode { code });
            }
        }
    });
    let errors = move || {
        [
            open_code.value().get().and_then(Result::err),
            by_reference.value().get().and_then(Result::err),
            receive.value().get().and_then(Result::err),
            send.value().get().and_then(Result::err),
            attend.value().get().and_then(Result::err),
            remind.value().get().and_then(Result::err),
            extend.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    let reminded = move || {
        remind.value().get().and_then(Result::ok).map(|order| {
            td_string!(locale, pickups.reminded, reference = order.reference).to_string()
        })
    };
    let extended = move || {
        extend.value().get().and_then(Result::ok).map(|order| {
            let date = order
                .collect_by
                .map(|at| format_shop_date(at, lang_of(locale)))
                .unwrap_or_default();
            td_string!(
                locale,
                pickups.extended,
                reference = order.reference,
                date = date
            )
            .to_string()
        })
    };
    // The visible cue of what the tone announced.
    let cue = move || {
        live.last.get().and_then(|event| match event.change {
            PickupChange::New => {
                Some(td_string!(locale, pickups.cue_new, reference = event.reference).to_string())
            }
            PickupChange::CustomerWaiting => Some(
                td_string!(
                    locale,
                    pickups.cue_waiting,
                    reference = event.reference,
                    slot = event.slot.unwrap_or_default()
                )
                .to_string(),
            ),
            _ => None,
        })
    };
    view! {
        <Title text=td_string!(locale, pickups.page_title).to_string()/>
        <section class="panel pickups">
            <div class="heading-row">
                <h1>{td_string!(locale, pickups.heading)}</h1>
                <LiveBadge state=live.state/>
            </div>
            <div aria-live="polite">
                {move || cue().map(|text| view! { <p class="message cue" role="status">{text}</p> })}
                {move || errors().map(|error| view! { <ErrorMessage error/> })}
                {move || reminded().or_else(extended).map(|text| view! {
                    <p class="message success" role="status">{text}</p>
                })}
            </div>
            <div class="pickup-forms">
                <form method="post" action=PickupOpenCode::url() class="form search-row"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        if let Some(code) = Submitted::of(&ev).and_then(|f| f.text("code")) {
                            open_code.dispatch(PickupOpenCode { code });
                        }
                    }>
                    <label for="pickup-code">{td_string!(locale, pickups.code_label)}</label>
                    <input id="pickup-code" name="code" type="text" inputmode="numeric" autocomplete="off"
                        value=scanned.unwrap_or_default() required/>
                    <button type="submit">{td_string!(locale, pickups.open_code)}</button>
                </form>
                <form method="post" action=PickupReceive::url() class="form search-row"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        if let Some(code) = Submitted::of(&ev).and_then(|f| f.text("code")) {
                            receive.dispatch(PickupReceive { code });
                        }
                    }>
                    <label for="parcel-code">{td_string!(locale, pickups.parcel_label)}</label>
                    <input id="parcel-code" name="code" type="text" autocomplete="off" autocapitalize="characters" required/>
                    <button type="submit">{td_string!(locale, pickups.receive)}</button>
                </form>
            </div>
            <Transition fallback=|| view! { <Loading what=Loads::Pickups/> }>
                {move || Suspend::new(async move {
                    match queue.await {
                        Err(error) => view! { <ErrorMessage error/> }.into_any(),
                        Ok(queue) => {
                            let now = queue.now_ms;
                            let target = queue.target_minutes;
                            let target_words = age_words(locale, target * 60_000);
                            let lists = QueueList::ALL.into_iter().map(|list| {
                                let cards: Vec<PickupCard> = queue.cards.iter().filter(|c| c.list == list).cloned().collect();
                                view! { <QueueSection list cards now send attend/> }
                            }).collect_view();
                            view! {
                                <p class="hint">{td_string!(locale, pickups.target, shop = queue.location_name.clone(), target = target_words)}</p>
                                {lists}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let is_manager = user.await.ok().flatten().is_some_and(|u| u.role == Role::Manager);
                is_manager.then(|| view! { <Board changes=live.changes remind extend/> })
            })}
        </Transition>
    }
}

#[component]
fn QueueSection(
    list: QueueList,
    cards: Vec<PickupCard>,
    now: i64,
    send: ServerAction<PickupSend>,
    attend: ServerAction<PickupAttend>,
) -> impl IntoView {
    let locale = use_locale();
    let heading = list_heading(locale, list);
    let count = cards.len();
    let id = format!("list-{}", list.as_str());
    let body = if cards.is_empty() {
        view! { <p class="hint">{td_string!(locale, pickups.list_empty)}</p> }.into_any()
    } else {
        view! {
            <ul class="plain pickup-cards" aria-labelledby=id.clone()>
                {cards.into_iter().map(|card| view! { <Card card now send attend/> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="pickup-list" data-list=list.as_str()>
            <h2 id=id>{format!("{heading} ({count})")}</h2>
            {body}
        </section>
    }
    // Erased: nested deeper than the release build's type limit.
    .into_any()
}

#[component]
fn Card(
    card: PickupCard,
    now: i64,
    send: ServerAction<PickupSend>,
    attend: ServerAction<PickupAttend>,
) -> impl IntoView {
    let locale = use_locale();
    let lang = lang_of(locale);
    let id = card.fulfilment_id;
    let age = age_words(locale, now - card.placed_at);
    let what = td_string!(
        locale,
        pickups.card_units,
        lines = card.lines,
        units = card.units
    )
    .to_string();
    let detail = match card.list {
        QueueList::Waiting => td_string!(
            locale,
            pickups.card_waiting,
            slot = card.slot.clone().unwrap_or_default(),
            since = age_words(locale, now - card.waiting_since.unwrap_or(now))
        )
        .to_string(),
        QueueList::ToSend => td_string!(
            locale,
            pickups.card_to_send,
            shop = card.other_location.clone().unwrap_or_default()
        )
        .to_string(),
        QueueList::OnTheWay => match card.sent_at {
            Some(at) => td_string!(
                locale,
                pickups.card_sent,
                from = card.other_location.clone().unwrap_or_default(),
                when = format_shop_time(at, lang)
            )
            .to_string(),
            None => td_string!(
                locale,
                pickups.card_not_sent,
                from = card.other_location.clone().unwrap_or_default()
            )
            .to_string(),
        },
        QueueList::Ready | QueueList::Overdue => td_string!(
            locale,
            pickups.card_ready,
            slot = card.slot.clone().unwrap_or_default(),
            date = card
                .collect_by
                .map(|at| format_shop_date(at, lang))
                .unwrap_or_default()
        )
        .to_string(),
        QueueList::CollectedToday => td_string!(
            locale,
            pickups.card_collected,
            when = card
                .collected_at
                .map(|at| format_shop_time(at, lang))
                .unwrap_or_default()
        )
        .to_string(),
        QueueList::Expired => td_string!(
            locale,
            pickups.card_expired,
            date = card
                .collect_by
                .map(|at| format_shop_date(at, lang))
                .unwrap_or_default()
        )
        .to_string(),
        _ => td_string!(locale, pickups.card_age, age = age).to_string(),
    };
    let open_label = td_string!(
        locale,
        pickups.open_named,
        reference = card.reference.clone()
    )
    .to_string();
    view! {
        <li class="pickup-card" data-reference=card.reference.clone() data-late=card.late.to_string()>
            <a class="reference" href=format!("/pickups/{id}") aria-label=open_label>{card.reference.clone()}</a>
            <span>{what}</span>
            <span>{detail}</span>
            {card.late.then(|| view! { <span class="badge late">{td_string!(locale, pickups.late)}</span> })}
            {(card.list == QueueList::ToSend).then(|| view! {
                <button type="button" on:click=move |_| { send.dispatch(PickupSend { id }); }>
                    {td_string!(locale, pickups.send)}
                </button>
            })}
            {(card.list == QueueList::Waiting).then(|| view! {
                <button type="button" class="primary" on:click=move |_| { attend.dispatch(PickupAttend { id }); }>
                    {td_string!(locale, pickups.attend)}
                </button>
            })}
        </li>
    }
    // Erased: nested deeper than the release build's type limit.
    .into_any()
}

/// The manager's board: late to prepare, due soon, overdue, expired.
#[component]
fn Board(
    changes: ReadSignal<u32>,
    remind: ServerAction<PickupRemind>,
    extend: ServerAction<PickupExtend>,
) -> impl IntoView {
    let locale = use_locale();
    let board = load(
        move || {
            (
                changes.get(),
                remind.version().get(),
                extend.version().get(),
            )
        },
        |_| pickups_board(),
    );
    view! {
        <section class="panel board" aria-labelledby="board-heading">
            <h2 id="board-heading">{td_string!(locale, pickups.board_heading)}</h2>
            <Transition fallback=|| view! { <Loading what=Loads::Pickups/> }>
                {move || Suspend::new(async move {
                    match board.await {
                        Err(error) => view! { <ErrorMessage error/> }.into_any(),
                        Ok(board) => {
                            let now = board.now_ms;
                            let groups = [
                                (td_string!(locale, pickups.board_late).to_string(), board.late, false),
                                (td_string!(locale, pickups.board_due_soon).to_string(), board.due_soon, true),
                                (td_string!(locale, pickups.board_overdue).to_string(), board.overdue, true),
                                (td_string!(locale, pickups.board_expired).to_string(), board.expired, false),
                            ];
                            groups.into_iter().map(|(heading, cards, actions)| {
                                let count = cards.len();
                                view! {
                                    <h3>{format!("{heading} ({count})")}</h3>
                                    {if cards.is_empty() {
                                        view! { <p class="hint">{td_string!(locale, pickups.list_empty)}</p> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="plain pickup-cards">
                                                {cards.into_iter().map(|card| view! { <BoardCard card now actions remind extend/> }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                }
                            }).collect_view().into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
    // Erased: nested deeper than the release build's type limit.
    .into_any()
}

#[component]
fn BoardCard(
    card: PickupCard,
    now: i64,
    actions: bool,
    remind: ServerAction<PickupRemind>,
    extend: ServerAction<PickupExtend>,
) -> impl IntoView {
    let locale = use_locale();
    let lang = lang_of(locale);
    let id = card.fulfilment_id;
    let reference = card.reference.clone();
    let when = match card.collect_by {
        Some(by)
            if card.list != QueueList::ToPrepare
                && card.list != QueueList::Picking
                && card.list != QueueList::OnTheWay =>
        {
            td_string!(
                locale,
                pickups.board_collect_by,
                date = format_shop_date(by, lang)
            )
            .to_string()
        }
        _ => td_string!(
            locale,
            pickups.card_age,
            age = age_words(locale, now - card.placed_at)
        )
        .to_string(),
    };
    let date_id = format!("new-date-{id}");
    let min_date = iso_shop_date(now + 86_400_000);
    let remind_label =
        td_string!(locale, pickups.remind_named, reference = reference.clone()).to_string();
    view! {
        <li class="pickup-card" data-reference=reference.clone()>
            <a class="reference" href=format!("/pickups/{id}")>{reference.clone()}</a>
            <span>{when}</span>
            {actions.then(|| view! {
                <button type="button" aria-label=remind_label on:click=move |_| { remind.dispatch(PickupRemind { id }); }>
                    {td_string!(locale, pickups.remind)}
                </button>
                <form method="post" action=PickupExtend::url() class="inline-form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        if let Some(date) = Submitted::of(&ev).and_then(|f| f.text("date")) {
                            extend.dispatch(PickupExtend { id, date });
                        }
                    }>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <label for=date_id.clone()>{td_string!(locale, pickups.new_date_label, reference = reference.clone())}</label>
                    <input id=date_id type="date" name="date" min=min_date required/>
                    <button type="submit">{td_string!(locale, pickups.extend)}</button>
                </form>
            })}
        </li>
    }
    // Erased: nested deeper than the release build's type limit.
    .into_any()
}
