//! Returns on real databases: what each line allows (partial handovers,
//! earlier returns, windows, final sale), where each item goes and its
//! ledger lines, the refund arithmetic (discounts, several returns, the
//! delivery fee), store credit and its spending at checkout, exchanges,
//! a manager's approval, two shops racing on one line, one return sent
//! twenty times, and bad input that writes nothing.

use crate::common::*;
use crate::orders::stocked_sku;
use crate::pickups::{associate, code_of, fulfilment_of, manager, pick_and_stage, web_order};
use app::db::Db;
use app::domain::basket::{DiscountPercent, PaymentMethod};
use app::domain::order::{Channel, Fulfilment};
use app::domain::pickup::PickupCode;
use app::domain::returns::{ItemCondition, RefundMethod, ReturnReason, Verdict};
use app::domain::{Cents, Lang, LocationId, Role, Sku};
use app::error::AppError;
use app::model::basket::ShipAddress;
use app::model::returns::ReturnReceipt;
use app::services::audit::Staff;
use app::services::events::EventBus;
use app::services::orders::payment::place_once;
use app::services::orders::shipping::{ShipmentStep, record_shipment};
use app::services::orders::{LineRequest, OrderRequest, PaymentRequest};
use app::services::pickups::handover::{self, HandoverRequest, Proof, Rest};
use app::services::request_keys::RequestKey;
use app::services::returns::record::{ReturnLineRequest, ReturnRequest, record_return};
use app::services::returns::{approvals, order_for_return, quarantine};
use app::services::stock::Done;
use std::sync::Arc;

/// The receipt a return answers with is the one read back later (the
/// printable page), except what is paid for an exchange, told only then.
async fn same_as_read_back(db: &Db, staff: &Staff, answer: &ReturnReceipt) {
    let read = app::services::returns::record::receipt_by_reference(db, staff, &answer.reference)
        .await
        .expect("receipt read back");
    let told = ReturnReceipt {
        exchange_paid: read.exchange_paid,
        ..answer.clone()
    };
    assert_eq!(told, read, "the answer and the receipt read back");
}

async fn first_customer(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT id FROM customers WHERE erased_at IS NULL ORDER BY id LIMIT 1")
        .fetch_one(&db.pool)
        .await
        .expect("a customer")
}

/// A sale at the till of `shop`, taken now and paid by card: `lines` of
/// (SKU, units, discount percent).
async fn till_sale(
    db: &Db,
    bus: &EventBus,
    shop: &str,
    customer_id: Option<i64>,
    lines: &[(&Sku, i64, i64)],
    key: &str,
) -> String {
    let here = LocationId::parse(shop).expect("shop");
    let request = OrderRequest {
        channel: Channel::Store,
        selling: Some(here.clone()),
        customer_id,
        contact_email: Some("camille.roux@example.org".into()),
        lang: Lang::Fr,
        ship: None,
        lines: lines
            .iter()
            .map(|(sku, quantity, discount)| LineRequest {
                sku: (*sku).clone(),
                quantity: crate::stock::q(*quantity),
                fulfilment: Fulfilment::Carry,
                pickup: None,
                source: Some(here.clone()),
                discount: DiscountPercent::new(*discount).expect("discount"),
                approval_id: None,
            })
            .collect(),
        payment: PaymentRequest {
            method: PaymentMethod::Card,
            reference: Some(format!("TPE-{key}")),
            paid: true,
        },
        basket_id: None,
        credits: Vec::new(),
        delivery_fee: Cents(0),
    };
    let once = RequestKey::new("staff:till", key, key).expect("key");
    place_once(db, bus, &request, &tester(), &once)
        .await
        .expect("sold")
        .value
        .reference
}

fn entry(
    line_id: i64,
    quantity: i64,
    reason: ReturnReason,
    condition: ItemCondition,
) -> ReturnLineRequest {
    ReturnLineRequest {
        line_id,
        quantity,
        reason,
        reason_note: None,
        condition,
    }
}

fn request(reference: &str, lines: Vec<ReturnLineRequest>, refund: RefundMethod) -> ReturnRequest {
    ReturnRequest {
        reference: reference.to_string(),
        lines,
        refund,
        payment_reference: Some("TPE-REFUND-1".into()),
        approval_id: None,
        exchange: Vec::new(),
        exchange_payment: None,
    }
}

async fn line_ids(db: &Db, staff: &Staff, reference: &str) -> Vec<i64> {
    order_for_return(db, staff, reference)
        .await
        .expect("order found")
        .lines
        .iter()
        .map(|l| l.line_id)
        .collect()
}

async fn refunded(db: &Db, reference: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(f.amount_cents), 0) AS BIGINT) FROM refunds f \
         JOIN orders o ON o.id = f.order_id WHERE o.reference = $1",
    )
    .bind(reference)
    .fetch_one(&db.pool)
    .await
    .expect("refunds")
}

async fn quarantined(db: &Db, sku: &Sku, location: &str) -> i64 {
    sqlx::query_scalar("SELECT quarantined FROM stock_levels WHERE sku = $1 AND location_id = $2")
        .bind(sku.as_str())
        .bind(location)
        .fetch_one(&db.pool)
        .await
        .expect("quarantine")
}

async fn credit_of(db: &Db, customer_id: i64) -> (i64, i64) {
    sqlx::query_as(
        "SELECT c.store_credit_cents, \
                CAST(COALESCE((SELECT SUM(m.delta_cents) FROM store_credit_movements m \
                               WHERE m.customer_id = c.id), 0) AS BIGINT) \
         FROM customers c WHERE c.id = $1",
    )
    .bind(customer_id)
    .fetch_one(&db.pool)
    .await
    .expect("credit")
}

async fn count(db: &Db, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(&db.pool)
        .await
        .expect("count")
}

/// One return with a resellable and a damaged item, then the rest of a
/// discounted line to store credit: stock, quarantine, ledger, refunds to
/// the cent, the receipt queued, and the third attempt refused with what
/// was already returned.
async fn a_return_restocks_quarantines_and_refunds(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = live_bus(&test_db, &db).await;
    let a = stocked_sku(&db, &bus, 0, &[("PAR01", 5)]).await;
    let b = stocked_sku(&db, &bus, 1, &[("PAR01", 5)]).await;
    let customer = first_customer(&db).await;
    let (credit_before, _) = credit_of(&db, customer).await;
    let reference = till_sale(
        &db,
        &bus,
        "PAR01",
        Some(customer),
        &[(&a, 3, 10), (&b, 1, 0)],
        "ret-1",
    )
    .await;
    let paris = associate("PAR01");
    let order = order_for_return(&db, &paris, &reference)
        .await
        .expect("found");
    assert!(order.paid);
    assert_eq!(order.customer_id, Some(customer));
    let (line_a, line_b) = (&order.lines[0], &order.lines[1]);
    assert_eq!((line_a.returnable, line_b.returnable), (3, 1));
    assert!(matches!(line_a.verdict, Verdict::Open { .. }));
    let a_net: i64 = sqlx::query_scalar(
        "SELECT quantity * unit_price_cents - discount_cents FROM order_lines WHERE id = $1",
    )
    .bind(line_a.line_id)
    .fetch_one(&db.pool)
    .await
    .expect("net");
    let b_price = line_b.unit_refund.0;
    let shelf_a = figures(&db, a.as_str(), "PAR01").await.0;
    let shelf_b = figures(&db, b.as_str(), "PAR01").await.0;

    let first = record_return(
        &db,
        &bus,
        &paris,
        &request(
            &reference,
            vec![
                entry(
                    line_a.line_id,
                    1,
                    ReturnReason::TooSmall,
                    ItemCondition::Resellable,
                ),
                entry(
                    line_b.line_id,
                    1,
                    ReturnReason::Defective,
                    ItemCondition::Damaged,
                ),
            ],
            RefundMethod::OriginalPayment,
        ),
        None,
    )
    .await
    .expect("first return")
    .value;
    assert!(first.reference.starts_with("RET-"));
    same_as_read_back(&db, &paris, &first).await;
    assert_eq!(
        figures(&db, a.as_str(), "PAR01").await.0,
        shelf_a + 1,
        "back on the shelf"
    );
    assert_eq!(
        figures(&db, b.as_str(), "PAR01").await.0,
        shelf_b,
        "not on the shelf"
    );
    assert_eq!(quarantined(&db, &b, "PAR01").await, 1, "kept aside");
    assert_eq!(first.refund.0, a_net / 3 + b_price);
    assert_eq!(first.payment_method.as_deref(), Some("card"));
    assert_eq!(first.payment_reference.as_deref(), Some("TPE-REFUND-1"));
    assert_ledger_matches_levels(&db).await;

    // The rest of the discounted line, to store credit: the line comes
    // back to exactly what was paid for it.
    let second = record_return(
        &db,
        &bus,
        &paris,
        &request(
            &reference,
            vec![entry(
                line_a.line_id,
                2,
                ReturnReason::ChangedMind,
                ItemCondition::Resellable,
            )],
            RefundMethod::StoreCredit,
        ),
        None,
    )
    .await
    .expect("second return")
    .value;
    let line_total: i64 = sqlx::query_scalar(
        "SELECT CAST(SUM(amount_cents) AS BIGINT) FROM refunds WHERE order_line_id = $1",
    )
    .bind(line_a.line_id)
    .fetch_one(&db.pool)
    .await
    .expect("line refunds");
    assert_eq!(line_total, a_net, "never a cent more or less than paid");
    let (balance, ledger) = credit_of(&db, customer).await;
    assert_eq!(balance, credit_before + second.refund.0);
    assert_eq!(balance, ledger, "the balance is the sum of its ledger");
    assert_eq!(second.store_credit_after, Some(Cents(balance)));
    same_as_read_back(&db, &paris, &second).await;
    assert!(refunded(&db, &reference).await <= a_net + b_price);

    // Nothing is left: a third attempt says what came back, where, by whom.
    match record_return(
        &db,
        &bus,
        &associate("LYO01"),
        &request(
            &reference,
            vec![entry(
                line_a.line_id,
                1,
                ReturnReason::TooBig,
                ItemCondition::Resellable,
            )],
            RefundMethod::OriginalPayment,
        ),
        None,
    )
    .await
    {
        Err(AppError::AlreadyReturned {
            returned,
            left,
            location,
            actor,
            ..
        }) => {
            assert_eq!((returned, left), (3, 0));
            assert_eq!(location, "Paris Rivoli");
            assert_eq!(actor, paris.username);
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let receipts: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox WHERE kind = 'return_receipt' AND recipient = 'camille.roux@example.org'",
    )
    .fetch_one(&db.pool)
    .await
    .expect("outbox");
    assert_eq!(receipts, 2, "one receipt per return");
    let shown = order_for_return(&db, &paris, &reference)
        .await
        .expect("found");
    assert_eq!(shown.past_returns.len(), 2);
    assert_ledger_matches_levels(&db).await;
}
both_databases!(
    restock_and_refund,
    super::a_return_restocks_quarantines_and_refunds
);

/// A web order collected in part: what has not been handed over is
/// cancelled, not returned; a line is returned only up to what the
/// customer has; past the window a manager's approval is needed (and used
/// once); a final-sale family never comes back.
async fn eligibility_follows_handovers_windows_and_policies(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = live_bus(&test_db, &db).await;
    let a = stocked_sku(&db, &bus, 0, &[("PAR01", 5)]).await;
    let b = stocked_sku(&db, &bus, 1, &[("PAR01", 5)]).await;
    let reference = web_order(&db, &bus, "PAR01", &[(&a, 2), (&b, 1)], "ret-elig").await;
    let paris = associate("PAR01");
    let id = fulfilment_of(&db, &reference).await;
    pick_and_stage(&db, &bus, &paris, id, "B12").await;
    let code = PickupCode::parse(&code_of(&db, id).await).expect("code");
    let ids = line_ids(&db, &paris, &reference).await;
    handover::hand_over(
        &db,
        &bus,
        &paris,
        id,
        &HandoverRequest {
            proof: Proof::Code(code),
            take: vec![(ids[0], 1)],
            rest: Rest::Keep,
        },
        None,
    )
    .await
    .expect("handed over in part");
    let order = order_for_return(&db, &paris, &reference)
        .await
        .expect("found");
    assert_eq!(
        (order.lines[0].returnable, order.lines[0].not_delivered),
        (1, 1)
    );
    assert_eq!(
        (order.lines[1].returnable, order.lines[1].not_delivered),
        (0, 1)
    );
    // Units still waiting on the shelf are cancelled at their pickup: the
    // screen links to it.
    assert_eq!(
        (order.lines[0].open_pickup, order.lines[1].open_pickup),
        (Some(id), Some(id))
    );
    let one = |line: i64, n: i64| {
        request(
            &reference,
            vec![entry(
                line,
                n,
                ReturnReason::TooBig,
                ItemCondition::Resellable,
            )],
            RefundMethod::OriginalPayment,
        )
    };
    assert_eq!(
        record_return(&db, &bus, &paris, &one(ids[1], 1), None)
            .await
            .map(|d| d.value.reference),
        Err(AppError::NotDeliveredYet { sku: b.to_string() })
    );
    assert_eq!(
        record_return(&db, &bus, &paris, &one(ids[0], 2), None)
            .await
            .map(|d| d.value.reference),
        Err(AppError::ReturnTooMany {
            sku: a.to_string(),
            left: 1
        })
    );

    // Forty days later the window is closed: a manager must agree.
    let long_ago = app::db::now_ms() - 40 * 24 * 3_600_000;
    sqlx::query("UPDATE order_fulfilments SET collected_at = $1 WHERE id = $2")
        .bind(long_ago)
        .bind(id)
        .execute(&db.pool)
        .await
        .expect("aged");
    let late = order_for_return(&db, &paris, &reference)
        .await
        .expect("found");
    assert!(matches!(
        late.lines[0].verdict,
        Verdict::WindowClosed { .. }
    ));
    assert!(matches!(
        record_return(&db, &bus, &paris, &one(ids[0], 1), None).await,
        Err(AppError::ReturnWindowClosed { .. })
    ));
    let asked = approvals::ask(&db, &bus, &paris, &reference, "Cliente hospitalisée")
        .await
        .expect("asked");
    let again = approvals::ask(&db, &bus, &paris, &reference, "Cliente hospitalisée")
        .await
        .expect("asked again");
    assert_eq!(asked.id, again.id, "a double tap asks once");
    assert_eq!(
        approvals::decide(&db, &bus, &paris, asked.id, true, "").await,
        Err(AppError::Forbidden),
        "an associate cannot approve"
    );
    let boss = manager("PAR01");
    approvals::decide(&db, &bus, &boss, asked.id, true, "Geste commercial")
        .await
        .expect("approved");
    assert!(matches!(
        approvals::decide(&db, &bus, &boss, asked.id, false, "").await,
        Err(AppError::ApprovalAlreadyDecided { .. })
    ));
    let with_approval = ReturnRequest {
        approval_id: Some(asked.id),
        ..one(ids[0], 1)
    };
    record_return(&db, &bus, &paris, &with_approval, None)
        .await
        .expect("returned with the approval");
    let status: String = sqlx::query_scalar("SELECT status FROM return_approvals WHERE id = $1")
        .bind(asked.id)
        .fetch_one(&db.pool)
        .await
        .expect("approval");
    assert_eq!(status, "used");

    // A family sold as final: never taken back, whatever the window.
    let c = stocked_sku(&db, &bus, 2, &[("PAR01", 5)]).await;
    let sale = till_sale(&db, &bus, "PAR01", None, &[(&c, 1, 0)], "ret-final").await;
    sqlx::query(
        "INSERT INTO return_policies (category, window_days, final_sale) \
         SELECT p.category, 0, 1 FROM skus s JOIN products p ON p.id = s.product_id WHERE s.sku = $1",
    )
    .bind(c.as_str())
    .execute(&db.pool)
    .await
    .expect("final sale");
    let sold = line_ids(&db, &paris, &sale).await;
    assert_eq!(
        record_return(
            &db,
            &bus,
            &paris,
            &request(
                &sale,
                vec![entry(
                    sold[0],
                    1,
                    ReturnReason::ChangedMind,
                    ItemCondition::Resellable
                )],
                RefundMethod::OriginalPayment
            ),
            None
        )
        .await
        .map(|d| d.value.reference),
        Err(AppError::FinalSale { sku: c.to_string() })
    );
    assert_ledger_matches_levels(&db).await;
}
both_databases!(
    eligibility,
    super::eligibility_follows_handovers_windows_and_policies
);

/// A web order shipped home with a delivery fee: one item back keeps the
/// fee; the last one brings it back; a defective item brings it back at
/// once. Items the shop does not keep travel to the warehouse, which
/// receives them once.
async fn delivery_fees_and_goods_for_the_warehouse(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = live_bus(&test_db, &db).await;
    let a = stocked_sku(&db, &bus, 0, &[("WH-ORL", 9)]).await;
    let b = stocked_sku(&db, &bus, 1, &[("WH-ORL", 9)]).await;
    let shipped = |key: &'static str| {
        let (db, bus, a, b) = (db.clone(), bus.clone(), a.clone(), b.clone());
        async move {
            let request = OrderRequest {
                channel: Channel::Web,
                selling: None,
                customer_id: None,
                contact_email: Some("jade.morel@example.org".into()),
                lang: Lang::En,
                ship: Some(ShipAddress {
                    name: "Jade Morel".into(),
                    street: "3 rue des Lilas".into(),
                    postcode: "75011".into(),
                    city: "Paris".into(),
                }),
                lines: [&a, &b]
                    .iter()
                    .map(|sku| LineRequest {
                        sku: (*sku).clone(),
                        quantity: crate::stock::q(1),
                        fulfilment: Fulfilment::Ship,
                        pickup: None,
                        source: Some(LocationId::parse("WH-ORL").expect("wh")),
                        discount: DiscountPercent::new(0).expect("none"),
                        approval_id: None,
                    })
                    .collect(),
                payment: PaymentRequest {
                    method: PaymentMethod::Web,
                    reference: Some(format!("PSP-{key}")),
                    paid: true,
                },
                basket_id: None,
                credits: Vec::new(),
                delivery_fee: Cents(495),
            };
            let once = RequestKey::new("api:web-shop", key, key).expect("key");
            let reference = place_once(&db, &bus, &request, &tester(), &once)
                .await
                .expect("placed")
                .value
                .reference;
            let receipt =
                record_shipment(&db, &bus, &reference, ShipmentStep::Delivered, &tester())
                    .await
                    .expect("delivered");
            assert_eq!(receipt.delivery_fee, Cents(495));
            reference
        }
    };
    let reference = shipped("ship-1").await;
    assert_eq!(
        figures(&db, a.as_str(), "WH-ORL").await,
        (8, 0, 0),
        "shipped: out of the warehouse, hold consumed"
    );
    // Told twice, nothing more moves.
    record_shipment(&db, &bus, &reference, ShipmentStep::Delivered, &tester())
        .await
        .expect("told again");
    assert_eq!(figures(&db, a.as_str(), "WH-ORL").await.0, 8);

    // Lyon does not keep returns: resellable items go to the warehouse.
    sqlx::query("UPDATE locations SET restock_returns = 0 WHERE id = 'LYO01'")
        .execute(&db.pool)
        .await
        .expect("policy");
    let lyon = associate("LYO01");
    let ids = line_ids(&db, &lyon, &reference).await;
    let mut prices = Vec::new();
    for id in &ids {
        let price: i64 =
            sqlx::query_scalar("SELECT unit_price_cents FROM order_lines WHERE id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await
                .expect("price");
        prices.push(price);
    }
    let first = record_return(
        &db,
        &bus,
        &lyon,
        &request(
            &reference,
            vec![entry(
                ids[0],
                1,
                ReturnReason::ChangedMind,
                ItemCondition::Resellable,
            )],
            RefundMethod::OriginalPayment,
        ),
        None,
    )
    .await
    .expect("first item back")
    .value;
    same_as_read_back(&db, &lyon, &first).await;
    assert_eq!(
        first.delivery_fee,
        Cents(0),
        "the fee stays while items are kept"
    );
    assert_eq!(first.refund.0, prices[0]);
    assert_eq!(first.payment_method.as_deref(), Some("web"));
    assert_eq!(
        figures(&db, a.as_str(), "LYO01").await.0,
        0,
        "not on Lyon's shelf"
    );
    let in_transit: i64 = sqlx::query_scalar(
        "SELECT CAST(SUM(quantity) AS BIGINT) FROM transfer_lines \
         WHERE sku = $1 AND to_location_id = 'WH-ORL' AND status = 'in_transit'",
    )
    .bind(a.as_str())
    .fetch_one(&db.pool)
    .await
    .expect("transit");
    assert_eq!(in_transit, 1);
    let last = record_return(
        &db,
        &bus,
        &lyon,
        &request(
            &reference,
            vec![entry(
                ids[1],
                1,
                ReturnReason::TooBig,
                ItemCondition::NeedsChecking,
            )],
            RefundMethod::OriginalPayment,
        ),
        None,
    )
    .await
    .expect("last item back")
    .value;
    same_as_read_back(&db, &lyon, &last).await;
    assert_eq!(last.delivery_fee, Cents(495), "the whole order came back");
    assert_eq!(last.refund.0, prices[1] + 495);
    assert_eq!(refunded(&db, &reference).await, prices[0] + prices[1] + 495);

    // The warehouse receives each parcel once: resellable onto its shelf,
    // the item to check into its quarantine.
    let warehouse = crate::orders::staff_at("entrepot", Role::Associate, "WH-ORL");
    let before = figures(&db, a.as_str(), "WH-ORL").await.0;
    let incoming = quarantine::incoming_here(&db, &warehouse)
        .await
        .expect("incoming");
    assert_eq!(incoming.len(), 2);
    quarantine::receive(&db, &bus, &warehouse, &first.reference)
        .await
        .expect("received");
    assert_eq!(figures(&db, a.as_str(), "WH-ORL").await.0, before + 1);
    assert!(matches!(
        quarantine::receive(&db, &bus, &warehouse, &first.reference).await,
        Err(AppError::ParcelAlreadyReceived { .. })
    ));
    quarantine::receive(&db, &bus, &warehouse, &last.reference.to_lowercase())
        .await
        .expect("received");
    assert_eq!(
        quarantined(&db, &b, "WH-ORL").await,
        1,
        "to check at the warehouse"
    );

    // A defective item brings the fee back at once.
    let second = shipped("ship-2").await;
    let ids = line_ids(&db, &lyon, &second).await;
    let defective = record_return(
        &db,
        &bus,
        &lyon,
        &request(
            &second,
            vec![entry(
                ids[0],
                1,
                ReturnReason::Defective,
                ItemCondition::Damaged,
            )],
            RefundMethod::OriginalPayment,
        ),
        None,
    )
    .await
    .expect("defective back")
    .value;
    same_as_read_back(&db, &lyon, &defective).await;
    assert_eq!(defective.delivery_fee, Cents(495));
    assert_eq!(quarantined(&db, &a, "LYO01").await, 1);
    assert_ledger_matches_levels(&db).await;
}
both_databases!(
    fees_and_warehouse,
    super::delivery_fees_and_goods_for_the_warehouse
);

/// Store credit from a return pays part of the next basket; asking for
/// more than the balance is refused and writes nothing. An exchange pays
/// the new item with the returned one's value: only the difference moves.
async fn store_credit_and_exchanges(engine: Engine) {
    use app::services::orders::basket::{self, Checkout, NewLine};
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = live_bus(&test_db, &db).await;
    let a = stocked_sku(&db, &bus, 0, &[("PAR01", 5)]).await;
    let c = stocked_sku(&db, &bus, 3, &[("PAR01", 5)]).await;
    let customer = first_customer(&db).await;
    let paris = associate("PAR01");
    let reference = till_sale(
        &db,
        &bus,
        "PAR01",
        Some(customer),
        &[(&a, 2, 0)],
        "ret-credit",
    )
    .await;
    let ids = line_ids(&db, &paris, &reference).await;
    let (before, _) = credit_of(&db, customer).await;
    let credited = record_return(
        &db,
        &bus,
        &paris,
        &request(
            &reference,
            vec![entry(
                ids[0],
                1,
                ReturnReason::TooSmall,
                ItemCondition::Resellable,
            )],
            RefundMethod::StoreCredit,
        ),
        None,
    )
    .await
    .expect("to store credit")
    .value;
    let balance = before + credited.refund.0;
    assert_eq!(credit_of(&db, customer).await, (balance, balance));
    same_as_read_back(&db, &paris, &credited).await;

    // The next basket: the credit first, the card for the rest.
    let basket_id = basket::for_customer(&db, &paris, customer, Lang::Fr)
        .await
        .expect("basket");
    basket::add_line(
        &db,
        &paris,
        Some(basket_id),
        &NewLine {
            sku: c.clone(),
            quantity: crate::stock::q(3),
            fulfilment: Some(Fulfilment::Carry),
            pickup: None,
        },
    )
    .await
    .expect("line");
    let too_much = Checkout {
        method: PaymentMethod::Card,
        reference: Some("TPE-9".into()),
        store_credit: Cents(balance + 1),
    };
    let payments_before = count(&db, "payments").await;
    assert_eq!(
        basket::checkout(&db, &bus, &paris, basket_id, &too_much, None)
            .await
            .map(|d| d.value.reference),
        Err(AppError::NotEnoughCredit {
            balance_cents: balance
        })
    );
    assert_eq!(
        count(&db, "payments").await,
        payments_before,
        "nothing written"
    );
    let spend = Checkout {
        store_credit: Cents(balance),
        ..too_much
    };
    let sale = basket::checkout(&db, &bus, &paris, basket_id, &spend, None)
        .await
        .expect("paid with the credit first")
        .value;
    let used = balance.min(sale.to_pay().0);
    assert_eq!(sale.credit_used, Cents(used));
    let card: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM payments \
         WHERE order_id = $1 AND method = 'card'",
    )
    .bind(sale.order_id)
    .fetch_one(&db.pool)
    .await
    .expect("card");
    assert_eq!(card, sale.to_pay().0 - used);
    assert_eq!(
        credit_of(&db, customer).await,
        (balance - used, balance - used)
    );

    // An exchange: the second unit of `a` for one `c`.
    let price_c: i64 = sqlx::query_scalar("SELECT price_cents FROM skus WHERE sku = $1")
        .bind(c.as_str())
        .fetch_one(&db.pool)
        .await
        .expect("price");
    let shelf_c = figures(&db, c.as_str(), "PAR01").await.0;
    // The screen offers the product's other variants on this shelf.
    let siblings: Vec<String> = sqlx::query_scalar(
        "SELECT s.sku FROM skus s JOIN skus me ON me.product_id = s.product_id \
         WHERE me.sku = $1 AND s.sku <> me.sku",
    )
    .bind(a.as_str())
    .fetch_all(&db.pool)
    .await
    .expect("siblings");
    let offered = app::services::returns::order_for_return(&db, &paris, &reference)
        .await
        .expect("order")
        .lines[0]
        .exchange_options
        .clone();
    assert!(
        offered
            .iter()
            .all(|o| siblings.contains(&o.sku) && o.available > 0),
        "{offered:?}"
    );
    assert!(
        siblings.iter().any(|s| s == c.as_str()),
        "the test takes two variants of one product"
    );
    assert!(offered.iter().any(|o| o.sku == c.as_str()));
    let exchange = ReturnRequest {
        exchange: vec![app::services::returns::record::ExchangeLine {
            sku: c.clone(),
            quantity: crate::stock::q(1),
        }],
        exchange_payment: Some(PaymentRequest {
            method: PaymentMethod::Cash,
            reference: None,
            paid: true,
        }),
        ..request(
            &reference,
            vec![entry(
                ids[0],
                1,
                ReturnReason::TooSmall,
                ItemCondition::Resellable,
            )],
            RefundMethod::OriginalPayment,
        )
    };
    let swapped = record_return(&db, &bus, &paris, &exchange, None)
        .await
        .expect("exchanged")
        .value;
    same_as_read_back(&db, &paris, &swapped).await;
    let value = swapped.refund.0;
    assert_eq!(swapped.applied_to_exchange.0, value.min(price_c));
    assert_eq!(swapped.exchange_paid.0, (price_c - value).max(0));
    assert!(swapped.exchange_reference.is_some());
    assert_eq!(
        figures(&db, c.as_str(), "PAR01").await.0,
        shelf_c - 1,
        "the new item sold"
    );
    let back_to_card: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM refunds f \
         JOIN returns r ON r.id = f.return_id WHERE r.reference = $1 AND f.method = 'original_payment'",
    )
    .bind(&swapped.reference)
    .fetch_one(&db.pool)
    .await
    .expect("refund");
    assert_eq!(
        back_to_card,
        (value - price_c).max(0),
        "only the difference"
    );
    assert_ledger_matches_levels(&db).await;
}
both_databases!(credit_and_exchange, super::store_credit_and_exchanges);

/// Two associates in two shops take back the same last unit at once: one
/// return records it, the other is refused with what happened.
async fn two_shops_return_the_same_line(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = live_bus(&test_db, &db).await;
    for round in 0..4 {
        let a = stocked_sku(&db, &bus, round, &[("PAR01", 5)]).await;
        let reference = till_sale(
            &db,
            &bus,
            "PAR01",
            None,
            &[(&a, 1, 0)],
            &format!("race-{round}"),
        )
        .await;
        let paris = associate("PAR01");
        let ids = line_ids(&db, &paris, &reference).await;
        let one = request(
            &reference,
            vec![entry(
                ids[0],
                1,
                ReturnReason::ChangedMind,
                ItemCondition::Resellable,
            )],
            RefundMethod::OriginalPayment,
        );
        let lyon = associate("LYO01");
        let (here, there) = tokio::join!(
            record_return(&db, &bus, &paris, &one, None),
            record_return(&db, &bus, &lyon, &one, None)
        );
        let outcomes = [here.map(|d| d.value), there.map(|d| d.value)];
        let won: Vec<&ReturnReceipt> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
        assert_eq!(
            won.len(),
            1,
            "exactly one return records the unit: {outcomes:?}"
        );
        let lost = outcomes
            .iter()
            .find_map(|o| o.as_ref().err())
            .expect("one refusal");
        match lost {
            AppError::AlreadyReturned { location, .. } => {
                assert_eq!(*location, won[0].location_name)
            }
            other => panic!("expected AlreadyReturned, got {other:?}"),
        }
        assert_eq!(refunded(&db, &reference).await, won[0].refund.0);
    }
    assert_ledger_matches_levels(&db).await;
}
both_databases!(return_race, super::two_shops_return_the_same_line);

/// A double tap and its retries: the same return sent twenty times at once
/// with one key records once, and every answer is that return.
async fn one_return_sent_twenty_times(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = live_bus(&test_db, &db).await;
    let a = stocked_sku(&db, &bus, 0, &[("PAR01", 5)]).await;
    let reference = till_sale(&db, &bus, "PAR01", None, &[(&a, 2, 0)], "twenty").await;
    let paris = associate("PAR01");
    let ids = line_ids(&db, &paris, &reference).await;
    let one = Arc::new(request(
        &reference,
        vec![entry(
            ids[0],
            1,
            ReturnReason::TooBig,
            ItemCondition::Resellable,
        )],
        RefundMethod::OriginalPayment,
    ));
    let shelf = figures(&db, a.as_str(), "PAR01").await.0;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (db, bus, paris, one) = (db.clone(), bus.clone(), paris.clone(), one.clone());
        tasks.push(tokio::spawn(async move {
            let key = RequestKey::new("staff:associate.par01", "tap-1", &format!("{one:?}"))
                .expect("key")
                .from_a_form();
            record_return(&db, &bus, &paris, &one, Some(&key)).await
        }));
    }
    let mut references = std::collections::BTreeSet::new();
    for task in tasks {
        let done: Done<ReturnReceipt> = task.await.expect("task").expect("answered");
        references.insert(done.value.reference);
    }
    assert_eq!(references.len(), 1, "one return: {references:?}");
    let returns: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM returns r JOIN orders o ON o.id = r.order_id WHERE o.reference = $1",
    )
    .bind(&reference)
    .fetch_one(&db.pool)
    .await
    .expect("returns");
    assert_eq!(returns, 1);
    assert_eq!(
        figures(&db, a.as_str(), "PAR01").await.0,
        shelf + 1,
        "restocked once"
    );
    assert_ledger_matches_levels(&db).await;
}
both_databases!(sent_twenty_times, super::one_return_sent_twenty_times);

/// Every refusal before the return is recorded leaves nothing behind.
async fn bad_input_writes_nothing(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = live_bus(&test_db, &db).await;
    let a = stocked_sku(&db, &bus, 0, &[("PAR01", 5)]).await;
    let reference = till_sale(&db, &bus, "PAR01", None, &[(&a, 1, 0)], "bad").await;
    let paris = associate("PAR01");
    let ids = line_ids(&db, &paris, &reference).await;
    let tables = [
        "returns",
        "return_lines",
        "refunds",
        "stock_movements",
        "store_credit_movements",
        "transfer_lines",
    ];
    let mut before = Vec::new();
    for table in tables {
        before.push(count(&db, table).await);
    }
    let good = entry(ids[0], 1, ReturnReason::TooBig, ItemCondition::Resellable);
    let cases: Vec<(Staff, ReturnRequest, AppError)> = vec![
        (
            paris.clone(),
            request(
                "WEB-9999999",
                vec![good.clone()],
                RefundMethod::OriginalPayment,
            ),
            AppError::UnknownOrder {
                reference: "WEB-9999999".into(),
            },
        ),
        (
            paris.clone(),
            request(&reference, vec![], RefundMethod::OriginalPayment),
            AppError::NothingToReturn,
        ),
        (
            paris.clone(),
            request(
                &reference,
                vec![ReturnLineRequest {
                    quantity: 0,
                    ..good.clone()
                }],
                RefundMethod::OriginalPayment,
            ),
            AppError::QuantityTooSmall { got: 0 },
        ),
        (
            paris.clone(),
            request(
                &reference,
                vec![ReturnLineRequest {
                    reason: ReturnReason::Other,
                    ..good.clone()
                }],
                RefundMethod::OriginalPayment,
            ),
            AppError::ReturnNoteRequired,
        ),
        (
            paris.clone(),
            request(&reference, vec![good.clone()], RefundMethod::StoreCredit),
            AppError::StoreCreditNeedsCustomer,
        ),
        (
            crate::pickups::kiosk("PAR01"),
            request(
                &reference,
                vec![good.clone()],
                RefundMethod::OriginalPayment,
            ),
            AppError::Forbidden,
        ),
        (
            paris.clone(),
            request(
                &reference,
                vec![ReturnLineRequest {
                    quantity: 2,
                    ..good.clone()
                }],
                RefundMethod::OriginalPayment,
            ),
            AppError::ReturnTooMany {
                sku: a.to_string(),
                left: 1,
            },
        ),
    ];
    for (staff, wrong, expected) in cases {
        assert_eq!(
            record_return(&db, &bus, &staff, &wrong, None)
                .await
                .map(|d| d.value.reference),
            Err(expected)
        );
    }
    // A line of another order.
    let other = till_sale(&db, &bus, "PAR01", None, &[(&a, 1, 0)], "bad-2").await;
    let foreign = line_ids(&db, &paris, &other).await;
    assert!(matches!(
        record_return(
            &db,
            &bus,
            &paris,
            &request(
                &reference,
                vec![ReturnLineRequest {
                    line_id: foreign[0],
                    ..good.clone()
                }],
                RefundMethod::OriginalPayment
            ),
            None
        )
        .await,
        Err(AppError::Malformed { .. })
    ));
    let mut after = Vec::new();
    for table in tables {
        after.push(count(&db, table).await);
    }
    // The second sale wrote its own ledger lines; nothing else moved.
    after[3] -= 1;
    assert_eq!(before, after, "{tables:?}");
}
both_databases!(bad_input, super::bad_input_writes_nothing);

/// Through HTTP, as the web shop sees it: an order with a delivery fee,
/// the carrier's news relayed, a return in a shop, and the order read back
/// with what came back and what was given back, as documented.
async fn the_web_shop_reads_returns(engine: Engine) {
    use crate::web_orders::post;
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    let a = stocked_sku(&app.db, &app.events, 0, &[("WH-ORL", 6)]).await;
    let body = serde_json::json!({
        "lines": [{"sku": a.as_str(), "quantity": 2}],
        "fulfilment": {"kind": "ship", "address": {
            "name": "Inès Petit", "street": "8 rue Lepic", "postcode": "75018", "city": "Paris"}},
        "email": "ines.petit@example.org",
        "payment": {"status": "paid", "reference": "PSP-4711"},
        "delivery_fee_cents": 495
    });
    let (status, order, _) = post(&app, "/api/v1/orders", Some("fee-order-1"), &body).await;
    assert_eq!(status, 201, "{order}");
    let reference = order["reference"].as_str().expect("reference").to_string();
    let price: i64 = sqlx::query_scalar("SELECT price_cents FROM skus WHERE sku = $1")
        .bind(a.as_str())
        .fetch_one(&app.db.pool)
        .await
        .expect("price");
    assert_eq!(order["total_cents"], 2 * price + 495);
    assert_eq!(order["delivery_fee_cents"], 495);
    let shipment = format!("/api/v1/orders/{reference}/shipment");
    let (status, _, _) = post(
        &app,
        &shipment,
        None,
        &serde_json::json!({"status": "lost"}),
    )
    .await;
    assert_eq!(status, 422);
    let (status, delivered, _) = post(
        &app,
        &shipment,
        None,
        &serde_json::json!({"status": "delivered"}),
    )
    .await;
    assert_eq!(status, 200, "{delivered}");
    assert_eq!(delivered["status"], "completed");
    assert_eq!(
        delivered["fulfilments"][0]["lines"][0]["handed_over_quantity"],
        2
    );

    let paris = associate("PAR01");
    let ids = line_ids(&app.db, &paris, &reference).await;
    record_return(
        &app.db,
        &app.events,
        &paris,
        &request(
            &reference,
            vec![entry(
                ids[0],
                1,
                ReturnReason::NotAsPictured,
                ItemCondition::Resellable,
            )],
            RefundMethod::OriginalPayment,
        ),
        None,
    )
    .await
    .expect("returned");
    let (status, order) = app.api_get(&format!("/api/v1/orders/{reference}")).await;
    assert_eq!(status, 200);
    assert_eq!(order["fulfilments"][0]["lines"][0]["returned_quantity"], 1);
    assert_eq!(order["refunded_cents"], price, "one unit, the fee kept");
    assert_eq!(order["returns"][0]["lines"][0]["reason"], "not_as_pictured");
    assert_eq!(order["returns"][0]["lines"][0]["disposition"], "restock");
    assert_eq!(order["returns"][0]["location_id"], "PAR01");
    let spec: serde_json::Value =
        serde_json::from_str(include_str!("../../src/openapi.json")).expect("spec");
    assert_documented(&spec, "Order", &order);
    assert_documented(&spec, "OrderLine", &order["fulfilments"][0]["lines"][0]);
    assert_documented(&spec, "OrderReturn", &order["returns"][0]);
}
both_databases!(web_shop_reads_returns, super::the_web_shop_reads_returns);
