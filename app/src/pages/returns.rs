//! Returns at the counter: the order found by its reference (typed, or
//! the QR of its confirmation or receipt scanned), what each line allows,
//! the items taken back with a reason and their condition, the money given
//! back the way chosen, and the receipt. A late return waits for a
//! manager's approval, which arrives live.

use crate::api::returns::{
    ReturnAskApproval, ReturnRecord, TransferReceive, return_lookup, return_receipt_of,
    transfers_incoming,
};
use crate::components::feedback::{ErrorMessage, Loading, Loads};
use crate::components::live_pickups::use_live_pickups;
use crate::components::request_key::new_request_key;
use crate::components::return_words::{condition_words, disposition_words, reason_words};
use crate::components::submitted::Submitted;
use crate::domain::Cents;
use crate::domain::basket::PaymentMethod;
use crate::domain::returns::{ItemCondition, RefundMethod, ReturnReason, Verdict};
use crate::domain::time::format_shop_date;
use crate::i18n::{Locale, td_string};
use crate::loaded::load;
use crate::model::returns::{
    ApprovalStatus, ExchangeFormLine, ReturnForm, ReturnFormLine, ReturnOrder, ReturnReceipt,
    ReturnableLine,
};
use crate::translate::{lang_of, use_locale};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/returns`: find the order (its reference, or its QR scanned anywhere),
/// and the parcels of returns to receive here.
#[component]
pub fn ReturnsHome() -> impl IntoView {
    let locale = use_locale();
    let receive = ServerAction::<TransferReceive>::new();
    let incoming = load(move || receive.version().get(), |_| transfers_incoming());
    let open = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(reference) = Submitted::of(&ev).and_then(|f| f.text("reference")) {
            let reference = reference.trim().to_ascii_uppercase();
            if !reference.is_empty() {
                leptos_router::hooks::use_navigate()(
                    &format!("/returns/order/{reference}"),
                    Default::default(),
                );
            }
        }
    };
    view! {
        <Title text=td_string!(locale, returns.page_title).to_string()/>
        <h1>{td_string!(locale, returns.page_title)}</h1>
        <section class="panel">
            <h2>{td_string!(locale, returns.find_heading)}</h2>
            <form method="get" action="/returns/open" class="form search-row" on:submit=open>
                <label for="return-reference">{td_string!(locale, returns.reference_label)}</label>
                <input id="return-reference" name="reference" type="text" autocomplete="off"
                    autocapitalize="characters" placeholder="WEB-0000123" required/>
                <button type="submit" class="primary">{td_string!(locale, returns.open)}</button>
            </form>
            <p class="hint">{td_string!(locale, returns.find_hint)}</p>
            <p><a href="/customers">{td_string!(locale, returns.find_customer)}</a></p>
        </section>
        <section class="panel" aria-labelledby="incoming-heading">
            <h2 id="incoming-heading">{td_string!(locale, returns.incoming_heading)}</h2>
            {move || receive.value().get().map(|outcome| match outcome {
                Ok(_) => view! { <p class="message success" role="status">{td_string!(locale, returns.received)}</p> }.into_any(),
                Err(error) => view! { <ErrorMessage error/> }.into_any(),
            })}
            <form method="post" action=TransferReceive::url() class="form search-row"
                on:submit=move |ev| {
                    ev.prevent_default();
                    if let Some(code) = Submitted::of(&ev).and_then(|f| f.text("code")) {
                        receive.dispatch(TransferReceive { code });
                    }
                }>
                <label for="parcel-code">{td_string!(locale, returns.parcel_label)}</label>
                <input id="parcel-code" name="code" type="text" autocomplete="off" autocapitalize="characters"
                    placeholder="RET-0000001" required/>
                <button type="submit">{td_string!(locale, returns.receive)}</button>
            </form>
            <Transition fallback=|| view! { <Loading what=Loads::Returns/> }>
                {move || Suspend::new(async move {
                    match incoming.await {
                        Err(error) => view! { <ErrorMessage error/> }.into_any(),
                        Ok(items) if items.is_empty() => view! {
                            <p class="hint">{td_string!(locale, returns.incoming_none)}</p>
                        }.into_any(),
                        Ok(items) => view! {
                            <ul class="plain cards">
                                {items.into_iter().map(|item| {
                                    let text = td_string!(locale, returns.incoming_item,
                                        parcel = item.parcel_code.clone(), quantity = item.quantity,
                                        product = item.product_name.clone(), sku = item.sku.clone(),
                                        from = item.from_name.clone()).to_string();
                                    view! { <li class="card">{text}</li> }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
    .into_any()
}

/// `/returns/order/:reference`: the order brought back and its return.
#[component]
pub fn ReturnOrderPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let reference = Memo::new(move |_| params.with(|p| p.get("reference").unwrap_or_default()));
    let live = use_live_pickups();
    let record = ServerAction::<ReturnRecord>::new();
    let ask = ServerAction::<ReturnAskApproval>::new();
    let order = load(
        move || (reference.get(), live.changes.get(), ask.version().get()),
        |(reference, ..)| return_lookup(reference),
    );
    view! {
        <Title text=td_string!(locale, returns.order_title).to_string()/>
        <p class="back"><a href="/returns">{td_string!(locale, returns.back)}</a></p>
        <div aria-live="assertive">
            {move || record.value().get().and_then(Result::err).map(|error| view! { <ErrorMessage error/> })}
            {move || ask.value().get().and_then(Result::err).map(|error| view! { <ErrorMessage error/> })}
        </div>
        {move || match record.value().get() {
            Some(Ok(receipt)) => view! { <ReceiptView receipt/> }.into_any(),
            _ => view! {
                <Transition fallback=|| view! { <Loading what=Loads::Returns/> }>
                    {move || Suspend::new(async move {
                        match order.await {
                            Err(error) => view! { <ErrorMessage error/> }.into_any(),
                            Ok(order) => view! { <ReturnFormView order record ask/> }.into_any(),
                        }
                    })}
                </Transition>
            }.into_any(),
        }}
    }
    .into_any()
}

fn verdict_words(locale: Locale, line: &ReturnableLine) -> String {
    let lang = lang_of(locale);
    match line.verdict {
        Verdict::Open { until } => td_string!(
            locale,
            returns.verdict_open,
            count = line.returnable,
            date = format_shop_date(until, lang)
        )
        .to_string(),
        Verdict::WindowClosed { closed_at } => td_string!(
            locale,
            returns.verdict_closed,
            date = format_shop_date(closed_at, lang)
        )
        .to_string(),
        Verdict::FinalSale => td_string!(locale, returns.verdict_final_sale).to_string(),
        Verdict::Nothing if line.not_delivered > 0 => td_string!(
            locale,
            returns.verdict_not_delivered,
            count = line.not_delivered
        )
        .to_string(),
        Verdict::Nothing => td_string!(locale, returns.verdict_nothing).to_string(),
    }
}

#[component]
fn ReturnFormView(
    order: ReturnOrder,
    record: ServerAction<ReturnRecord>,
    ask: ServerAction<ReturnAskApproval>,
) -> impl IntoView {
    let locale = use_locale();
    let lang = lang_of(locale);
    let reference = order.reference.clone();
    let heading =
        td_string!(locale, returns.order_heading, reference = reference.clone()).to_string();
    let mut facts = vec![
        td_string!(
            locale,
            returns.fact_placed,
            date = format_shop_date(order.created_at, lang)
        )
        .to_string(),
        td_string!(
            locale,
            returns.fact_paid,
            paid = order.paid_total.format(lang),
            refunded = order.refunded_total.format(lang)
        )
        .to_string(),
    ];
    if let Some(name) = &order.customer_name {
        let credit = order.store_credit.unwrap_or_default().format(lang);
        facts.push(
            td_string!(
                locale,
                returns.fact_customer,
                name = name.clone(),
                credit = credit
            )
            .to_string(),
        );
    }
    if order.delivery_fee != Cents(0) {
        facts.push(
            td_string!(
                locale,
                returns.fact_fee,
                fee = order.delivery_fee.format(lang)
            )
            .to_string(),
        );
    }
    let late = order
        .lines
        .iter()
        .any(|l| matches!(l.verdict, Verdict::WindowClosed { .. }));
    let approval = order.approval.clone();
    let approved_id = approval
        .as_ref()
        .filter(|a| a.status == ApprovalStatus::Approved)
        .map(|a| a.id);
    let open_lines: Vec<ReturnableLine> = order
        .lines
        .iter()
        .filter(|l| {
            matches!(l.verdict, Verdict::Open { .. })
                || (matches!(l.verdict, Verdict::WindowClosed { .. }) && approved_id.is_some())
        })
        .cloned()
        .collect();
    let line_ids: Vec<i64> = open_lines.iter().map(|l| l.line_id).collect();
    let has_customer = order.customer_id.is_some();
    let methods = order.payment_methods.join(", ");
    let pending = record.pending();
    let form_reference = reference.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let Some(form) = Submitted::of(&ev) else {
            return;
        };
        let lines = line_ids
            .iter()
            .filter_map(|id| {
                let quantity = form
                    .text(&format!("quantity-{id}"))
                    .and_then(|q| q.trim().parse::<i64>().ok())
                    .unwrap_or(0);
                (quantity != 0).then(|| ReturnFormLine {
                    line_id: *id,
                    quantity,
                    reason: form.text(&format!("reason-{id}")).unwrap_or_default(),
                    note: form.text(&format!("note-{id}")).unwrap_or_default(),
                    condition: form.text(&format!("condition-{id}")).unwrap_or_default(),
                })
            })
            .collect::<Vec<_>>();
        // An item chosen in exchange replaces the units returned of its line.
        let exchange = lines
            .iter()
            .filter(|line| line.quantity > 0)
            .filter_map(|line| {
                let sku = form
                    .text(&format!("exchange-{}", line.line_id))
                    .filter(|s| !s.is_empty())?;
                Some(ExchangeFormLine {
                    sku,
                    quantity: line.quantity,
                })
            })
            .collect();
        record.dispatch(ReturnRecord {
            form: ReturnForm {
                reference: form_reference.clone(),
                lines,
                refund: form.text("refund").unwrap_or_default(),
                payment_reference: form.text("payment_reference").unwrap_or_default(),
                approval_id: approved_id,
                exchange,
                exchange_method: form.text("exchange_method").unwrap_or_default(),
                exchange_payment_reference: form
                    .text("exchange_payment_reference")
                    .unwrap_or_default(),
                request_key: form.text("request_key").unwrap_or_default(),
            },
        });
    };
    let request_key = RwSignal::new(new_request_key());
    Effect::new(move |_| {
        if record
            .value()
            .with(|v| v.as_ref().is_some_and(|r| r.is_ok()))
        {
            request_key.set(new_request_key());
        }
    });
    let approval_section = late.then(|| {
        let reference = reference.clone();
        let status = approval.as_ref().map(|a| match a.status {
            ApprovalStatus::Asked => td_string!(locale, returns.approval_asked, by = a.requested_by.clone()).to_string(),
            ApprovalStatus::Approved => td_string!(locale, returns.approval_given,
                by = a.decided_by.clone().unwrap_or_default()).to_string(),
            ApprovalStatus::Refused => td_string!(locale, returns.approval_refused,
                by = a.decided_by.clone().unwrap_or_default(),
                note = a.decision_note.clone().unwrap_or_default()).to_string(),
            ApprovalStatus::Used => td_string!(locale, returns.approval_used).to_string(),
        });
        let may_ask = approval
            .as_ref()
            .is_none_or(|a| matches!(a.status, ApprovalStatus::Refused | ApprovalStatus::Used));
        view! {
            <section class="panel" aria-labelledby="approval-heading">
                <h2 id="approval-heading">{td_string!(locale, returns.approval_heading)}</h2>
                {status.map(|text| view! { <p class="message" role="status" data-approval="true">{text}</p> })}
                {may_ask.then(|| view! {
                    <form method="post" action=ReturnAskApproval::url() class="form"
                        on:submit=move |ev| {
                            ev.prevent_default();
                            if let Some(why) = Submitted::of(&ev).and_then(|f| f.text("why")) {
                                ask.dispatch(ReturnAskApproval { reference: reference.clone(), why });
                            }
                        }>
                        <label for="approval-why">{td_string!(locale, returns.approval_why)}</label>
                        <input id="approval-why" name="why" type="text" autocomplete="off" required/>
                        <button type="submit">{td_string!(locale, returns.approval_ask)}</button>
                    </form>
                })}
            </section>
        }
    });
    let rows = order
        .lines
        .iter()
        .map(|line| {
            let can = open_lines.iter().any(|l| l.line_id == line.line_id);
            view! { <LineRow line=line.clone() can/> }
        })
        .collect_view();
    let past = (!order.past_returns.is_empty()).then(|| {
        view! {
            <section class="panel">
                <h2>{td_string!(locale, returns.past_heading)}</h2>
                <ul class="plain">
                    {order.past_returns.iter().map(|r| {
                        let text = td_string!(locale, returns.past_item,
                            reference = r.reference.clone(), date = format_shop_date(r.created_at, lang),
                            shop = r.location_name.clone(), by = r.created_by.clone(), units = r.units,
                            refund = r.refund.format(lang)).to_string();
                        let href = format!("/returns/receipt/{}", r.reference);
                        view! { <li><a href=href>{text}</a></li> }
                    }).collect_view()}
                </ul>
            </section>
        }
    });
    let nothing = open_lines.is_empty();
    let exchangeable = open_lines
        .iter()
        .any(|l| l.returnable > 0 && !l.exchange_options.is_empty());
    let exchange_section = exchangeable.then(|| {
        let methods = [PaymentMethod::Card, PaymentMethod::Cash, PaymentMethod::GiftCard]
            .into_iter()
            .map(|m| {
                let words = match m {
                    PaymentMethod::Card => td_string!(locale, basket.method_card),
                    PaymentMethod::GiftCard => td_string!(locale, basket.method_gift_card),
                    _ => td_string!(locale, basket.method_cash),
                };
                view! {
                    <label class="choice">
                        <input type="radio" name="exchange_method" value=m.as_str() checked=m == PaymentMethod::Card/>
                        {words}
                    </label>
                }
            })
            .collect_view();
        view! {
            <fieldset>
                <legend>{td_string!(locale, returns.exchange_legend)}</legend>
                <p class="hint">{td_string!(locale, returns.exchange_hint)}</p>
                {methods}
            </fieldset>
            <label for="exchange-reference">{td_string!(locale, returns.exchange_reference)}</label>
            <input id="exchange-reference" name="exchange_payment_reference" type="text" autocomplete="off"/>
        }
    });
    view! {
        <section class="panel return-order">
            <h1>{heading}</h1>
            <ul class="plain facts">
                {facts.into_iter().map(|fact| view! { <li>{fact}</li> }).collect_view()}
            </ul>
        </section>
        {approval_section}
        <form method="post" class="form return-form" on:submit=submit>
            <input type="hidden" name="request_key" value=move || request_key.get()/>
            <section class="panel" aria-labelledby="lines-heading">
                <h2 id="lines-heading">{td_string!(locale, returns.lines_heading)}</h2>
                <ul class="plain return-lines">{rows}</ul>
            </section>
            {(!nothing).then(|| view! {
                <section class="panel">
                    <fieldset>
                        <legend>{td_string!(locale, returns.refund_legend)}</legend>
                        <label class="choice">
                            <input type="radio" name="refund" value=RefundMethod::OriginalPayment.as_str() checked/>
                            {td_string!(locale, returns.refund_original, methods = methods.clone())}
                        </label>
                        <label class="choice">
                            <input type="radio" name="refund" value=RefundMethod::StoreCredit.as_str() disabled=!has_customer/>
                            {if has_customer {
                                td_string!(locale, returns.refund_credit).to_string()
                            } else {
                                td_string!(locale, returns.refund_credit_no_customer).to_string()
                            }}
                        </label>
                    </fieldset>
                    {exchange_section}
                    <label for="payment-reference">{td_string!(locale, returns.terminal_reference)}</label>
                    <input id="payment-reference" name="payment_reference" type="text" autocomplete="off"/>
                    <button type="submit" class="primary" disabled=move || pending.get()>
                        {move || if pending.get() {
                            td_string!(locale, returns.recording).to_string()
                        } else {
                            td_string!(locale, returns.record).to_string()
                        }}
                    </button>
                </section>
            })}
        </form>
        {past}
    }
    .into_any()
}

#[component]
fn LineRow(line: ReturnableLine, can: bool) -> impl IntoView {
    let locale = use_locale();
    let lang = lang_of(locale);
    let id = line.line_id;
    let title = format!("{} · {} · {}", line.product_name, line.colour, line.size);
    let facts = td_string!(
        locale,
        returns.line_facts,
        sku = line.sku.clone(),
        quantity = line.quantity,
        delivered = line.delivered,
        returned = line.returned,
        unit = line.unit_refund.format(lang)
    )
    .to_string();
    let verdict = verdict_words(locale, &line);
    // Units still waiting at a pickup are given up there (refunded, the
    // customer told), not taken back.
    let cancel_there = line.open_pickup.map(|pickup| {
        view! {
            <p><a class="button" href=format!("/pickups/{pickup}")>
                {td_string!(locale, returns.cancel_at_pickup)}
            </a></p>
        }
    });
    let quantity_label = td_string!(
        locale,
        returns.quantity_label,
        product = line.product_name.clone()
    )
    .to_string();
    let controls = (can && line.returnable > 0).then(|| {
        let reasons = ReturnReason::ALL
            .into_iter()
            .map(|r| view! { <option value=r.as_str()>{reason_words(locale, r)}</option> })
            .collect_view();
        let conditions = ItemCondition::ALL
            .into_iter()
            .map(|c| {
                let checked = c == ItemCondition::Resellable;
                view! {
                    <label class="choice">
                        <input type="radio" name=format!("condition-{id}") value=c.as_str() checked=checked/>
                        {condition_words(locale, c)}
                    </label>
                }
            })
            .collect_view();
        let exchange = (!line.exchange_options.is_empty()).then(|| {
            let label = td_string!(locale, returns.exchange_label, product = line.product_name.clone()).to_string();
            let options = line
                .exchange_options
                .iter()
                .map(|o| {
                    let text = td_string!(locale, returns.exchange_option,
                        colour = o.colour.clone(), size = o.size.clone(),
                        price = o.price.format(lang), available = o.available).to_string();
                    view! { <option value=o.sku.clone()>{text}</option> }
                })
                .collect_view();
            view! {
                <label for=format!("exchange-{id}")>{label}</label>
                <select id=format!("exchange-{id}") name=format!("exchange-{id}")>
                    <option value="">{td_string!(locale, returns.exchange_none)}</option>
                    {options}
                </select>
            }
        });
        view! {
            <div class="return-controls">
                <label for=format!("quantity-{id}")>{quantity_label.clone()}</label>
                <input id=format!("quantity-{id}") name=format!("quantity-{id}") type="number" inputmode="numeric"
                    min="0" max=line.returnable.to_string() value="0"/>
                <label for=format!("reason-{id}")>{td_string!(locale, returns.reason_label)}</label>
                <select id=format!("reason-{id}") name=format!("reason-{id}")>{reasons}</select>
                <label for=format!("note-{id}")>{td_string!(locale, returns.note_label)}</label>
                <input id=format!("note-{id}") name=format!("note-{id}") type="text" autocomplete="off"/>
                <fieldset>
                    <legend>{td_string!(locale, returns.condition_legend)}</legend>
                    {conditions}
                </fieldset>
                {exchange}
            </div>
        }
    });
    view! {
        <li class="card return-line" data-sku=line.sku.clone()>
            <h3>{title}</h3>
            <p>{facts}</p>
            <p class="verdict">{verdict}</p>
            {cancel_there}
            {controls}
        </li>
    }
    .into_any()
}

#[component]
fn ReceiptView(receipt: ReturnReceipt) -> impl IntoView {
    let locale = use_locale();
    let lang = lang_of(locale);
    let done = td_string!(
        locale,
        returns.recorded,
        reference = receipt.reference.clone(),
        refund = receipt.refund.format(lang)
    )
    .to_string();
    let href = format!("/returns/receipt/{}", receipt.reference);
    view! {
        <p class="message success" role="status" data-returned="true">{done}</p>
        <ReceiptBody receipt/>
        <p><a class="button" href=href>{td_string!(locale, returns.print_receipt)}</a></p>
    }
    .into_any()
}

#[component]
fn ReceiptBody(receipt: ReturnReceipt) -> impl IntoView {
    let locale = use_locale();
    let lang = lang_of(locale);
    let heading = td_string!(
        locale,
        returns.receipt_heading,
        reference = receipt.reference.clone()
    )
    .to_string();
    let intro = td_string!(
        locale,
        returns.receipt_intro,
        order = receipt.order_reference.clone(),
        shop = receipt.location_name.clone(),
        date = format_shop_date(receipt.created_at, lang),
        by = receipt.created_by.clone()
    )
    .to_string();
    let rest = Cents(receipt.refund.0 - receipt.applied_to_exchange.0);
    let money = match receipt.refund_method {
        RefundMethod::StoreCredit => td_string!(
            locale,
            returns.money_credit,
            amount = rest.format(lang),
            balance = receipt.store_credit_after.unwrap_or_default().format(lang)
        )
        .to_string(),
        RefundMethod::OriginalPayment => td_string!(
            locale,
            returns.money_original,
            amount = rest.format(lang),
            method = receipt.payment_method.clone().unwrap_or_default(),
            reference = receipt.payment_reference.clone().unwrap_or_default()
        )
        .to_string(),
    };
    let fee = (receipt.delivery_fee != Cents(0)).then(|| {
        td_string!(
            locale,
            returns.money_fee,
            fee = receipt.delivery_fee.format(lang)
        )
        .to_string()
    });
    let exchange = receipt.exchange_reference.clone().map(|reference| {
        td_string!(
            locale,
            returns.money_exchange,
            amount = receipt.applied_to_exchange.format(lang),
            reference = reference,
            paid = receipt.exchange_paid.format(lang)
        )
        .to_string()
    });
    view! {
        <section class="panel receipt" aria-labelledby="receipt-heading">
            <h2 id="receipt-heading">{heading}</h2>
            <p>{intro}</p>
            <table>
                <thead>
                    <tr>
                        <th scope="col">{td_string!(locale, returns.col_item)}</th>
                        <th scope="col">{td_string!(locale, returns.col_quantity)}</th>
                        <th scope="col">{td_string!(locale, returns.col_reason)}</th>
                        <th scope="col">{td_string!(locale, returns.col_goes)}</th>
                        <th scope="col">{td_string!(locale, returns.col_refund)}</th>
                    </tr>
                </thead>
                <tbody>
                    {receipt.lines.iter().map(|line| {
                        let reason = match &line.reason_note {
                            Some(note) => format!("{} ({note})", reason_words(locale, line.reason)),
                            None => reason_words(locale, line.reason),
                        };
                        view! {
                            <tr>
                                <td>{format!("{} · {} · {} ({})", line.product_name, line.colour, line.size, line.sku)}</td>
                                <td>{line.quantity}</td>
                                <td>{reason}</td>
                                <td>{format!("{} — {}", condition_words(locale, line.condition), disposition_words(locale, line.disposition))}</td>
                                <td>{line.refund.format(lang)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {fee.map(|text| view! { <p>{text}</p> })}
            {exchange.map(|text| view! { <p>{text}</p> })}
            <p class="total">{money}</p>
        </section>
    }
    .into_any()
}

/// `/returns/receipt/:reference`: the printable receipt.
#[component]
pub fn ReturnReceiptPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let reference = Memo::new(move |_| params.with(|p| p.get("reference").unwrap_or_default()));
    let receipt = load(move || reference.get(), return_receipt_of);
    view! {
        <Title text=td_string!(locale, returns.receipt_title).to_string()/>
        <p class="back no-print"><a href="/returns">{td_string!(locale, returns.back)}</a></p>
        <Transition fallback=|| view! { <Loading what=Loads::Returns/> }>
            {move || Suspend::new(async move {
                match receipt.await {
                    Err(error) => view! { <ErrorMessage error/> }.into_any(),
                    Ok(receipt) => view! {
                        <ReceiptBody receipt/>
                        <button type="button" class="primary no-print" on:click=|_| print_page()>
                            {td_string!(locale, returns.print)}
                        </button>
                    }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

fn print_page() {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}
