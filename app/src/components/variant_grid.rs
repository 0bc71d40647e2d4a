use super::live::LiveStock;
use crate::counted;
use crate::i18n::td_string;
use crate::model::{ProductView, VariantCell};
use crate::translate::use_locale;
use leptos::prelude::*;

/// Colours down, sizes across; each cell says how many are available in
/// this shop and opens that variant.
#[component]
pub fn VariantGrid(
    product: ProductView,
    selected: String,
    here: String,
    live: LiveStock,
    /// Where a cell leads: `/stock/` or `/kiosk/`.
    #[prop(into)]
    link_base: String,
) -> impl IntoView {
    let locale = use_locale();
    let header = product
        .sizes
        .iter()
        .map(|size| view! { <th scope="col">{size.clone()}</th> })
        .collect_view();
    let rows = product
        .colours
        .iter()
        .map(|colour| {
            let cells = product
                .sizes
                .iter()
                .map(|size| {
                    let cell = product
                        .variants
                        .iter()
                        .find(|v| &v.colour == colour && &v.size == size)
                        .cloned();
                    match cell {
                        Some(cell) => view! {
                            <VariantLink
                                cell
                                selected=selected.clone()
                                here=here.clone()
                                live
                                link_base=link_base.clone()
                            />
                        }
                        .into_any(),
                        None => view! {
                            <td class="variant missing">
                                <span aria-hidden="true">"–"</span>
                                <span class="visually-hidden">{td_string!(locale, variant_grid.missing)}</span>
                            </td>
                        }
                        .into_any(),
                    }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{colour.clone()}</th>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="variant-grid">
            <caption class="visually-hidden">{td_string!(locale, variant_grid.caption)}</caption>
            <thead>
                <tr>
                    <td></td>
                    {header}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[component]
fn VariantLink(
    cell: VariantCell,
    selected: String,
    here: String,
    live: LiveStock,
    link_base: String,
) -> impl IntoView {
    let locale = use_locale();
    let is_selected = cell.sku == selected;
    let loaded = cell.available_here;
    let (sku, seq) = (cell.sku.clone(), cell.seq_here);
    let available = Memo::new(move |_| {
        live.newer(&sku, &here, seq)
            .map(|e| e.available)
            .unwrap_or(loaded)
    });
    let (colour, size) = (cell.colour.clone(), cell.size.clone());
    let label = move || {
        counted!(
            locale,
            available.get(),
            variant_grid.cell,
            colour = colour.clone(),
            size = size.clone()
        )
    };
    view! {
        <td class="variant" class:selected=is_selected>
            <a
                href=format!("{link_base}{}", cell.sku)
                aria-current=is_selected.then_some("true")
                aria-label=label
                data-sku=cell.sku.clone()
                class:none=move || available.get() == 0
                class:low=move || (1..=2).contains(&available.get())
            >
                {move || available.get()}
            </a>
        </td>
    }
}
