//! The manager's stock desk for one SKU: receipt, adjustment, count,
//! transfer, and the movement history at their shop.

use crate::api::stock::{
    ManagerMovement, MovementDone, RecordMovement, get_product_stock, movement_history,
    transfer_destinations,
};
use crate::components::feedback::{ErrorMessage, Loading, Loads};
use crate::components::request_key::RequestKeyField;
use crate::domain::MovementKind;
use crate::domain::time::format_shop_time;
use crate::i18n::{Locale, t_string, use_i18n};
use crate::model::{LocationKind, MovementLine};
use crate::translate::use_lang;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ManagePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let sku = Memo::new(move |_| params.with(|p| p.get("sku").unwrap_or_default()));
    let record = ServerAction::<RecordMovement>::new();
    let version = record.version();
    let stock = Resource::new(
        move || (sku.get(), version.get()),
        |(sku, _)| get_product_stock(sku),
    );
    let history = Resource::new(
        move || (sku.get(), version.get()),
        |(sku, _)| movement_history(sku),
    );
    let destinations = Resource::new(|| (), |_| transfer_destinations());
    let pending = record.pending();
    let outcome = record.value();

    view! {
        <Title text=move || t_string!(i18n, manage.page_title).to_string()/>
        <p class="back"><a href=move || format!("/stock/{}", sku.get())>{move || t_string!(i18n, manage.back)}</a></p>
        <section class="panel">
            <Transition fallback=|| view! { <Loading what=Loads::Stock/> }>
                {move || Suspend::new(async move {
                    match stock.await {
                        Err(error) => view! { <ErrorMessage error/> }.into_any(),
                        Ok(data) => {
                            let here = data.selected.locations.iter().find(|l| l.distance_km.is_none() && l.kind == LocationKind::Store).cloned();
                            let code = data.selected.sku.clone();
                            let (product, colour, size) = (data.product.name.clone(), data.selected.colour.clone(), data.selected.size.clone());
                            view! {
                                <h1>{move || t_string!(i18n, manage.heading, sku = code.clone()).to_string()}</h1>
                                <p class="meta">
                                    {move || t_string!(i18n, manage.variant, product = product.clone(), colour = colour.clone(), size = size.clone()).to_string()}
                                </p>
                                {here.map(|h| view! {
                                    <dl class="figures" aria-label=move || t_string!(i18n, manage.figures_label)>
                                        <div><dt>{move || t_string!(i18n, manage.on_hand)}</dt><dd data-figure="on-hand">{h.on_hand}</dd></div>
                                        <div><dt>{move || t_string!(i18n, manage.reserved)}</dt><dd data-figure="reserved">{h.reserved}</dd></div>
                                        <div><dt>{move || t_string!(i18n, manage.safety)}</dt><dd data-figure="safety">{h.safety}</dd></div>
                                        <div><dt>{move || t_string!(i18n, manage.available)}</dt><dd data-figure="available">{h.available}</dd></div>
                                    </dl>
                                })}
                            }
                            .into_any()
                        }
                    }
                })}
            </Transition>

            <div class="manage-grid">
            <div>
            <h2>{move || t_string!(i18n, manage.record_heading)}</h2>
            <ActionForm action=record attr:class="form movement-form">
                <input type="hidden" name="sku" value=move || sku.get()/>
                <RequestKeyField outcome/>
                <fieldset>
                    <legend>{move || t_string!(i18n, manage.kind)}</legend>
                    <label class="choice"><input type="radio" name="kind" value="receipt" checked/>{move || t_string!(i18n, manage.receipt)}</label>
                    <label class="choice"><input type="radio" name="kind" value="adjustment"/>{move || t_string!(i18n, manage.adjustment)}</label>
                    <label class="choice"><input type="radio" name="kind" value="count"/>{move || t_string!(i18n, manage.count)}</label>
                    <label class="choice"><input type="radio" name="kind" value="transfer"/>{move || t_string!(i18n, manage.transfer)}</label>
                </fieldset>
                <label for="quantity">{move || t_string!(i18n, manage.quantity)}</label>
                <input id="quantity" name="quantity" type="text" inputmode="numeric" pattern="-?[0-9]+" required autocomplete="off"/>
                <label for="reason">{move || t_string!(i18n, manage.reason)}</label>
                <input id="reason" name="reason" type="text" list="reasons" maxlength="200" autocomplete="off"/>
                <datalist id="reasons">
                    <ReasonOptions/>
                </datalist>
                <label for="to_location">{move || t_string!(i18n, manage.destination)}</label>
                <select id="to_location" name="to_location">
                    <option value="">{move || t_string!(i18n, manage.no_destination)}</option>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            destinations
                                .await
                                .unwrap_or_default()
                                .into_iter()
                                .map(|l| view! { <option value=l.id.clone()>{format!("{} ({})", l.name, l.city)}</option> })
                                .collect_view()
                        })}
                    </Transition>
                </select>
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {move || if pending.get() { t_string!(i18n, manage.saving) } else { t_string!(i18n, manage.submit) }}
                </button>
            </ActionForm>
            <div aria-live="polite">
                {move || outcome.get().map(|result| match result {
                    Ok(done) => view! {
                        <p class="message success" role="status">{move || done_text(i18n, &done)}</p>
                    }.into_any(),
                    Err(error) => view! { <ErrorMessage error/> }.into_any(),
                })}
            </div>

            </div>
            <div>
            <h2 id="history-heading">{move || t_string!(i18n, manage.history_heading)}</h2>
            <Transition fallback=|| view! { <Loading what=Loads::History/> }>
                {move || Suspend::new(async move {
                    match history.await {
                        Ok(lines) => view! { <HistoryTable lines sku=sku.get_untracked()/> }.into_any(),
                        Err(error) => view! { <ErrorMessage error/> }.into_any(),
                    }
                })}
            </Transition>
            </div>
            </div>
        </section>
    }
}

/// The usual reasons for an adjustment, offered as the manager types, in
/// their language (the reason is kept as typed).
#[component]
fn ReasonOptions() -> impl IntoView {
    let i18n = use_i18n();
    let reasons = move || {
        [
            t_string!(i18n, manage.reasons.damaged),
            t_string!(i18n, manage.reasons.theft),
            t_string!(i18n, manage.reasons.found),
            t_string!(i18n, manage.reasons.supplier_error),
            t_string!(i18n, manage.reasons.display_sample),
            t_string!(i18n, manage.reasons.inventory_correction),
        ]
        .into_iter()
        .map(|reason| view! { <option value=reason.to_string()></option> })
        .collect_view()
    };
    view! { {reasons} }
}

/// The confirmation of a recorded movement, in the manager's language.
fn done_text(i18n: I18nContext<Locale>, done: &MovementDone) -> String {
    let MovementDone {
        sku,
        on_hand,
        available,
        quantity,
        ..
    } = done;
    let text = match done.kind {
        ManagerMovement::Receipt => {
            t_string!(i18n, manage.done_receipt, sku, on_hand, available).to_string()
        }
        ManagerMovement::Adjustment => {
            t_string!(i18n, manage.done_adjustment, sku, on_hand, available).to_string()
        }
        ManagerMovement::Count => {
            t_string!(i18n, manage.done_count, sku, on_hand, available).to_string()
        }
        ManagerMovement::Transfer => {
            let to = done.to.clone().unwrap_or_default();
            t_string!(i18n, manage.done_transfer, quantity, sku, to, on_hand).to_string()
        }
    };
    if done.replayed {
        format!("{text} {}", t_string!(i18n, manage.sent_twice))
    } else {
        text
    }
}

fn movement_label(i18n: I18nContext<Locale>, kind: MovementKind) -> String {
    match kind {
        MovementKind::Receipt => t_string!(i18n, movement.receipt),
        MovementKind::Sale => t_string!(i18n, movement.sale),
        MovementKind::Return => t_string!(i18n, movement.customer_return),
        MovementKind::Adjustment => t_string!(i18n, movement.adjustment),
        MovementKind::Count => t_string!(i18n, movement.count),
        MovementKind::TransferOut => t_string!(i18n, movement.transfer_out),
        MovementKind::TransferIn => t_string!(i18n, movement.transfer_in),
        MovementKind::Reservation => t_string!(i18n, movement.reservation),
        MovementKind::Release => t_string!(i18n, movement.release),
        MovementKind::Handover => t_string!(i18n, movement.handover),
    }
    .to_string()
}

#[component]
fn HistoryTable(lines: Vec<MovementLine>, sku: String) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    if lines.is_empty() {
        return view! { <p class="hint">{move || t_string!(i18n, manage.history_empty)}</p> }
            .into_any();
    }
    let signed = |n: i64| {
        if n > 0 {
            format!("+{n}")
        } else {
            n.to_string()
        }
    };
    let rows = lines
        .into_iter()
        .map(|line| {
            let kind = line.kind;
            let note = {
                let (reason, place) = (line.reason.clone(), line.counterpart.clone());
                move || match (&place, kind) {
                    (Some(place), MovementKind::TransferOut) => {
                        t_string!(i18n, manage.to_place, place = place.clone()).to_string()
                    }
                    (Some(place), _) => {
                        t_string!(i18n, manage.from_place, place = place.clone()).to_string()
                    }
                    (None, _) => reason.clone().unwrap_or_default(),
                }
            };
            let at = line.at_ms;
            view! {
                <tr data-seq=line.seq>
                    <td>{move || format_shop_time(at, lang.get())}</td>
                    <td>{move || movement_label(i18n, kind)}</td>
                    <td class="num">{signed(line.on_hand_delta)}</td>
                    <td class="num">{signed(line.reserved_delta)}</td>
                    <td class="num">{line.on_hand_after}</td>
                    <td>{note}</td>
                    <td>{line.actor}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        // Wide on a small screen: the table scrolls in its own box, which a
        // keyboard can reach and a screen reader can name.
        <div class="table-scroll" tabindex="0" role="region" aria-labelledby="history-heading">
            <table class="history">
                <caption class="visually-hidden">
                    {move || t_string!(i18n, manage.history_caption, sku = sku.clone()).to_string()}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">{move || t_string!(i18n, manage.when)}</th>
                        <th scope="col">{move || t_string!(i18n, manage.what)}</th>
                        <th scope="col" class="num">{move || t_string!(i18n, manage.on_hand_delta)}</th>
                        <th scope="col" class="num">{move || t_string!(i18n, manage.reserved_delta)}</th>
                        <th scope="col" class="num">{move || t_string!(i18n, manage.on_hand_after)}</th>
                        <th scope="col">{move || t_string!(i18n, manage.note)}</th>
                        <th scope="col">{move || t_string!(i18n, manage.by)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
