use super::live::LiveStock;
use crate::domain::geo::format_km;
use crate::i18n::td_string;
use crate::model::{LocationKind, LocationStock, SkuStock};
use crate::translate::use_locale;
use leptos::prelude::*;

/// One SKU's stock everywhere: this shop first, then other shops nearest
/// first, then warehouses. Figures update live.
#[component]
pub fn StockTable(stock: SkuStock, live: LiveStock) -> impl IntoView {
    let locale = use_locale();
    let sku = stock.sku.clone();
    let rows = stock
        .locations
        .into_iter()
        .map(|row| view! { <StockRow sku=sku.clone() row live/> })
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
        <p class="hint table-note">{td_string!(locale, stock_table.note)}</p>
    }
}

#[component]
fn StockRow(sku: String, row: LocationStock, live: LiveStock) -> impl IntoView {
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
    view! {
        <tr data-location=location.clone() class:here=is_here class:warehouse=is_warehouse class:changed=move || pushed.get().is_some()>
            <th scope="row">
                <span class="loc-name">{row.name.clone()}</span>
                <span class="loc-place">{place}</span>
            </th>
            <td class="num" data-col="distance">{distance}</td>
            <td class="num" data-col="on-hand">{move || figures().0}</td>
            <td class="num" data-col="reserved">{move || figures().1}</td>
            <td class="num" data-col="available">
                <span class="avail" class:none=move || figures().2 == 0>{move || figures().2}</span>
            </td>
        </tr>
    }
}
