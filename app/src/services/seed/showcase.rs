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
use crate::services::orders::shipping::{ShipmentStep, record_shipment};
use crate::services::orders::{LineRequest, OrderRequest, PaymentRequest};
use crate::services::pickups;
use crate::services::request_keys::RequestKey;

/// Shops that get the showcase (the demo dozen).
const SHOPS: usize = 12;
const HOUR_MS: i64 = 60 * 60 * 1000;

/// One unit of `sku` from `source`, at its catalogue price.
fn one_unit(
    sku: &str,
    fulfilment: Fulfilment,
    pickup: Option<&LocationId>,
    source: &LocationId,
) -> AppResult<LineRequest> {
    Ok(LineRequest {
        sku: Sku::parse(sku)?,
        quantity: Quantity::new(1)?,
        fulfilment,
        pickup: pickup.cloned(),
        source: Some(source.clone()),
        discount: DiscountPercent::new(0)?,
        approval_id: None,
    })
}

/// The seed acting as an associate of `shop`.
fn seed_staff(shop: &str) -> AppResult<Staff> {
    Ok(Staff {
        username: "seed".into(),
        display_name: "Démo".into(),
        role: crate::domain::Role::Associate,
        location: LocationId::parse(shop)?,
        device: "seed".into(),
    })
}

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
        let staff = seed_staff(&shop.id)?;
        // (hours past the collect-by moment, slot)
        for (sku, (late_hours, slot)) in skus.iter().zip([(2, "A1"), (30, "A2")]) {
            let request = OrderRequest {
                channel: Channel::Web,
                selling: None,
                customer_id: None,
                contact_email: Some(format!("retrait.{}@example.org", shop.id.to_lowercase())),
                lang: crate::domain::Lang::Fr,
                ship: None,
                lines: vec![one_unit(
                    sku,
                    Fulfilment::Collect,
                    Some(&staff.location),
                    &staff.location,
                )?],
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

/// The demo's customer with a web order past its return window.
pub const LATE_RETURN_CUSTOMER: (&str, &str) = ("Solène", "Marchal");
const LATE_RETURN_DAYS: i64 = 60;

/// For the first shop: a customer (Solène Marchal) whose web order, shipped
/// home from the warehouse, was delivered two months ago, beyond every
/// family's return window. Taking it back needs a manager's approval: the
/// demo (and the browser tests) walk that path. Made through the real
/// services, then aged.
pub(super) async fn insert_late_return(db: &Db, locations: &[PlannedLocation]) -> AppResult<()> {
    let (Some(shop), Some(warehouse)) = (
        locations.iter().find(|l| l.kind == "store"),
        locations.iter().find(|l| l.kind == "warehouse"),
    ) else {
        return Ok(());
    };
    // Two items the warehouse has, of families that are not final sale.
    let skus: Vec<String> = sqlx::query_scalar(
        "SELECT s.sku FROM skus s JOIN products p ON p.id = s.product_id \
         JOIN stock_levels l ON l.sku = s.sku \
         WHERE l.location_id = $1 AND l.on_hand - l.reserved - l.safety >= 2 \
           AND NOT EXISTS (SELECT 1 FROM return_policies rp \
                           WHERE rp.category = p.category AND rp.final_sale = 1) \
         ORDER BY s.ordinal DESC LIMIT 2 OFFSET 4",
    )
    .bind(&warehouse.id)
    .fetch_all(&db.pool)
    .await?;
    let staff = seed_staff(&shop.id)?;
    let (first_name, last_name) = LATE_RETURN_CUSTOMER;
    const STREET: &str = "14 rue des Archives";
    const POSTCODE: &str = "75004";
    const CITY: &str = "Paris";
    let customer = crate::services::customers::create(
        db,
        &staff,
        &crate::services::customers::CustomerInput {
            first_name: first_name.into(),
            last_name: last_name.into(),
            email: "solene.marchal@example.net".into(),
            phone: String::new(),
            street: STREET.into(),
            postcode: POSTCODE.into(),
            city: CITY.into(),
            top_size: Some("M".into()),
            bottom_size: None,
            preferences: String::new(),
            consent_email: false,
            consent_sms: false,
        },
        None,
    )
    .await?;
    let source = LocationId::parse(&warehouse.id)?;
    let request = OrderRequest {
        channel: Channel::Web,
        selling: None,
        customer_id: Some(customer),
        contact_email: None,
        lang: crate::domain::Lang::Fr,
        ship: Some(crate::model::basket::ShipAddress {
            name: format!("{first_name} {last_name}"),
            street: STREET.into(),
            postcode: POSTCODE.into(),
            city: CITY.into(),
        }),
        lines: skus
            .iter()
            .map(|sku| one_unit(sku, Fulfilment::Ship, None, &source))
            .collect::<AppResult<_>>()?,
        payment: PaymentRequest {
            method: PaymentMethod::Web,
            reference: Some("PSP-DEMO-LATE-RETURN".into()),
            paid: true,
        },
        basket_id: None,
        credits: Vec::new(),
        delivery_fee: crate::domain::Cents(495),
    };
    let key = RequestKey::new("seed", "showcase-late-return", "showcase")?;
    let web = Actor::new("web", "web-shop");
    let bus = crate::services::events::EventBus::new(db.backend);
    let receipt = place_once(db, &bus, &request, &web, &key).await?.value;
    for step in [ShipmentStep::Shipped, ShipmentStep::Delivered] {
        record_shipment(db, &bus, &receipt.reference, step, &web).await?;
    }
    let delivered = crate::db::now_ms() - LATE_RETURN_DAYS * 24 * HOUR_MS;
    // Placed three days before it arrived.
    let placed = delivered - 3 * 24 * HOUR_MS;
    let mut tx = db.pool.begin().await?;
    for (statement, at) in [
        (
            "UPDATE orders SET created_at = $1 WHERE reference = $2",
            placed,
        ),
        (
            "UPDATE order_fulfilments SET collected_at = $1, updated_at = $1 \
             WHERE order_id = (SELECT id FROM orders WHERE reference = $2)",
            delivered,
        ),
        (
            "UPDATE order_events SET created_at = $1 \
             WHERE order_id = (SELECT id FROM orders WHERE reference = $2)",
            delivered,
        ),
    ] {
        sqlx::query(statement)
            .bind(at)
            .bind(&receipt.reference)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
