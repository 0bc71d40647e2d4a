//! The manager's stock desk for one SKU: receipt, adjustment, count,
//! transfer, and the movement history at their shop.

use crate::api::stock::{
    ManagerMovement, MovementDone, RecordMovement, get_product_stock, movement_history,
    transfer_destinations,
};
use crate::components::feedback::{ErrorMessage, Loading, Loads};
use crate::components::request_key::RequestKeyField;
use crate::components::submitted::Submitted;
use crate::domain::MovementKind;
use crate::domain::time::format_shop_time;
use crate::i18n::{Locale, td_string};
use crate::loaded::load;
use crate::model::{LocationKind, MovementLine};
use crate::translate::use_lang;
use crate::translate::use_locale;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ManagePage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let sku = Memo::new(move |_| params.with(|p| p.get("sku").unwrap_or_default()));
    let record = ServerAction::<RecordMovement>::new();
    let version = record.version();
    let stock = load(
        move || (sku.get(), version.get()),
        |(sku, _)| get_product_stock(sku),
    );
    let history = load(
        move || (sku.get(), version.get()),
        |(sku, _)| movement_history(sku),
    );
    let destinations = load(|| (), |_| transfer_destinations());
    let pending = record.pending();
    let outcome = record.value();

    view! {
        <Title text=td_string!(locale, manage.page_title).to_string()/>
        <p class="back"><a href=move || format!("/stock/{}", sku.get())>{td_string!(locale, manage.back)}</a></p>
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
                                <h1>{td_string!(locale, manage.heading, sku = code.clone()).to_string()}</h1>
                                <p class="meta">
                                    {td_string!(locale, manage.variant, product = product.clone(), colour = colour.clone(), size = size.clone()).to_string()}
                                </p>
                                {here.map(|h| view! {
                                    <dl class="figures" aria-label=td_string!(locale, manage.figures_label)>
                                        <div><dt>{td_string!(locale, manage.on_hand)}</dt><dd data-figure="on-hand">{h.on_hand}</dd></div>
                                        <div><dt>{td_string!(locale, manage.reserved)}</dt><dd data-figure="reserved">{h.reserved}</dd></div>
                                        <div><dt>{td_string!(locale, manage.safety)}</dt><dd data-figure="safety">{h.safety}</dd></div>
                                        <div><dt>{td_string!(locale, manage.available)}</dt><dd data-figure="available">{h.available}</dd></div>
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
            <h2>{td_string!(locale, manage.record_heading)}</h2>
            <form
                method="post"
                action=RecordMovement::url()
                class="form movement-form"
                on:submit=move |ev| {
                    ev.prevent_default();
                    if let Some(movement) = movement_of_form(&ev) {
                        record.dispatch(movement);
                    }
                }
            >
                <input type="hidden" name="sku" value=move || sku.get()/>
                <RequestKeyField outcome/>
                <fieldset>
                    <legend>{td_string!(locale, manage.kind)}</legend>
                    <label class="choice"><input type="radio" name="kind" value="receipt" checked/>{td_string!(locale, manage.receipt)}</label>
                    <label class="choice"><input type="radio" name="kind" value="adjustment"/>{td_string!(locale, manage.adjustment)}</label>
                    <label class="choice"><input type="radio" name="kind" value="count"/>{td_string!(locale, manage.count)}</label>
                    <label class="choice"><input type="radio" name="kind" value="transfer"/>{td_string!(locale, manage.transfer)}</label>
                </fieldset>
                <label for="quantity">{td_string!(locale, manage.quantity)}</label>
                <input id="quantity" name="quantity" type="text" inputmode="numeric" pattern="-?[0-9]+" required autocomplete="off"/>
                <label for="reason">{td_string!(locale, manage.reason)}</label>
                <input id="reason" name="reason" type="text" list="reasons" maxlength="200" autocomplete="off"/>
                <datalist id="reasons">
                    <ReasonOptions/>
                </datalist>
                <label for="to_location">{td_string!(locale, manage.destination)}</label>
                <select id="to_location" name="to_location">
                    <option value="">{td_string!(locale, manage.no_destination)}</option>
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
                    {move || if pending.get() { td_string!(locale, manage.saving) } else { td_string!(locale, manage.submit) }}
                </button>
            </form>
            <div aria-live="polite">
                {move || outcome.get().map(|result| match result {
                    Ok(done) => view! {
                        <p class="message success" role="status">{done_text(locale, &done)}</p>
                    }.into_any(),
                    Err(error) => view! { <ErrorMessage error/> }.into_any(),
                })}
            </div>

            </div>
            <div>
            <h2 id="history-heading">{td_string!(locale, manage.history_heading)}</h2>
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

/// The movement a submitted form asks for (read by hand: see
/// `components::submitted`).
fn movement_of_form(event: &leptos::ev::SubmitEvent) -> Option<RecordMovement> {
    let form = Submitted::of(event)?;
    Some(RecordMovement {
        sku: form.text("sku")?,
        kind: ManagerMovement::from_code(&form.text("kind")?)?,
        quantity: form.text("quantity").unwrap_or_default(),
        reason: form.text("reason"),
        to_location: form.text("to_location"),
        request_key: form.text("request_key"),
    })
}

/// The usual reasons for an adjustment, offered as the manager types, in
/// their language (the reason is kept as typed).
#[component]
fn ReasonOptions() -> impl IntoView {
    let locale = use_locale();
    let reasons = [
        td_string!(locale, manage.reasons.damaged),
        td_string!(locale, manage.reasons.theft),
        td_string!(locale, manage.reasons.found),
        td_string!(locale, manage.reasons.supplier_error),
        td_string!(locale, manage.reasons.display_sample),
        td_string!(locale, manage.reasons.inventory_correction),
    ]
    .into_iter()
    .map(|reason| view! { <option value=reason.to_string()></option> })
    .collect_view();
    view! { {reasons} }
}

/// The confirmation of a recorded movement, in the manager's language.
fn done_text(locale: Locale, done: &MovementDone) -> String {
    let MovementDone {
        sku,
        on_hand,
        available,
        quantity,
        ..
    } = done;
    let text = match done.kind {
        ManagerMovement::Receipt => {
            td_string!(locale, manage.done_receipt, sku, on_hand, available).to_string()
        }
        ManagerMovement::Adjustment => {
            td_string!(locale, manage.done_adjustment, sku, on_hand, available).to_string()
        }
        ManagerMovement::Count => {
            td_string!(locale, manage.done_count, sku, on_hand, available).to_string()
        }
        ManagerMovement::Transfer => {
            let to = done.to.clone().unwrap_or_default();
            td_string!(locale, manage.done_transfer, quantity, sku, to, on_hand).to_string()
        }
    };
    if done.replayed {
        format!("{text} {}", td_string!(locale, manage.sent_twice))
    } else {
        text
    }
}

fn movement_label(locale: Locale, kind: MovementKind) -> String {
    match kind {
        MovementKind::Receipt => td_string!(locale, movement.receipt),
        MovementKind::Sale => td_string!(locale, movement.sale),
        MovementKind::Return => td_string!(locale, movement.customer_return),
        MovementKind::Adjustment => td_string!(locale, movement.adjustment),
        MovementKind::Count => td_string!(locale, movement.count),
        MovementKind::TransferOut => td_string!(locale, movement.transfer_out),
        MovementKind::TransferIn => td_string!(locale, movement.transfer_in),
        MovementKind::Reservation => td_string!(locale, movement.reservation),
        MovementKind::Release => td_string!(locale, movement.release),
        MovementKind::Handover => td_string!(locale, movement.handover),
        MovementKind::WriteOff => td_string!(locale, movement.write_off),
        MovementKind::QuarantineRelease => td_string!(locale, movement.quarantine_release),
    }
    .to_string()
}

#[component]
fn HistoryTable(lines: Vec<MovementLine>, sku: String) -> impl IntoView {
    let locale = use_locale();
    let lang = use_lang();
    if lines.is_empty() {
        return view! { <p class="hint">{td_string!(locale, manage.history_empty)}</p> }.into_any();
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
                match (line.counterpart.clone(), kind) {
                    (Some(place), MovementKind::TransferOut) => {
                        td_string!(locale, manage.to_place, place = place).to_string()
                    }
                    (Some(place), _) => {
                        td_string!(locale, manage.from_place, place = place).to_string()
                    }
                    (None, _) => line.reason.clone().unwrap_or_default(),
                }
            };
            let at = line.at_ms;
            view! {
                <tr data-seq=line.seq>
                    <td>{format_shop_time(at, lang)}</td>
                    <td>{movement_label(locale, kind)}</td>
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
                    {td_string!(locale, manage.history_caption, sku = sku.clone()).to_string()}
                </caption>
                <thead>
                    <tr>
                        <th scope="col">{td_string!(locale, manage.when)}</th>
                        <th scope="col">{td_string!(locale, manage.what)}</th>
                        <th scope="col" class="num">{td_string!(locale, manage.on_hand_delta)}</th>
                        <th scope="col" class="num">{td_string!(locale, manage.reserved_delta)}</th>
                        <th scope="col" class="num">{td_string!(locale, manage.on_hand_after)}</th>
                        <th scope="col">{td_string!(locale, manage.note)}</th>
                        <th scope="col">{td_string!(locale, manage.by)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
