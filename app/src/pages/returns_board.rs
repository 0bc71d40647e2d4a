//! `/returns/board`: the manager's returns page. The shop's returns over a
//! period with their reasons and totals, the approvals associates asked
//! for (approved or refused here, seen live on their tablet), and the
//! items in quarantine, written off, sent to the warehouse or put back on
//! the shelf once checked.

use crate::api::returns::{QuarantineAct, ReturnDecide, returns_of_shop};
use crate::components::feedback::{ErrorMessage, Loading, Loads};
use crate::components::live_pickups::use_live_pickups;
use crate::components::return_words::reason_words;
use crate::components::submitted::Submitted;
use crate::domain::returns::RefundMethod;
use crate::domain::time::{format_shop_date, format_shop_time};
use crate::i18n::td_string;
use crate::loaded::load;
use crate::model::returns::{ApprovalView, QuarantineItem, ReturnsBoard};
use crate::translate::{lang_of, use_locale};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn ReturnsBoardPage() -> impl IntoView {
    let locale = use_locale();
    let live = use_live_pickups();
    let decide = ServerAction::<ReturnDecide>::new();
    let act = ServerAction::<QuarantineAct>::new();
    let days = RwSignal::new(30i64);
    let board = load(
        move || {
            (
                days.get(),
                live.changes.get(),
                decide.version().get() + act.version().get(),
            )
        },
        |(days, ..)| returns_of_shop(days),
    );
    let feedback = move || {
        let error = decide
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| act.value().get().and_then(Result::err));
        error.map(|error| view! { <ErrorMessage error/> })
    };
    let acted = move || {
        act.value().get().and_then(Result::ok).map(|_| {
            view! { <p class="message success" role="status">{td_string!(locale, returns_board.done)}</p> }
        })
    };
    view! {
        <Title text=td_string!(locale, returns_board.title).to_string()/>
        <h1>{td_string!(locale, returns_board.title)}</h1>
        <div aria-live="assertive">{feedback}{acted}</div>
        <label for="board-days">{td_string!(locale, returns_board.period)}</label>
        <select id="board-days" on:change=move |ev| {
            if let Ok(n) = event_target_value(&ev).parse::<i64>() {
                days.set(n);
            }
        }>
            <option value="7">{td_string!(locale, returns_board.days_7)}</option>
            <option value="30" selected>{td_string!(locale, returns_board.days_30)}</option>
            <option value="90">{td_string!(locale, returns_board.days_90)}</option>
        </select>
        <Transition fallback=|| view! { <Loading what=Loads::Returns/> }>
            {move || Suspend::new(async move {
                match board.await {
                    Err(error) => view! { <ErrorMessage error/> }.into_any(),
                    Ok(board) => view! { <Board board decide act/> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn Board(
    board: ReturnsBoard,
    decide: ServerAction<ReturnDecide>,
    act: ServerAction<QuarantineAct>,
) -> impl IntoView {
    let locale = use_locale();
    let lang = lang_of(locale);
    let summary = td_string!(
        locale,
        returns_board.summary,
        count = board.returns.len(),
        units = board.units,
        refunded = board.refunded.format(lang)
    )
    .to_string();
    let approvals = if board.approvals.is_empty() {
        view! { <p class="hint">{td_string!(locale, returns_board.no_approvals)}</p> }.into_any()
    } else {
        view! {
            <ul class="plain cards">
                {board.approvals.into_iter().map(|a| view! { <ApprovalCard approval=a decide/> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let quarantine = if board.quarantine.is_empty() {
        view! { <p class="hint">{td_string!(locale, returns_board.no_quarantine)}</p> }.into_any()
    } else {
        view! {
            <ul class="plain cards">
                {board.quarantine.into_iter().map(|item| view! { <QuarantineCard item act/> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let reasons = board
        .reasons
        .iter()
        .map(|t| {
            view! {
                <tr>
                    <td>{reason_words(locale, t.reason)}</td>
                    <td>{t.units}</td>
                    <td>{t.refund.format(lang)}</td>
                </tr>
            }
        })
        .collect_view();
    let rows = board
        .returns
        .iter()
        .map(|r| {
            let href = format!("/returns/receipt/{}", r.reference);
            let method = match r.refund_method {
                RefundMethod::OriginalPayment => td_string!(locale, returns_board.method_original),
                RefundMethod::StoreCredit => td_string!(locale, returns_board.method_credit),
            };
            let why = r
                .reasons
                .iter()
                .map(|reason| reason_words(locale, *reason))
                .collect::<Vec<_>>()
                .join(", ");
            view! {
                <tr>
                    <td><a href=href>{r.reference.clone()}</a></td>
                    <td>{r.order_reference.clone()}</td>
                    <td>{format_shop_time(r.created_at, lang)}</td>
                    <td>{r.created_by.clone()}</td>
                    <td>{r.units}</td>
                    <td>{why}</td>
                    <td>{format!("{} ({method})", r.refund.format(lang))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="approvals-heading">
            <h2 id="approvals-heading">{td_string!(locale, returns_board.approvals_heading)}</h2>
            {approvals}
        </section>
        <section class="panel" aria-labelledby="quarantine-heading">
            <h2 id="quarantine-heading">{td_string!(locale, returns_board.quarantine_heading)}</h2>
            {quarantine}
        </section>
        <section class="panel" aria-labelledby="list-heading">
            <h2 id="list-heading">{td_string!(locale, returns_board.list_heading)}</h2>
            <p>{summary}</p>
            <table>
                <caption>{td_string!(locale, returns_board.reasons_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{td_string!(locale, returns_board.col_reason)}</th>
                        <th scope="col">{td_string!(locale, returns_board.col_units)}</th>
                        <th scope="col">{td_string!(locale, returns_board.col_refunded)}</th>
                    </tr>
                </thead>
                <tbody>{reasons}</tbody>
            </table>
            <table>
                <caption>{td_string!(locale, returns_board.returns_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{td_string!(locale, returns_board.col_return)}</th>
                        <th scope="col">{td_string!(locale, returns_board.col_order)}</th>
                        <th scope="col">{td_string!(locale, returns_board.col_when)}</th>
                        <th scope="col">{td_string!(locale, returns_board.col_by)}</th>
                        <th scope="col">{td_string!(locale, returns_board.col_units)}</th>
                        <th scope="col">{td_string!(locale, returns_board.col_reason)}</th>
                        <th scope="col">{td_string!(locale, returns_board.col_refunded)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
    .into_any()
}

#[component]
fn ApprovalCard(approval: ApprovalView, decide: ServerAction<ReturnDecide>) -> impl IntoView {
    let locale = use_locale();
    let lang = lang_of(locale);
    let id = approval.id;
    let text = td_string!(
        locale,
        returns_board.approval_text,
        reference = approval.reference.clone(),
        by = approval.requested_by.clone(),
        when = format_shop_time(approval.requested_at, lang),
        why = approval.why.clone()
    )
    .to_string();
    let note_id = format!("approval-note-{id}");
    let href = format!("/returns/order/{}", approval.reference);
    let note = NodeRef::<leptos::html::Input>::new();
    let send = move |approve: bool| {
        let text = note.get_untracked().map(|n| n.value()).unwrap_or_default();
        decide.dispatch(ReturnDecide {
            approval_id: id,
            approve,
            note: text,
        });
    };
    view! {
        <li class="card" data-approval=id.to_string()>
            <p>{text}</p>
            <p><a href=href>{td_string!(locale, returns_board.open_order)}</a></p>
            <div class="form">
                <label for=note_id.clone()>{td_string!(locale, returns_board.note_label)}</label>
                <input id=note_id node_ref=note type="text" autocomplete="off"/>
                <button type="button" class="primary" on:click=move |_| send(true)>
                    {td_string!(locale, returns_board.approve)}
                </button>
                <button type="button" on:click=move |_| send(false)>
                    {td_string!(locale, returns_board.refuse)}
                </button>
            </div>
            <p class="hint">{format_shop_date(approval.requested_at, lang)}</p>
        </li>
    }
}

#[component]
fn QuarantineCard(item: QuarantineItem, act: ServerAction<QuarantineAct>) -> impl IntoView {
    let locale = use_locale();
    let sku = item.sku.clone();
    let title = td_string!(
        locale,
        returns_board.quarantine_item,
        quantity = item.quantity,
        product = item.product_name.clone(),
        colour = item.colour.clone(),
        size = item.size.clone(),
        sku = item.sku.clone()
    )
    .to_string();
    let quantity_id = format!("quarantine-quantity-{sku}");
    let reason_id = format!("quarantine-reason-{sku}");
    let action_id = format!("quarantine-action-{sku}");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(form) = Submitted::of(&ev) {
            act.dispatch(QuarantineAct {
                sku: sku.clone(),
                quantity: form.text("quantity").unwrap_or_default(),
                action: form.text("action").unwrap_or_default(),
                reason: form.text("reason").unwrap_or_default(),
            });
        }
    };
    view! {
        <li class="card" data-sku=item.sku.clone()>
            <p>{title}</p>
            <form method="post" action=QuarantineAct::url() class="form" on:submit=submit>
                <label for=quantity_id.clone()>{td_string!(locale, returns_board.quantity_label)}</label>
                <input id=quantity_id name="quantity" type="number" inputmode="numeric" min="1"
                    max=item.quantity.to_string() value=item.quantity.to_string() required/>
                <label for=action_id.clone()>{td_string!(locale, returns_board.action_label)}</label>
                <select id=action_id name="action">
                    <option value="write_off">{td_string!(locale, returns_board.write_off)}</option>
                    <option value="send">{td_string!(locale, returns_board.send)}</option>
                    <option value="restock">{td_string!(locale, returns_board.restock)}</option>
                </select>
                <label for=reason_id.clone()>{td_string!(locale, returns_board.reason_label)}</label>
                <input id=reason_id name="reason" type="text" autocomplete="off"/>
                <button type="submit">{td_string!(locale, returns_board.apply)}</button>
            </form>
        </li>
    }
}
