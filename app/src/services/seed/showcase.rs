//! Pickups a demo shop shows from its first minute: for each of the first
//! dozen shops, a web order past its collect-by date (still within the
//! grace, so the manager can give it a new date) and one past the grace
//! (the expiry job closes it on start). Made through the real services,
//! so their stock, ledger and history are what a real order leaves.

use super::*;
use crate::domain::basket::{DiscountPercent, PaymentMethod};
use crate::domain::order::{Channel, Fulfilment};
use crate::model::pickup::PickLine;
use crate::services::audit::Staff;
use crate::services::orders::payment::place_once;
use crate::services::orders::{LineRequest, OrderRequest, PaymentRequest};
use crate::services::pickups;
use crate::services::request_keys::RequestKey;

/// Shops that get the showcase (the demo dozen).
const SHOPS: usize = 12;
const HOUR_MS: i64 = 60 * 60 * 1000;

pub(super) async fn insert_showcase(db: &Db, locations: &[PlannedLocation]) -> AppResult<usize> {
    let bus = crate::services::events::EventBus::new(db.backend);
    let mut made = 0;
    for shop in locations.iter().filter(|l| l.kind == "store").take(SHOPS) {
        // Items from the end of the catalogue, away from those the demo
        // walk-through (and the browser tests) start with.
        let skus: Vec<String> = sqlx::query_scalar(
            "SELECT s.sku FROM skus s JOIN stock_levels l ON l.sku = s.sku \
             WHERE l.location_id = $1 AND l.on_hand - l.reserved - l.safety >= 2 \
             ORDER BY s.ordinal DESC LIMIT 2",
        )
        .bind(&shop.id)
        .fetch_all(&db.pool)
        .await?;
        let staff = Staff {
            username: "seed".into(),
            display_name: "Démo".into(),
            role: crate::domain::Role::Associate,
            location: LocationId::parse(&shop.id)?,
            device: "seed".into(),
        };
        // (hours past the collect-by moment, slot)
        for (sku, (late_hours, slot)) in skus.iter().zip([(2, "A1"), (30, "A2")]) {
            let request = OrderRequest {
                channel: Channel::Web,
                selling: None,
                customer_id: None,
                contact_email: Some(format!("retrait.{}@example.org", shop.id.to_lowercase())),
                lang: crate::domain::Lang::Fr,
                ship: None,
                lines: vec![LineRequest {
                    sku: Sku::parse(sku)?,
                    quantity: Quantity::new(1)?,
                    fulfilment: Fulfilment::Collect,
                    pickup: Some(staff.location.clone()),
                    source: Some(staff.location.clone()),
                    discount: DiscountPercent::new(0)?,
                    approval_id: None,
                }],
                payment: PaymentRequest {
                    method: PaymentMethod::Web,
                    reference: Some(format!("PSP-DEMO-{}-{slot}", shop.id)),
                    paid: true,
                },
                basket_id: None,
                credits: Vec::new(),
                delivery_fee: crate::domain::Cents(0),
            };
            let key = RequestKey::new("seed", &format!("showcase-{}-{slot}", shop.id), "showcase")?;
            let seeder = Actor::new("web", "web-shop");
            let receipt = place_once(db, &bus, &request, &seeder, &key).await?.value;
            let id = pickups::by_reference(db, &receipt.reference).await?;
            let order = pickups::view(db, &staff, id).await?;
            for line in &order.lines {
                for _ in 0..PickLine::to_pick(line) {
                    pickups::scan_item(db, &bus, &staff, id, &line.sku).await?;
                }
            }
            pickups::stage(db, &bus, &staff, id, slot).await?;
            let now = crate::db::now_ms();
            sqlx::query(
                "UPDATE order_fulfilments SET pickup_expires_at = $1, reminded_for = $1, ready_at = $2 \
                 WHERE id = $3",
            )
            .bind(now - late_hours * HOUR_MS)
            .bind(now - late_hours * HOUR_MS - 7 * 24 * HOUR_MS)
            .bind(id)
            .execute(&db.pool)
            .await?;
            made += 1;
        }
    }
    Ok(made)
}
