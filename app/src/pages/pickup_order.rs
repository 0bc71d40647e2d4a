//! One order to collect: its pick list scanned item by item, the shelf
//! slot that makes it ready, the handover at the counter (whole or in
//! part, with the customer's code or an ID check), or, at the location
//! holding its goods, sending them to the pickup shop.

use crate::api::pickups::{
    PickupAttend, PickupHandOver, PickupMissing, PickupScan, PickupSend, PickupStage, pickup_detail,
};
use crate::components::feedback::{ErrorMessage, Loading, Loads};
use crate::components::live_pickups::use_live_pickups;
use crate::components::request_key::new_request_key;
use crate::components::submitted::Submitted;
use crate::domain::order::OrderStatus;
use crate::domain::time::{format_shop_date, format_shop_time};
use crate::i18n::{Locale, td_string};
use crate::loaded::load;
use crate::model::pickup::{PickLine, PickupOrder};
use crate::pages::pickups::age_words;
use crate::translate::{lang_of, use_locale};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn status_words(locale: Locale, status: OrderStatus) -> String {
    match status {
        OrderStatus::Placed => td_string!(locale, pickups.status_placed),
        OrderStatus::Picking => td_string!(locale, pickups.status_picking),
        OrderStatus::Ready => td_string!(locale, pickups.status_ready),
        OrderStatus::PartiallyCollected => td_string!(locale, pickups.status_partial),
        OrderStatus::Completed => td_string!(locale, pickups.status_completed),
        OrderStatus::Expired => td_string!(locale, pickups.status_expired),
        OrderStatus::Cancelled => td_string!(locale, pickups.status_cancelled),
        OrderStatus::Shipped => td_string!(locale, pickups.status_placed),
    }
    .to_string()
}

#[component]
pub fn PickupOrderPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params.with(|p| {
            p.get("id")
                .and_then(|id| id.parse::<i64>().ok())
                .unwrap_or(0)
        })
    });
    let code = use_query_map()
        .with_untracked(|q| q.get("code"))
        .unwrap_or_default();
    let live = use_live_pickups();
    let scan = ServerAction::<PickupScan>::new();
    let missing = ServerAction::<PickupMissing>::new();
    let stage = ServerAction::<PickupStage>::new();
    let send = ServerAction::<PickupSend>::new();
    let attend = ServerAction::<PickupAttend>::new();
    let hand_over = ServerAction::<PickupHandOver>::new();
    let versions = move || {
        (
            id.get(),
            live.changes.get(),
            scan.version().get() + missing.version().get() + stage.version().get(),
            send.version().get() + attend.version().get() + hand_over.version().get(),
        )
    };
    let order = load(versions, |(id, ..)| pickup_detail(id));
    let errors = move || {
        [
            scan.value().get().and_then(Result::err),
            missing.value().get().and_then(Result::err),
            stage.value().get().and_then(Result::err),
            send.value().get().and_then(Result::err),
            attend.value().get().and_then(Result::err),
            hand_over.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    let handed = move || {
        hand_over.value().get().and_then(Result::ok).map(|order| {
            let text = if order.status == OrderStatus::Completed {
                td_string!(
                    locale,
                    pickups.handed_all,
                    reference = order.reference.clone()
                )
                .to_string()
            } else {
                td_string!(
                    locale,
                    pickups.handed_some,
                    reference = order.reference.clone(),
                    left = order.left_to_hand_over()
                )
                .to_string()
            };
            view! { <p class="message success" role="status" data-handed="true">{text}</p> }
        })
    };
    let staged = move || {
        stage.value().get().and_then(Result::ok).map(|order| {
            let text = td_string!(
                locale,
                pickups.staged,
                reference = order.reference.clone(),
                slot = order.slot.clone().unwrap_or_default()
            )
            .to_string();
            view! { <p class="message success" role="status">{text}</p> }
        })
    };
    let scanned = move || {
        scan.value().get().and_then(Result::ok).map(|order| {
            let text = td_string!(locale, pickups.scanned, left = order.left_to_pick()).to_string();
            view! { <p class="message success" role="status">{text}</p> }
        })
    };
    view! {
        <Title text=td_string!(locale, pickups.order_title).to_string()/>
        <p class="back"><a href="/pickups">{td_string!(locale, pickups.back)}</a></p>
        <div aria-live="assertive" class="pickup-feedback">
            {move || errors().map(|error| view! { <ErrorMessage error/> })}
            {scanned}
            {staged}
            {handed}
        </div>
        <Transition fallback=|| view! { <Loading what=Loads::Pickups/> }>
            {move || {
                let code = code.clone();
                Suspend::new(async move {
                    match order.await {
                        Err(error) => view! { <ErrorMessage error/> }.into_any(),
                        Ok(order) => view! {
                            <OrderBody order code scan missing stage send attend hand_over/>
                        }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[allow(clippy::too_many_arguments)]
#[component]
fn OrderBody(
    order: PickupOrder,
    code: String,
    scan: ServerAction<PickupScan>,
    missing: ServerAction<PickupMissing>,
    stage: ServerAction<PickupStage>,
    send: ServerAction<PickupSend>,
    attend: ServerAction<PickupAttend>,
    hand_over: ServerAction<PickupHandOver>,
) -> impl IntoView {
    let locale = use_locale();
    let lang = lang_of(locale);
    let id = order.fulfilment_id;
    let now = order.now_ms;
    let status = status_words(locale, order.status);
    let heading = td_string!(
        locale,
        pickups.order_heading,
        reference = order.reference.clone()
    )
    .to_string();
    let mut facts = vec![td_string!(locale, pickups.fact_status, status = status).to_string()];
    facts.push(
        td_string!(
            locale,
            pickups.fact_placed,
            when = format_shop_time(order.placed_at, lang),
            age = age_words(locale, now - order.placed_at)
        )
        .to_string(),
    );
    if order.source_location_id != order.pickup_location_id {
        facts.push(
            td_string!(
                locale,
                pickups.fact_from,
                from = order.source_name.clone(),
                to = order.pickup_name.clone()
            )
            .to_string(),
        );
    }
    if let Some(slot) = &order.slot {
        facts.push(td_string!(locale, pickups.fact_slot, slot = slot.clone()).to_string());
    }
    if let Some(by) = order.collect_by {
        facts.push(
            td_string!(
                locale,
                pickups.fact_collect_by,
                date = format_shop_date(by, lang)
            )
            .to_string(),
        );
    }
    let waiting = order.waiting_since.filter(|_| order.attended_by.is_none());
    let picking = matches!(order.status, OrderStatus::Placed | OrderStatus::Picking);
    let ready = matches!(
        order.status,
        OrderStatus::Ready | OrderStatus::PartiallyCollected
    );
    let to_send =
        !order.at_pickup_shop && order.status == OrderStatus::Placed && order.sent_at.is_none();
    let left_to_pick = order.left_to_pick();
    let pick_section = (order.at_pickup_shop && picking).then(|| {
        if !order.goods_here {
            let text = td_string!(
                locale,
                pickups.not_here_yet,
                from = order.source_name.clone()
            )
            .to_string();
            return view! { <p class="message">{text}</p> }.into_any();
        }
        view! { <PickSection order=order.clone() scan missing stage left=left_to_pick/> }.into_any()
    });
    let handover_section = (order.at_pickup_shop && ready)
        .then(|| view! { <HandoverSection order=order.clone() code=code.clone() hand_over/> });
    let send_section = to_send.then(|| {
        let text = td_string!(locale, pickups.send_to, shop = order.pickup_name.clone()).to_string();
        view! {
            <section class="panel">
                <h2>{td_string!(locale, pickups.send_heading)}</h2>
                <p>{text}</p>
                <button type="button" class="primary" on:click=move |_| { send.dispatch(PickupSend { id }); }>
                    {td_string!(locale, pickups.send)}
                </button>
            </section>
        }
    });
    let sent = order
        .parcel_code
        .clone()
        .filter(|_| order.received_at.is_none())
        .map(|parcel| {
            let text = td_string!(locale, pickups.parcel_sent, parcel = parcel).to_string();
            view! { <p class="message">{text}</p> }
        });
    view! {
        <section class="panel pickup-order" data-status=order.status.as_str()>
            <h1>{heading}</h1>
            <ul class="plain facts">
                {facts.into_iter().map(|fact| view! { <li>{fact}</li> }).collect_view()}
            </ul>
            {sent}
            {waiting.map(|since| {
                let text = td_string!(locale, pickups.customer_waiting, since = age_words(locale, now - since)).to_string();
                view! {
                    <div class="message warning" role="alert">
                        <p>{text}</p>
                        <button type="button" class="primary" on:click=move |_| { attend.dispatch(PickupAttend { id }); }>
                            {td_string!(locale, pickups.attend)}
                        </button>
                    </div>
                }
            })}
        </section>
        {send_section}
        {pick_section}
        {handover_section}
        <History order/>
    }
    // Erased: nested deeper than the release build's type limit.
    .into_any()
}

#[component]
fn PickSection(
    order: PickupOrder,
    scan: ServerAction<PickupScan>,
    missing: ServerAction<PickupMissing>,
    stage: ServerAction<PickupStage>,
    left: i64,
) -> impl IntoView {
    let locale = use_locale();
    let id = order.fulfilment_id;
    let rows = order
        .lines
        .iter()
        .cloned()
        .map(|line| view! { <PickRow id line missing/> })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="pick-heading">
            <h2 id="pick-heading">{td_string!(locale, pickups.pick_heading)}</h2>
            <form method="post" action=PickupScan::url() class="form search-row"
                on:submit=move |ev| {
                    ev.prevent_default();
                    if let Some(code) = Submitted::of(&ev).and_then(|f| f.text("code")) {
                        scan.dispatch(PickupScan { id, code });
                        ready_for_next_scan();
                    }
                }>
                <input type="hidden" name="id" value=id.to_string()/>
                <label for="pick-scan">{td_string!(locale, pickups.scan_label)}</label>
                <input id="pick-scan" name="code" type="text" autocomplete="off" autofocus required/>
                <button type="submit">{td_string!(locale, pickups.scan)}</button>
            </form>
            <table class="pick-list">
                <caption>{td_string!(locale, pickups.pick_caption, left = left)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{td_string!(locale, pickups.col_item)}</th>
                        <th scope="col">{td_string!(locale, pickups.col_ean)}</th>
                        <th scope="col">{td_string!(locale, pickups.col_ordered)}</th>
                        <th scope="col">{td_string!(locale, pickups.col_picked)}</th>
                        <th scope="col">{td_string!(locale, pickups.col_missing)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            {(left == 0 && order.status == OrderStatus::Picking).then(|| view! {
                <form method="post" action=PickupStage::url() class="form search-row"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        if let Some(slot) = Submitted::of(&ev).and_then(|f| f.text("slot")) {
                            stage.dispatch(PickupStage { id, slot });
                        }
                    }>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <label for="slot">{td_string!(locale, pickups.slot_label)}</label>
                    <input id="slot" name="slot" type="text" autocomplete="off" autocapitalize="characters"
                        placeholder="B12" required/>
                    <button type="submit" class="primary">{td_string!(locale, pickups.stage)}</button>
                </form>
            })}
        </section>
    }
    // Erased: nested deeper than the release build's type limit.
    .into_any()
}

#[component]
fn PickRow(id: i64, line: PickLine, missing: ServerAction<PickupMissing>) -> impl IntoView {
    let locale = use_locale();
    let item = format!("{}, {}, {}", line.product_name, line.colour, line.size);
    let to_pick = line.to_pick();
    let line_id = line.line_id;
    let quantity_id = format!("missing-{line_id}");
    let quantity_label =
        td_string!(locale, pickups.missing_quantity, item = item.clone()).to_string();
    let done = to_pick == 0;
    view! {
        <tr data-sku=line.sku.clone() data-done=done.to_string()>
            <th scope="row">{item.clone()}<br/><span class="sku">{line.sku.clone()}</span></th>
            <td>{line.ean.clone()}</td>
            <td>{line.coming()}</td>
            <td>{format!("{} / {}", line.picked, line.coming())}</td>
            <td>
                {(!done).then(|| view! {
                    <div class="missing">
                        <label class="visually-hidden" for=quantity_id.clone()>{quantity_label}</label>
                        <input id=quantity_id.clone() type="number" min="1" max=to_pick.to_string() value="1" inputmode="numeric"/>
                        <button type="button" on:click={
                            let quantity_id = quantity_id.clone();
                            move |_| {
                                let quantity = field_value(&quantity_id);
                                missing.dispatch(PickupMissing { id, line: line_id, quantity, what: "cancel".into() });
                            }
                        }>{td_string!(locale, pickups.missing_cancel)}</button>
                        <button type="button" on:click={
                            let quantity_id = quantity_id.clone();
                            move |_| {
                                let quantity = field_value(&quantity_id);
                                missing.dispatch(PickupMissing { id, line: line_id, quantity, what: "elsewhere".into() });
                            }
                        }>{td_string!(locale, pickups.missing_elsewhere)}</button>
                    </div>
                })}
            </td>
        </tr>
    }
    // Erased: nested deeper than the release build's type limit.
    .into_any()
}

/// Empties the scan field and keeps the focus in it, for the next item.
fn ready_for_next_scan() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Some(input) = document()
            .get_element_by_id("pick-scan")
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            input.set_value("");
            let _ = input.focus();
        }
    }
}

/// The text of an input, read when a button is pressed.
fn field_value(id: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        document()
            .get_element_by_id(id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|input| input.value())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = id;
        String::new()
    }
}

#[component]
fn HandoverSection(
    order: PickupOrder,
    code: String,
    hand_over: ServerAction<PickupHandOver>,
) -> impl IntoView {
    let locale = use_locale();
    let id = order.fulfilment_id;
    let key = RwSignal::new(new_request_key());
    // A fresh key once the server has answered (done or refused).
    Effect::new(move |_| {
        if hand_over.value().get().is_some() {
            key.set(new_request_key());
        }
    });
    let lines: Vec<PickLine> = order
        .lines
        .iter()
        .filter(|l| l.to_hand_over() > 0)
        .cloned()
        .collect();
    let line_ids: Vec<i64> = lines.iter().map(|l| l.line_id).collect();
    let rows = lines
        .into_iter()
        .map(|line| {
            let field = format!("take-{}", line.line_id);
            let label = td_string!(locale, pickups.take_label, item = format!("{}, {}, {}", line.product_name, line.colour, line.size)).to_string();
            view! {
                <li>
                    <label for=field.clone()>{label}</label>
                    <input id=field.clone() name=field type="number" min="0" max=line.to_hand_over().to_string()
                        value=line.to_hand_over().to_string() inputmode="numeric"/>
                    <span class="hint">{td_string!(locale, pickups.take_of, left = line.to_hand_over())}</span>
                </li>
            }
        })
        .collect_view();
    let id_check = order.id_check_allowed;
    view! {
        <section class="panel" aria-labelledby="handover-heading">
            <h2 id="handover-heading">{td_string!(locale, pickups.handover_heading)}</h2>
            <form method="post" action=PickupHandOver::url() class="form handover"
                on:submit=move |ev| {
                    ev.prevent_default();
                    let Some(form) = Submitted::of(&ev) else { return };
                    let quantities = line_ids
                        .iter()
                        .map(|line| format!("{line}:{}", form.text(&format!("take-{line}")).unwrap_or_default().trim()))
                        .collect::<Vec<_>>()
                        .join(",");
                    let code = form.text("code").filter(|c| !c.trim().is_empty());
                    let id_document = form.text("id_document").filter(|d| !d.trim().is_empty());
                    hand_over.dispatch(PickupHandOver {
                        id,
                        code,
                        id_document,
                        quantities,
                        rest: form.text("rest").unwrap_or_else(|| "keep".into()),
                        request_key: Some(key.get_untracked()),
                    });
                }>
                <ul class="plain take-lines">{rows}</ul>
                <label for="handover-code">{td_string!(locale, pickups.code_label)}</label>
                <input id="handover-code" name="code" type="text" inputmode="numeric" autocomplete="off" value=code/>
                {id_check.then(|| view! {
                    <label for="id-document">{td_string!(locale, pickups.id_label)}</label>
                    <select id="id-document" name="id_document">
                        <option value="">{td_string!(locale, pickups.id_none)}</option>
                        <option value="carte d'identité">{td_string!(locale, pickups.id_card)}</option>
                        <option value="passeport">{td_string!(locale, pickups.id_passport)}</option>
                        <option value="permis de conduire">{td_string!(locale, pickups.id_licence)}</option>
                    </select>
                    <p class="hint">{td_string!(locale, pickups.id_hint)}</p>
                })}
                <fieldset>
                    <legend>{td_string!(locale, pickups.rest_legend)}</legend>
                    <label><input type="radio" name="rest" value="keep" checked/>{td_string!(locale, pickups.rest_keep)}</label>
                    <label><input type="radio" name="rest" value="cancel"/>{td_string!(locale, pickups.rest_cancel)}</label>
                </fieldset>
                <button type="submit" class="primary">{td_string!(locale, pickups.hand_over)}</button>
            </form>
        </section>
    }
    // Erased: nested deeper than the release build's type limit.
    .into_any()
}

#[component]
fn History(order: PickupOrder) -> impl IntoView {
    let locale = use_locale();
    let lang = lang_of(locale);
    if order.handovers.is_empty() {
        return ().into_any();
    }
    view! {
        <section class="panel">
            <h2>{td_string!(locale, pickups.handovers_heading)}</h2>
            <ul class="plain">
                {order.handovers.into_iter().map(|h| {
                    let proof = match h.id_document {
                        Some(document) => td_string!(locale, pickups.proof_id, document = document).to_string(),
                        None => td_string!(locale, pickups.proof_code).to_string(),
                    };
                    let text = td_string!(locale, pickups.handover_line, when = format_shop_time(h.at_ms, lang),
                        who = h.actor, units = h.units, proof = proof).to_string();
                    view! { <li>{text}</li> }
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}
