//! The manager's stock desk for one SKU: receipt, adjustment, count,
//! transfer, and the movement history at their shop.

use crate::api::stock::{RecordMovement, get_product_stock, list_locations, movement_history};
use crate::components::feedback::{ErrorMessage, Loading};
use crate::components::request_key::RequestKeyField;
use crate::domain::time::format_paris;
use crate::model::{LocationKind, MovementLine};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

const REASONS: &[&str] = &[
    "Damaged",
    "Theft",
    "Found",
    "Supplier error",
    "Display sample",
    "Inventory correction",
];

#[component]
pub fn ManagePage() -> impl IntoView {
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
    let locations = Resource::new(|| (), |_| list_locations());
    let pending = record.pending();
    let outcome = record.value();

    view! {
        <Title text="Stock movements · Web-in-store"/>
        <p class="back"><a href=move || format!("/stock/{}", sku.get())>"← Product"</a></p>
        <section class="panel">
            <Transition fallback=|| view! { <Loading what="stock"/> }>
                {move || Suspend::new(async move {
                    match stock.await {
                        Err(error) => view! { <ErrorMessage error/> }.into_any(),
                        Ok(data) => {
                            let here = data.selected.locations.iter().find(|l| l.distance_km.is_none() && l.kind == LocationKind::Store).cloned();
                            view! {
                                <h1>{format!("Stock movements · {}", data.selected.sku)}</h1>
                                <p class="meta">{format!("{} · {} {}", data.product.name, data.selected.colour, data.selected.size)}</p>
                                {here.map(|h| view! {
                                    <dl class="figures" aria-label="This shop now">
                                        <div><dt>"On hand"</dt><dd data-figure="on-hand">{h.on_hand}</dd></div>
                                        <div><dt>"Reserved"</dt><dd data-figure="reserved">{h.reserved}</dd></div>
                                        <div><dt>"Safety"</dt><dd data-figure="safety">{h.safety}</dd></div>
                                        <div><dt>"Available"</dt><dd data-figure="available">{h.available}</dd></div>
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
            <h2>"Record a movement"</h2>
            <ActionForm action=record attr:class="form movement-form">
                <input type="hidden" name="sku" value=move || sku.get()/>
                <RequestKeyField outcome/>
                <fieldset>
                    <legend>"Kind"</legend>
                    <label class="choice"><input type="radio" name="kind" value="receipt" checked/>"Receipt"</label>
                    <label class="choice"><input type="radio" name="kind" value="adjustment"/>"Adjustment (+/−)"</label>
                    <label class="choice"><input type="radio" name="kind" value="count"/>"Count"</label>
                    <label class="choice"><input type="radio" name="kind" value="transfer"/>"Transfer out"</label>
                </fieldset>
                <label for="quantity">"Quantity (adjustment: negative to remove; count: the counted figure)"</label>
                <input id="quantity" name="quantity" type="text" inputmode="numeric" pattern="-?[0-9]+" required autocomplete="off"/>
                <label for="reason">"Reason (required for adjustments)"</label>
                <input id="reason" name="reason" type="text" list="reasons" maxlength="200" autocomplete="off"/>
                <datalist id="reasons">
                    {REASONS.iter().map(|r| view! { <option value=*r></option> }).collect_view()}
                </datalist>
                <label for="to_location">"Destination (transfers only)"</label>
                <select id="to_location" name="to_location">
                    <option value="">"—"</option>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            locations
                                .await
                                .unwrap_or_default()
                                .into_iter()
                                .map(|l| view! { <option value=l.id.clone()>{format!("{} ({})", l.name, l.id)}</option> })
                                .collect_view()
                        })}
                    </Transition>
                </select>
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {move || if pending.get() { "Saving…" } else { "Record" }}
                </button>
            </ActionForm>
            <div aria-live="polite">
                {move || outcome.get().map(|result| match result {
                    Ok(done) => view! { <p class="message success" role="status">{done.message}</p> }.into_any(),
                    Err(error) => view! { <ErrorMessage error/> }.into_any(),
                })}
            </div>

            </div>
            <div>
            <h2>"History at this shop"</h2>
            <Transition fallback=|| view! { <Loading what="history"/> }>
                {move || Suspend::new(async move {
                    match history.await {
                        Ok(lines) => view! { <HistoryTable lines/> }.into_any(),
                        Err(error) => view! { <ErrorMessage error/> }.into_any(),
                    }
                })}
            </Transition>
            </div>
            </div>
        </section>
    }
}

#[component]
fn HistoryTable(lines: Vec<MovementLine>) -> impl IntoView {
    if lines.is_empty() {
        return view! { <p class="hint">"No movement yet at this shop."</p> }.into_any();
    }
    let rows = lines
        .into_iter()
        .map(|line| {
            let signed = |n: i64| {
                if n > 0 {
                    format!("+{n}")
                } else {
                    n.to_string()
                }
            };
            view! {
                <tr data-seq=line.seq>
                    <td>{format_paris(line.at_ms)}</td>
                    <td>{line.kind.label()}</td>
                    <td class="num">{signed(line.on_hand_delta)}</td>
                    <td class="num">{signed(line.reserved_delta)}</td>
                    <td class="num">{line.on_hand_after}</td>
                    <td>{line.reason.unwrap_or_default()}</td>
                    <td>{line.actor}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="history">
            <thead>
                <tr>
                    <th scope="col">"When"</th>
                    <th scope="col">"What"</th>
                    <th scope="col" class="num">"On hand ±"</th>
                    <th scope="col" class="num">"Reserved ±"</th>
                    <th scope="col" class="num">"On hand after"</th>
                    <th scope="col">"Reason"</th>
                    <th scope="col">"By"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}
