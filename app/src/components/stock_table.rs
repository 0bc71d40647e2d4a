use super::live::LiveStock;
use crate::model::{LocationKind, LocationStock, SkuStock};
use leptos::prelude::*;

/// One SKU's stock everywhere: this shop first, then other shops nearest
/// first, then warehouses. Figures update live.
#[component]
pub fn StockTable(stock: SkuStock, live: LiveStock) -> impl IntoView {
    let sku = stock.sku.clone();
    let rows = stock
        .locations
        .into_iter()
        .map(|row| view! { <StockRow sku=sku.clone() row live/> })
        .collect_view();
    view! {
        <table class="stock-table">
            <caption class="visually-hidden">{format!("Stock of {} by location", stock.sku)}</caption>
            <thead>
                <tr>
                    <th scope="col">"Location"</th>
                    <th scope="col" class="num">"Distance"</th>
                    <th scope="col" class="num">"On hand"</th>
                    <th scope="col" class="num">"Reserved"</th>
                    <th scope="col" class="num">"Available"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <p class="hint table-note">"Available = on hand − reserved for orders − safety stock."</p>
    }
}

#[component]
fn StockRow(sku: String, row: LocationStock, live: LiveStock) -> impl IntoView {
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
    let place = match (row.distance_km, row.kind) {
        (None, LocationKind::Store) => "This shop".to_string(),
        (_, LocationKind::Warehouse) => "Warehouse".to_string(),
        (Some(_), LocationKind::Store) => row.city.clone(),
    };
    let distance = row
        .distance_km
        .map(|km| format!("{km:.0} km"))
        .unwrap_or_default();
    let is_here = row.distance_km.is_none() && row.kind == LocationKind::Store;
    view! {
        <tr data-location=location.clone() class:here=is_here class:warehouse={row.kind == LocationKind::Warehouse} class:changed=move || pushed.get().is_some()>
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
