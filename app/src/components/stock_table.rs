use super::feedback::{ErrorMessage, Loading, Loads};
use super::live::LiveStock;
use crate::api::stock::StockHolds as StockHoldsCall;
use crate::counted;
use crate::domain::geo::format_km;
use crate::domain::order::Fulfilment;
use crate::domain::time::format_shop_time;
use crate::i18n::td_string;
use crate::model::basket::ReservedHere;
use crate::model::{LocationKind, LocationStock, SkuStock};
use crate::translate::use_lang;
use crate::translate::use_locale;
use leptos::prelude::*;

/// One SKU's stock everywhere: this shop first, then other shops nearest
/// first, then warehouses. Figures update live.
#[component]
pub fn StockTable(stock: SkuStock, live: LiveStock) -> impl IntoView {
    let locale = use_locale();
    let sku = stock.sku.clone();
    // One list of what holds the stock, under the table, for the location
    // whose reserved figure was tapped last.
    let open: RwSignal<Option<String>> = RwSignal::new(None);
    let holds = ServerAction::<StockHoldsCall>::new();
    let rows = stock
        .locations
        .into_iter()
        .map(|row| view! { <StockRow sku=sku.clone() row live open holds/> })
        .collect_view();
    view! {
        <table class="stock-table">
            <caption class="visually-hidden">
                {td_string!(locale, stock_table.caption, sku = sku.clone()).to_string()}
            </caption>
            <thead>
                <tr>
                    <th scope="col">{td_string!(locale, stock_table.location)}</th>
                    <th scope="col" class="num">{td_string!(locale, stock_table.distance)}</th>
                    <th scope="col" class="num">{td_string!(locale, stock_table.on_hand)}</th>
                    <th scope="col" class="num">{td_string!(locale, stock_table.reserved)}</th>
                    <th scope="col" class="num">{td_string!(locale, stock_table.available)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <div id=HOLDS_ID class="holds-panel" hidden=move || open.get().is_none()>
            {move || open.get().map(|location| match holds.value().get() {
                Some(Err(error)) => view! { <ErrorMessage error/> }.into_any(),
                // The answer for another location tapped before: not this one's.
                Some(Ok(held)) if held.location_id == location => view! { <HoldsList held/> }.into_any(),
                _ => view! { <Loading what=Loads::Stock/> }.into_any(),
            })}
        </div>
        <p class="hint table-note">{td_string!(locale, stock_table.note)}</p>
    }
}

/// The element listing what holds a location's stock.
const HOLDS_ID: &str = "stock-holds";

#[component]
fn StockRow(
    sku: String,
    row: LocationStock,
    live: LiveStock,
    open: RwSignal<Option<String>>,
    holds: ServerAction<StockHoldsCall>,
) -> impl IntoView {
    let locale = use_locale();
    let location = row.location_id.clone();
    let loaded = (row.on_hand, row.reserved, row.available);
    let loaded_seq = row.last_seq;
    let pushed = {
        let (sku, location) = (sku.clone(), location.clone());
        Memo::new(move |_| {
            live.newer(&sku, &location, loaded_seq)
                .map(|e| (e.on_hand, e.reserved, e.available))
        })
    };
    let figures = move || pushed.get().unwrap_or(loaded);
    let is_here = row.distance_km.is_none() && row.kind == LocationKind::Store;
    let is_warehouse = row.kind == LocationKind::Warehouse;
    let place = if is_warehouse {
        td_string!(locale, stock_table.warehouse).to_string()
    } else if is_here {
        td_string!(locale, stock_table.this_shop).to_string()
    } else {
        row.city.clone()
    };
    let distance = row.distance_km.map(format_km).unwrap_or_default();
    let (holds_sku, holds_location) = (sku.clone(), location.clone());
    let is_open = {
        let location = location.clone();
        move || open.with(|o| o.as_deref() == Some(location.as_str()))
    };
    let where_name = row.name.clone();
    let why_label = move |reserved: i64| {
        td_string!(
            locale,
            stock_table.holds_button,
            reserved = reserved,
            place = where_name.clone()
        )
        .to_string()
    };
    view! {
        <tr data-location=location.clone() class:here=is_here class:warehouse=is_warehouse class:changed=move || pushed.get().is_some()>
            <th scope="row">
                <span class="loc-name">{row.name.clone()}</span>
                <span class="loc-place">{place}</span>
                {(row.in_transit > 0).then(|| view! {
                    <span class="loc-transit">{td_string!(locale, stock_table.in_transit, units = row.in_transit)}</span>
                })}
            </th>
            <td class="num" data-col="distance">{distance}</td>
            <td class="num" data-col="on-hand">{move || figures().0}</td>
            <td class="num" data-col="reserved">
                <button type="button" class="figure-button" aria-expanded={
                        let is_open = is_open.clone();
                        move || is_open().to_string()
                    }
                    aria-controls=HOLDS_ID aria-label=move || why_label(figures().1)
                    on:click=move |_| {
                        if is_open() {
                            open.set(None);
                        } else {
                            open.set(Some(holds_location.clone()));
                            holds.dispatch(StockHoldsCall {
                                sku: holds_sku.clone(),
                                location: holds_location.clone(),
                            });
                        }
                    }>
                    {move || figures().1}
                </button>
            </td>
            <td class="num" data-col="available">
                <span class="avail" class:none=move || figures().2 == 0>{move || figures().2}</span>
            </td>
        </tr>
    }
}

/// The orders holding a location's stock, and its safety stock.
#[component]
fn HoldsList(held: ReservedHere) -> impl IntoView {
    let locale = use_locale();
    let lang = use_lang();
    let safety = (held.safety > 0).then(|| {
        view! { <li>{counted!(locale, held.safety, stock_table.holds_safety)}</li> }
    });
    let none = (held.holds.is_empty() && held.safety == 0)
        .then(|| view! { <li>{td_string!(locale, stock_table.holds_none)}</li> });
    let orders = held
        .holds
        .into_iter()
        .map(|hold| {
            let way = match (hold.fulfilment, hold.pickup_name) {
                (Fulfilment::Collect, Some(shop)) => {
                    td_string!(locale, stock_table.holds_collect, shop = shop).to_string()
                }
                (Fulfilment::Ship, _) => td_string!(locale, stock_table.holds_ship).to_string(),
                _ => td_string!(locale, stock_table.holds_other).to_string(),
            };
            let text = td_string!(
                locale,
                stock_table.holds_order,
                quantity = hold.quantity,
                way = way,
                since = format_shop_time(hold.since_ms, lang)
            )
            .to_string();
            let href = format!("/orders/{}", hold.reference);
            view! {
                <li><a href=href>{hold.reference.clone()}</a>" : "{text}</li>
            }
        })
        .collect_view();
    let heading = td_string!(
        locale,
        stock_table.holds_heading,
        place = held.location_name
    )
    .to_string();
    view! {
        <p class="holds-heading">{heading}</p>
        <ul class="plain holds">{orders}{safety}{none}</ul>
    }
}
