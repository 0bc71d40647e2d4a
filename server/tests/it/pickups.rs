//! Click-and-collect on real databases: the queue, goods sent and
//! received, the pick with its refusals, the slot that makes an order
//! ready (and its e-mail), the kiosk check-in, whole and partial
//! handovers, items missing at the pick, reminders, new dates, expiry,
//! the handover racing the expiry, and code guessing.

use crate::common::*;
use crate::mail::{MailServer, free_port, mailer};
use crate::orders::{staff_at, stocked_sku};
use app::db::Db;
use app::domain::basket::{DiscountPercent, PaymentMethod};
use app::domain::order::{Channel, Fulfilment, OrderStatus};
use app::domain::pickup::QueueList;
use app::domain::{Lang, LocationId, Role, Sku};
use app::error::AppError;
use app::model::pickup::{PickupChange, PickupOrder};
use app::services::audit::Staff;
use app::services::events::EventBus;
use app::services::orders::payment::place_once;
use app::services::orders::{LineRequest, OrderRequest, PaymentRequest};
use app::services::pickups::handover::{self, HandoverRequest, Proof, Rest};
use app::services::pickups::{self, Missing, lifecycle};
use app::services::request_keys::RequestKey;
use std::sync::Arc;

pub fn associate(shop: &str) -> Staff {
    staff_at(
        &format!("associate.{}", shop.to_lowercase()),
        Role::Associate,
        shop,
    )
}

pub fn manager(shop: &str) -> Staff {
    staff_at(
        &format!("manager.{}", shop.to_lowercase()),
        Role::Manager,
        shop,
    )
}

pub fn kiosk(shop: &str) -> Staff {
    staff_at(&format!("kiosk.{}", shop.to_lowercase()), Role::Kiosk, shop)
}

/// A paid web order to collect at `shop`: `lines` of (SKU, units).
pub async fn web_order(
    db: &Db,
    bus: &EventBus,
    shop: &str,
    lines: &[(&Sku, i64)],
    key: &str,
) -> String {
    let pickup = LocationId::parse(shop).expect("shop id");
    let request = OrderRequest {
        channel: Channel::Web,
        selling: None,
        customer_id: None,
        contact_email: Some("lea.girard@example.org".into()),
        lang: Lang::Fr,
        ship: None,
        lines: lines
            .iter()
            .map(|(sku, quantity)| LineRequest {
                sku: (*sku).clone(),
                quantity: crate::stock::q(*quantity),
                fulfilment: Fulfilment::Collect,
                pickup: Some(pickup.clone()),
                source: None,
                discount: DiscountPercent::new(0).expect("no discount"),
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
        delivery_fee: app::domain::Cents(0),
    };
    let once = RequestKey::new("api:web-shop", key, key).expect("key");
    place_once(db, bus, &request, &tester(), &once)
        .await
        .expect("order placed")
        .value
        .reference
}

pub async fn fulfilment_of(db: &Db, reference: &str) -> i64 {
    pickups::by_reference(db, reference)
        .await
        .expect("a pickup")
}

pub async fn ean_of(db: &Db, sku: &Sku) -> String {
    sqlx::query_scalar("SELECT ean FROM skus WHERE sku = $1")
        .bind(sku.as_str())
        .fetch_one(&db.pool)
        .await
        .expect("ean")
}

pub async fn code_of(db: &Db, fulfilment: i64) -> String {
    sqlx::query_scalar("SELECT pickup_code FROM order_fulfilments WHERE id = $1")
        .bind(fulfilment)
        .fetch_one(&db.pool)
        .await
        .expect("code")
}

fn list_of(queue: &app::model::pickup::PickupQueue, reference: &str) -> Option<QueueList> {
    queue
        .cards
        .iter()
        .find(|c| c.reference == reference)
        .map(|c| c.list)
}

/// Scans every unit of the order and puts it on `slot`.
pub async fn pick_and_stage(
    db: &Db,
    bus: &EventBus,
    staff: &Staff,
    id: i64,
    slot: &str,
) -> PickupOrder {
    let order = pickups::view(db, staff, id).await.expect("view");
    for line in &order.lines {
        for _ in 0..line.to_pick() {
            pickups::scan_item(db, bus, staff, id, &line.ean)
                .await
                .expect("scan accepted");
        }
    }
    pickups::stage(db, bus, staff, id, slot)
        .await
        .expect("staged")
}

async fn held_for(db: &Db, sku: &Sku, location: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM reservations \
         WHERE sku = $1 AND location_id = $2 AND status = 'held'",
    )
    .bind(sku.as_str())
    .bind(location)
    .fetch_one(&db.pool)
    .await
    .expect("holds")
}

/// From the order to the customer's hands, with the refusals on the way:
/// a wrong scan, one scan too many, a slot before the pick is done, a
/// wrong code; then a kiosk check-in and two handovers.
async fn an_order_goes_from_queue_to_customer(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = live_bus(&test_db, &db).await;
    let a = stocked_sku(&db, &bus, 0, &[("PAR01", 5)]).await;
    let b = stocked_sku(&db, &bus, 1, &[("PAR01", 5)]).await;
    let other = stocked_sku(&db, &bus, 2, &[("PAR01", 5)]).await;
    let mut live = bus.subscribe_pickups();
    let reference = web_order(&db, &bus, "PAR01", &[(&a, 2), (&b, 1)], "flow-1").await;
    let announced = within_seconds(&mut live).await;
    assert_eq!(
        (announced.location_id.as_str(), announced.change),
        ("PAR01", PickupChange::New)
    );
    let paris = associate("PAR01");
    let queue = pickups::queue(&db, &paris.location).await.expect("queue");
    assert_eq!(list_of(&queue, &reference), Some(QueueList::ToPrepare));
    let id = fulfilment_of(&db, &reference).await;
    assert_eq!(
        figures(&db, a.as_str(), "PAR01").await.1,
        2,
        "held at the shop"
    );

    // A wrong item is refused with what is expected.
    let wrong = ean_of(&db, &other).await;
    match pickups::scan_item(&db, &bus, &paris, id, &wrong).await {
        Err(AppError::WrongItem { text, expected }) => {
            assert_eq!(text, wrong);
            assert!(expected.contains(&ean_of(&db, &a).await), "{expected}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let ean_b = ean_of(&db, &b).await;
    let order = pickups::scan_item(&db, &bus, &paris, id, &ean_b)
        .await
        .expect("right item");
    assert_eq!(
        order.status,
        OrderStatus::Picking,
        "the first scan starts the pick"
    );
    assert!(matches!(
        pickups::scan_item(&db, &bus, &paris, id, b.as_str()).await,
        Err(AppError::ItemAlreadyPicked { .. })
    ));
    assert!(matches!(
        pickups::stage(&db, &bus, &paris, id, "B12").await,
        Err(AppError::PickIncomplete { missing: 2, .. })
    ));
    assert!(matches!(
        pickups::stage(&db, &bus, &paris, id, "12").await,
        Err(AppError::NotAShelfSlot { .. })
    ));
    let order = pick_and_stage(&db, &bus, &paris, id, "b12").await;
    assert_eq!(order.status, OrderStatus::Ready);
    assert_eq!(order.slot.as_deref(), Some("B12"));
    let by = order.collect_by.expect("a collect-by date");
    assert!(by > order.ready_at.expect("ready") + 6 * 86_400_000);
    let code = code_of(&db, id).await;
    assert_eq!(code.len(), 8);
    let (kind, qr): (String, Option<String>) = sqlx::query_as(
        "SELECT kind, qr_text FROM outbox WHERE order_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(order.order_id)
    .fetch_one(&db.pool)
    .await
    .expect("ready message");
    assert_eq!(kind, "pickup_ready");
    assert_eq!(qr, Some(format!("RETRAIT-{code}")));

    // Another shop's staff cannot touch it.
    assert!(matches!(
        pickups::stage(&db, &bus, &associate("LYO01"), id, "A1").await,
        Err(AppError::PickupAtOtherShop { .. })
    ));

    // The kiosk check-in: every tablet of the shop hears of it.
    let mut live = bus.subscribe_pickups();
    let answer = handover::check_in(&db, &bus, &kiosk("PAR01"), &format!("RETRAIT-{code}"))
        .await
        .expect("checked in");
    assert!(answer.checked_in);
    let waiting = first_within_seconds(&mut live, |e| e.change != PickupChange::Changed).await;
    assert_eq!(waiting.change, PickupChange::CustomerWaiting);
    assert_eq!(waiting.slot.as_deref(), Some("B12"));
    assert!(waiting.waiting_since.is_some());
    let queue = pickups::queue(&db, &paris.location).await.expect("queue");
    assert_eq!(list_of(&queue, &reference), Some(QueueList::Waiting));
    assert!(matches!(
        handover::check_in(&db, &bus, &kiosk("LYO01"), &code).await,
        Err(AppError::PickupAtOtherShop { .. })
    ));
    pickups::handover::attend(&db, &bus, &paris, id)
        .await
        .expect("taken");
    let queue = pickups::queue(&db, &paris.location).await.expect("queue");
    assert_eq!(list_of(&queue, &reference), Some(QueueList::Ready));

    // A wrong code changes nothing.
    let lines = pickups::view(&db, &paris, id).await.expect("view").lines;
    let line_a = lines.iter().find(|l| l.sku == a.as_str()).expect("line a");
    let line_b = lines.iter().find(|l| l.sku == b.as_str()).expect("line b");
    let wrong_code = if code == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
    let partial = |proof: Proof| HandoverRequest {
        proof,
        take: vec![(line_a.line_id, 1), (line_b.line_id, 1)],
        rest: Rest::Keep,
    };
    let before = ledger_lines(&db).await;
    assert!(matches!(
        handover::hand_over(
            &db,
            &bus,
            &paris,
            id,
            &partial(Proof::Code(
                app::domain::pickup::PickupCode::parse(wrong_code).expect("code")
            )),
            None
        )
        .await,
        Err(AppError::WrongPickupCode { .. })
    ));
    assert_eq!(ledger_lines(&db).await, before, "nothing written");
    // A wrong code sent twice with one key is refused twice: its refusal
    // keeps no answer to replay as if the order had been handed over.
    let wrong_key = RequestKey::new("staff:associate.par01", "hand-0", "wrong").expect("key");
    for _ in 0..2 {
        assert!(matches!(
            handover::hand_over(
                &db,
                &bus,
                &paris,
                id,
                &partial(Proof::Code(
                    app::domain::pickup::PickupCode::parse(wrong_code).expect("code")
                )),
                Some(&wrong_key)
            )
            .await,
            Err(AppError::WrongPickupCode { .. })
        ));
    }
    assert_eq!(ledger_lines(&db).await, before, "nothing written");
    let proof = Proof::Code(app::domain::pickup::PickupCode::parse(&code).expect("code"));
    // Partial handover, sent twice with one key: recorded once.
    let key = RequestKey::new("staff:associate.par01", "hand-1", "partial").expect("key");
    for copy in 0..2 {
        let done = handover::hand_over(&db, &bus, &paris, id, &partial(proof.clone()), Some(&key))
            .await
            .expect("handed over");
        assert_eq!(done.replayed, copy == 1, "the copy is told it was done");
        assert_eq!(done.value.status, OrderStatus::PartiallyCollected);
        assert_eq!(done.value.handovers.len(), 1, "one handover on record");
    }
    assert_eq!(figures(&db, a.as_str(), "PAR01").await, (4, 1, 0));
    assert_eq!(figures(&db, b.as_str(), "PAR01").await, (4, 0, 0));
    assert_eq!(held_for(&db, &a, "PAR01").await, 1);
    // More than is left is refused.
    let too_many = HandoverRequest {
        proof: proof.clone(),
        take: vec![(line_a.line_id, 2)],
        rest: Rest::Keep,
    };
    assert!(matches!(
        handover::hand_over(&db, &bus, &paris, id, &too_many, None).await,
        Err(AppError::HandOverTooMany { left: 1, .. })
    ));
    let rest = HandoverRequest {
        proof: proof.clone(),
        take: vec![(line_a.line_id, 1)],
        rest: Rest::Keep,
    };
    let done = handover::hand_over(&db, &bus, &paris, id, &rest, None)
        .await
        .expect("the rest");
    assert_eq!(done.value.status, OrderStatus::Completed);
    assert_eq!(done.value.handovers.len(), 2);
    assert!(matches!(
        handover::hand_over(&db, &bus, &paris, id, &rest, None).await,
        Err(AppError::PickupCollected { .. })
    ));
    assert!(matches!(
        handover::check_in(&db, &bus, &kiosk("PAR01"), &code).await,
        Err(AppError::PickupCollected { .. })
    ));
    let queue = pickups::queue(&db, &paris.location).await.expect("queue");
    assert_eq!(list_of(&queue, &reference), Some(QueueList::CollectedToday));
    assert_eq!(held_for(&db, &a, "PAR01").await, 0);
    let status: String = sqlx::query_scalar("SELECT status FROM orders WHERE reference = $1")
        .bind(&reference)
        .fetch_one(&db.pool)
        .await
        .expect("order");
    assert_eq!(status, "completed");
    assert_ledger_matches_levels(&db).await;
}
both_databases!(
    queue_to_customer,
    super::an_order_goes_from_queue_to_customer
);

/// Goods from the warehouse: listed there to send, on their way for the
/// pickup shop, sent (out of the warehouse, in transit), received by the
/// parcel's code (in the shop, held for the order), then prepared.
async fn goods_come_from_the_warehouse(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let sku = stocked_sku(&db, &bus, 0, &[("WH-ORL", 10)]).await;
    let reference = web_order(&db, &bus, "PAR01", &[(&sku, 2)], "transfer-1").await;
    let id = fulfilment_of(&db, &reference).await;
    let paris = associate("PAR01");
    let warehouse = staff_at("clerk.wh", Role::Associate, "WH-ORL");
    let queue = pickups::queue(&db, &warehouse.location)
        .await
        .expect("queue");
    assert_eq!(list_of(&queue, &reference), Some(QueueList::ToSend));
    let queue = pickups::queue(&db, &paris.location).await.expect("queue");
    assert_eq!(list_of(&queue, &reference), Some(QueueList::OnTheWay));
    assert!(matches!(
        pickups::scan_item(&db, &bus, &paris, id, sku.as_str()).await,
        Err(AppError::GoodsNotHere { .. })
    ));
    assert!(matches!(
        pickups::send_parcel(&db, &bus, &paris, id).await,
        Err(AppError::PickupAtOtherShop { .. })
    ));
    let sent = pickups::send_parcel(&db, &bus, &warehouse, id)
        .await
        .expect("sent");
    let parcel = sent.parcel_code.clone().expect("a parcel code");
    assert!(matches!(
        pickups::send_parcel(&db, &bus, &warehouse, id).await,
        Err(AppError::ParcelAlreadySent { .. })
    ));
    assert_eq!(figures(&db, sku.as_str(), "WH-ORL").await, (8, 0, 0));
    assert_eq!(
        pickups::in_transit(&db, sku.as_str())
            .await
            .expect("transit"),
        vec![("PAR01".to_string(), 2)]
    );
    let shown = app::services::catalog::sku_stock(&db, &sku, None)
        .await
        .expect("stock screen");
    let paris_row = shown
        .locations
        .iter()
        .find(|l| l.location_id == "PAR01")
        .expect("Paris");
    assert_eq!(
        paris_row.in_transit, 2,
        "the stock screen says it is on the way"
    );
    let queue = pickups::queue(&db, &warehouse.location)
        .await
        .expect("queue");
    assert_eq!(
        list_of(&queue, &reference),
        None,
        "sent: off the warehouse's list"
    );
    assert!(matches!(
        pickups::receive_parcel(&db, &bus, &associate("LYO01"), &parcel).await,
        Err(AppError::ParcelNotForHere { .. })
    ));
    assert!(matches!(
        pickups::receive_parcel(&db, &bus, &paris, "COLIS-0").await,
        Err(AppError::UnknownParcel { .. })
    ));
    let received = pickups::receive_parcel(&db, &bus, &paris, &parcel.to_lowercase())
        .await
        .expect("received");
    assert!(received.goods_here);
    assert!(matches!(
        pickups::receive_parcel(&db, &bus, &paris, &parcel).await,
        Err(AppError::ParcelAlreadyReceived { .. })
    ));
    assert_eq!(figures(&db, sku.as_str(), "PAR01").await, (2, 2, 0));
    assert_eq!(held_for(&db, &sku, "PAR01").await, 2);
    assert!(
        pickups::in_transit(&db, sku.as_str())
            .await
            .expect("transit")
            .is_empty()
    );
    let queue = pickups::queue(&db, &paris.location).await.expect("queue");
    assert_eq!(list_of(&queue, &reference), Some(QueueList::ToPrepare));
    let order = pick_and_stage(&db, &bus, &paris, id, "A3").await;
    assert_eq!(order.status, OrderStatus::Ready);
    assert_ledger_matches_levels(&db).await;
}
both_databases!(from_the_warehouse, super::goods_come_from_the_warehouse);

/// Items missing at the pick: cancelled (refunded, the customer told) or
/// ordered from another location in a fulfilment of their own.
async fn missing_items_are_cancelled_or_sourced_elsewhere(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let a = stocked_sku(&db, &bus, 0, &[("PAR01", 3), ("WH-ORL", 4)]).await;
    let b = stocked_sku(&db, &bus, 1, &[("PAR01", 3)]).await;
    let reference = web_order(&db, &bus, "PAR01", &[(&a, 2), (&b, 2)], "missing-1").await;
    let id = fulfilment_of(&db, &reference).await;
    let paris = associate("PAR01");
    let order = pickups::view(&db, &paris, id).await.expect("view");
    let line_a = order
        .lines
        .iter()
        .find(|l| l.sku == a.as_str())
        .expect("a")
        .clone();
    let line_b = order
        .lines
        .iter()
        .find(|l| l.sku == b.as_str())
        .expect("b")
        .clone();

    let order = pickups::mark_missing(
        &db,
        &bus,
        &paris,
        id,
        line_b.line_id,
        crate::stock::q(1),
        Missing::Cancel,
    )
    .await
    .expect("cancelled");
    let b_now = order
        .lines
        .iter()
        .find(|l| l.line_id == line_b.line_id)
        .expect("b");
    assert_eq!((b_now.cancelled, b_now.to_pick()), (1, 1));
    assert_eq!(
        figures(&db, b.as_str(), "PAR01").await.1,
        1,
        "hold released"
    );
    let refunded: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT) FROM refunds WHERE order_line_id = $1",
    )
    .bind(line_b.line_id)
    .fetch_one(&db.pool)
    .await
    .expect("refund");
    assert_eq!(refunded, line_b.unit_net_cents);
    let told: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'items_cancelled'")
            .fetch_one(&db.pool)
            .await
            .expect("outbox");
    assert_eq!(told, 1);

    let order = pickups::mark_missing(
        &db,
        &bus,
        &paris,
        id,
        line_a.line_id,
        crate::stock::q(2),
        Missing::Elsewhere,
    )
    .await
    .expect("sourced elsewhere");
    assert!(
        order.lines.iter().all(|l| l.sku != a.as_str()),
        "the line moved"
    );
    assert_eq!(figures(&db, a.as_str(), "PAR01").await.1, 0);
    assert_eq!(
        figures(&db, a.as_str(), "WH-ORL").await.1,
        2,
        "held at the warehouse now"
    );
    let warehouse = staff_at("clerk.wh", Role::Associate, "WH-ORL");
    let queue = pickups::queue(&db, &warehouse.location)
        .await
        .expect("queue");
    assert_eq!(list_of(&queue, &reference), Some(QueueList::ToSend));
    // The order's total is unchanged: the units moved, the price with them.
    let (total, lines_total): (i64, i64) = sqlx::query_as(
        "SELECT o.total_cents, CAST(SUM(l.quantity * l.unit_price_cents - l.discount_cents) AS BIGINT) \
         FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.reference = $1 GROUP BY o.total_cents",
    )
    .bind(&reference)
    .fetch_one(&db.pool)
    .await
    .expect("totals");
    assert_eq!(total, lines_total);
    assert!(matches!(
        pickups::mark_missing(
            &db,
            &bus,
            &paris,
            id,
            line_b.line_id,
            crate::stock::q(5),
            Missing::Cancel
        )
        .await,
        Err(AppError::HandOverTooMany { left: 1, .. })
    ));
    assert_ledger_matches_levels(&db).await;
}
both_databases!(
    missing_items,
    super::missing_items_are_cancelled_or_sourced_elsewhere
);

async fn ready_order(db: &Db, bus: &EventBus, nth: i64, key: &str) -> (i64, Sku, String) {
    let sku = stocked_sku(db, bus, nth, &[("PAR01", 4)]).await;
    let reference = web_order(db, bus, "PAR01", &[(&sku, 1)], key).await;
    let id = fulfilment_of(db, &reference).await;
    pick_and_stage(db, bus, &associate("PAR01"), id, "C4").await;
    (id, sku, reference)
}

async fn set_collect_by(db: &Db, id: i64, at: i64) {
    sqlx::query("UPDATE order_fulfilments SET pickup_expires_at = $1 WHERE id = $2")
        .bind(at)
        .bind(id)
        .execute(&db.pool)
        .await
        .expect("moved");
}

/// The day before the date the customer is reminded, once; the manager's
/// new date reminds again; past the date (and the grace) the order
/// expires, its stock released, the customer told; the expired order then
/// refuses a handover and a check-in with its own message.
async fn uncollected_orders_are_reminded_extended_and_expired(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = live_bus(&test_db, &db).await;
    let now = app::db::now_ms();
    let (id, sku, _) = ready_order(&db, &bus, 0, "late-1").await;
    let reminders = |db: &Db| {
        let db = db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM outbox WHERE kind = 'pickup_reminder'",
            )
            .fetch_one(&db.pool)
            .await
            .expect("count")
        }
    };
    // Not due yet: no reminder.
    lifecycle::remind_due(&db, 100).await.expect("round");
    let seeded = reminders(&db).await;
    set_collect_by(&db, id, now + 3_600_000).await;
    lifecycle::remind_due(&db, 100).await.expect("round");
    lifecycle::remind_due(&db, 100).await.expect("round");
    assert_eq!(reminders(&db).await, seeded + 1, "reminded once");

    // The manager gives two more days.
    let boss = manager("PAR01");
    assert!(matches!(
        lifecycle::extend(&db, &bus, &boss, id, "2001-01-01").await,
        Err(AppError::CollectByNotLater)
    ));
    assert!(matches!(
        lifecycle::extend(&db, &bus, &boss, id, "demain").await,
        Err(AppError::NotADate { .. })
    ));
    let later = app::domain::time::iso_shop_date(now + 3 * 86_400_000);
    let order = lifecycle::extend(&db, &bus, &boss, id, &later)
        .await
        .expect("extended");
    assert!(order.collect_by.expect("date") > now + 2 * 86_400_000);
    let board = lifecycle::board(&db, &boss).await.expect("board");
    assert!(board.overdue.iter().all(|c| c.fulfilment_id != id));
    lifecycle::remind_now(&db, &boss, id)
        .await
        .expect("reminded by hand");
    assert_eq!(reminders(&db).await, seeded + 2);

    // Overdue, within the grace: on the board, not expired.
    set_collect_by(&db, id, now - 3_600_000).await;
    assert!(
        lifecycle::expire_due(&db, &bus, 100)
            .await
            .expect("round")
            .is_empty()
    );
    let board = lifecycle::board(&db, &boss).await.expect("board");
    assert!(board.overdue.iter().any(|c| c.fulfilment_id == id));
    // Past the grace: expired, stock released, customer told.
    set_collect_by(&db, id, now - 25 * 3_600_000).await;
    let mut live = bus.subscribe();
    let expired = lifecycle::expire_due(&db, &bus, 100).await.expect("round");
    assert_eq!(expired.len(), 1);
    let event = within_seconds(&mut live).await;
    assert_eq!(event.sku, sku.as_str());
    assert_eq!(figures(&db, sku.as_str(), "PAR01").await, (4, 0, 0));
    let told: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'pickup_expired'")
        .fetch_one(&db.pool)
        .await
        .expect("count");
    assert_eq!(told, 1);
    let board = lifecycle::board(&db, &boss).await.expect("board");
    assert!(board.expired.iter().any(|c| c.fulfilment_id == id));
    let code = code_of(&db, id).await;
    assert!(matches!(
        handover::check_in(&db, &bus, &kiosk("PAR01"), &code).await,
        Err(AppError::PickupExpired { .. })
    ));
    assert!(
        lifecycle::expire_due(&db, &bus, 100)
            .await
            .expect("round")
            .is_empty()
    );
    assert_ledger_matches_levels(&db).await;
}
both_databases!(
    uncollected,
    super::uncollected_orders_are_reminded_extended_and_expired
);

/// A handover and the expiry job on the same order at the same moment:
/// exactly one of them wins, and the ledger agrees with the levels.
async fn handover_and_expiry_race(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let now = app::db::now_ms();
    for round in 0..6 {
        let (id, sku, _) = ready_order(&db, &bus, round, &format!("race-{round}")).await;
        let code = code_of(&db, id).await;
        set_collect_by(&db, id, now - 30 * 3_600_000).await;
        let line = pickups::view(&db, &associate("PAR01"), id)
            .await
            .expect("view")
            .lines[0]
            .line_id;
        let request = HandoverRequest {
            proof: Proof::Code(app::domain::pickup::PickupCode::parse(&code).expect("code")),
            take: vec![(line, 1)],
            rest: Rest::Keep,
        };
        let (db1, bus1, db2, bus2) = (db.clone(), bus.clone(), db.clone(), bus.clone());
        let barrier = Arc::new(tokio::sync::Barrier::new(2));
        let (b1, b2) = (barrier.clone(), barrier.clone());
        let hand = tokio::spawn(async move {
            b1.wait().await;
            handover::hand_over(&db1, &bus1, &associate("PAR01"), id, &request, None).await
        });
        let expire = tokio::spawn(async move {
            b2.wait().await;
            lifecycle::expire_due(&db2, &bus2, 100).await
        });
        let handed = hand.await.expect("joined");
        let expired = expire.await.expect("joined").expect("expiry round");
        let status: String =
            sqlx::query_scalar("SELECT status FROM order_fulfilments WHERE id = $1")
                .bind(id)
                .fetch_one(&db.pool)
                .await
                .expect("status");
        match (&handed, expired.is_empty()) {
            (Ok(_), true) => assert_eq!(status, "completed"),
            (Err(AppError::PickupExpired { .. }), false) => assert_eq!(status, "expired"),
            other => panic!("round {round}: both or neither won: {other:?} / {status}"),
        }
        let (on_hand, reserved, _) = figures(&db, sku.as_str(), "PAR01").await;
        assert_eq!(reserved, 0, "nothing held either way");
        assert_eq!(on_hand, if status == "completed" { 3 } else { 4 });
    }
    assert_ledger_matches_levels(&db).await;
}
both_databases!(handover_expiry_race, super::handover_and_expiry_race);

/// Codes are guessed at most a dozen times per shop and four times per
/// order before a wait; a right code still works for its own order after.
async fn pickup_codes_cannot_be_guessed(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let (id, _, _) = ready_order(&db, &bus, 0, "guess-1").await;
    let code = code_of(&db, id).await;
    let wrong: Vec<String> = (1..=20)
        .map(|n| {
            format!(
                "{:08}",
                (code.parse::<u64>().expect("digits") + n * 7_919) % 100_000_000
            )
        })
        .collect();
    let booth = kiosk("PAR01");
    let mut refused_for_time = 0;
    for guess in &wrong {
        match handover::check_in(&db, &bus, &booth, guess).await {
            Err(AppError::UnknownPickupCode { .. }) => {}
            Err(AppError::TooManyCodeTries { retry_after_secs }) => {
                assert!(retry_after_secs >= 1);
                refused_for_time += 1;
            }
            other => panic!("a guess got {other:?}"),
        }
    }
    assert!(
        refused_for_time >= 7,
        "the shop locks after a dozen wrong codes"
    );
    assert!(matches!(
        handover::check_in(&db, &bus, &booth, &code).await,
        Err(AppError::TooManyCodeTries { .. })
    ));
    // Per order, at the counter: four free tries, then waits.
    let paris = associate("PAR01");
    let line = pickups::view(&db, &paris, id).await.expect("view").lines[0].line_id;
    let attempt = |guess: &str| HandoverRequest {
        proof: Proof::Code(app::domain::pickup::PickupCode::parse(guess).expect("code")),
        take: vec![(line, 1)],
        rest: Rest::Keep,
    };
    // The fifth try is made, and locks the next ones.
    for guess in wrong.iter().take(5) {
        assert!(matches!(
            handover::hand_over(&db, &bus, &paris, id, &attempt(guess), None).await,
            Err(AppError::WrongPickupCode { .. })
        ));
    }
    assert!(matches!(
        handover::hand_over(&db, &bus, &paris, id, &attempt(&wrong[5]), None).await,
        Err(AppError::TooManyCodeTries { .. })
    ));
    // The ID check (shop policy) does not depend on the code.
    let checked = HandoverRequest {
        proof: Proof::IdCheck {
            document: "carte d'identité".into(),
        },
        take: vec![(line, 1)],
        rest: Rest::Keep,
    };
    let done = handover::hand_over(&db, &bus, &paris, id, &checked, None)
        .await
        .expect("handed on an ID check");
    assert_eq!(done.value.status, OrderStatus::Completed);
    assert_eq!(done.value.handovers[0].proof, "id_check");
    sqlx::query("UPDATE locations SET pickup_id_check = 0 WHERE id = 'PAR01'")
        .execute(&db.pool)
        .await
        .expect("policy");
    let (other, _, _) = ready_order(&db, &bus, 1, "guess-2").await;
    let line = pickups::view(&db, &paris, other).await.expect("view").lines[0].line_id;
    assert!(matches!(
        handover::hand_over(
            &db,
            &bus,
            &paris,
            other,
            &HandoverRequest {
                take: vec![(line, 1)],
                ..checked.clone()
            },
            None
        )
        .await,
        Err(AppError::IdCheckNotAllowed)
    ));
}
both_databases!(code_guessing, super::pickup_codes_cannot_be_guessed);

/// The ready message and the reminder reach a real SMTP server, with the
/// code in the text and its QR code as a PNG beside it.
async fn ready_and_reminder_mail_reach_the_customer(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let dir = tempfile::tempdir().expect("temp dir");
    let smtp = MailServer::start(free_port(), &dir.path().join("mail")).await;
    let (id, _, reference) = ready_order(&db, &bus, 0, "mail-1").await;
    let code = code_of(&db, id).await;
    set_collect_by(&db, id, app::db::now_ms() + 3_600_000).await;
    lifecycle::remind_due(&db, 100).await.expect("reminders");
    let worker = mailer(smtp.port, "worker-pickups");
    while worker.deliver_due(&db).await.expect("round") > 0 {}
    let messages = smtp.messages();
    let ready = messages
        .iter()
        .find(|m| m.subject == format!("Votre commande {reference} est prête"))
        .expect("the ready message");
    let shown = format!("{} {}", &code[..4], &code[4..]);
    assert!(ready.body.contains(&shown), "{}", ready.body);
    assert!(ready.body.contains("Paris Rivoli"), "{}", ready.body);
    assert!(ready.body.contains("au plus tard le"), "{}", ready.body);
    assert_eq!(ready.attachments.len(), 1, "{:?}", ready.attachments);
    assert_eq!(ready.attachments[0].1, "image/png");
    assert!(ready.attachments[0].2 > 200);
    let reminder = messages
        .iter()
        .find(|m| m.subject.starts_with("Rappel"))
        .expect("the reminder");
    assert!(reminder.body.contains(&shown));
}
both_databases!(
    pickup_mail,
    super::ready_and_reminder_mail_reach_the_customer
);

/// Other systems follow an order to collect through the API: its pickup
/// progress and, once ready, the code in `GET /orders/{reference}`, and
/// its changes on the order events stream (an API key required).
async fn other_systems_follow_a_pickup(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    let sku = stocked_sku(&app.db, &app.events, 0, &[("PAR01", 3)]).await;
    let refused = app
        .http
        .get(app.url("/api/v1/orders/events"))
        .send()
        .await
        .expect("answers");
    assert_eq!(refused.status(), 401);
    let response = app
        .http
        .get(app.url("/api/v1/orders/events?location=PAR01"))
        .bearer_auth(API_KEY)
        .send()
        .await
        .expect("stream opens");
    assert_eq!(response.status(), 200);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(server::client::read_events(response, move |event| {
        tx.send((
            event.kind.unwrap_or_default(),
            event.data.unwrap_or_default(),
        ))
        .is_ok()
    }));
    let reference = web_order(&app.db, &app.events, "PAR01", &[(&sku, 1)], "api-follow").await;
    let event = next_order_event(&mut rx).await;
    assert_eq!(event["reference"], reference.as_str());
    assert_eq!(event["change"], "new");
    let (status, body) = app.api_get(&format!("/api/v1/orders/{reference}")).await;
    assert_eq!(status, 200);
    assert!(
        body["fulfilments"][0]["pickup"]["code"].is_null(),
        "no code before ready"
    );
    let spec: serde_json::Value =
        serde_json::from_str(include_str!("../../src/openapi.json")).expect("spec");
    assert_documented(&spec, "PickupProgress", &body["fulfilments"][0]["pickup"]);
    let id = fulfilment_of(&app.db, &reference).await;
    pick_and_stage(&app.db, &app.events, &associate("PAR01"), id, "D7").await;
    let (_, body) = app.api_get(&format!("/api/v1/orders/{reference}")).await;
    assert_eq!(body["fulfilments"][0]["status"], "ready");
    assert_eq!(
        body["fulfilments"][0]["pickup"]["code"],
        code_of(&app.db, id).await.as_str()
    );
    assert!(body["fulfilments"][0]["pickup"]["collect_by"].is_i64());
    loop {
        let event = next_order_event(&mut rx).await;
        if event["status"] == "ready" {
            assert_eq!(event["slot"], "D7");
            break;
        }
    }
}
both_databases!(api_follows_pickups, super::other_systems_follow_a_pickup);

async fn next_order_event(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<(String, String)>,
) -> serde_json::Value {
    let (kind, data) = tokio::time::timeout(std::time::Duration::from_secs(2), rx.recv())
        .await
        .expect("an event within 2 s")
        .expect("stream open");
    assert_eq!(kind, "order");
    serde_json::from_str(&data).expect("JSON")
}

type Received = Arc<std::sync::Mutex<Vec<(String, String, String)>>>;

async fn keep_hook(
    axum::extract::State(store): axum::extract::State<Received>,
    headers: axum::http::HeaderMap,
    body: String,
) -> axum::http::StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    store.lock().expect("lock").push((
        header("x-webinstore-signature"),
        header("x-webinstore-delivery"),
        body,
    ));
    axum::http::StatusCode::NO_CONTENT
}

/// A subscribed system gets each order change as a signed POST from the
/// outbox: kept while it is down, delivered once when it is back.
async fn webhooks_are_signed_kept_and_sent_once(engine: Engine) {
    use server::webhooks::{Webhooks, signature};
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/hooks");
    app::services::webhooks::subscribe(&db, &url, "s3cret")
        .await
        .expect("subscribed");
    let sku = stocked_sku(&db, &bus, 0, &[("PAR01", 3)]).await;
    let reference = web_order(&db, &bus, "PAR01", &[(&sku, 1)], "hook-1").await;
    let hooks = Webhooks::new("worker-hooks").expect("client");
    // The receiver is down: nothing is lost.
    assert_eq!(hooks.deliver_due(&db).await.expect("round"), 0);
    let (status, error): (String, Option<String>) = sqlx::query_as(
        "SELECT status, last_error FROM outbox WHERE channel = 'webhook' ORDER BY id LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await
    .expect("queued");
    assert_eq!(status, "pending");
    assert!(error.is_some());
    // Back up: delivered once, signed.
    let store: Received = Arc::default();
    let receiver = axum::Router::new()
        .route("/hooks", axum::routing::post(keep_hook))
        .with_state(store.clone());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("port free");
    tokio::spawn(async move { axum::serve(listener, receiver).await });
    sqlx::query("UPDATE outbox SET next_attempt_at = 0 WHERE channel = 'webhook'")
        .execute(&db.pool)
        .await
        .expect("due now");
    assert_eq!(hooks.deliver_due(&db).await.expect("round"), 1);
    assert_eq!(hooks.deliver_due(&db).await.expect("round"), 0);
    assert_eq!(
        Webhooks::new("another-worker")
            .expect("client")
            .deliver_due(&db)
            .await
            .expect("round"),
        0,
        "a second worker sends nothing again"
    );
    let received = store.lock().expect("lock").clone();
    assert_eq!(received.len(), 1);
    let (signed, delivery, body) = &received[0];
    assert_eq!(signed, &signature("s3cret", body));
    assert!(!delivery.is_empty());
    let event: serde_json::Value = serde_json::from_str(body).expect("JSON");
    assert_eq!(event["reference"], reference.as_str());
    assert_eq!(event["change"], "new");
}
both_databases!(webhooks, super::webhooks_are_signed_kept_and_sent_once);

/// An order the customer gave up at the counter is cancelled: its stock
/// released and refunded, and its code then gets the cancellation's own
/// message, at the kiosk and at the counter.
async fn a_given_up_order_says_it_was_cancelled(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let (id, sku, _) = ready_order(&db, &bus, 0, "given-up").await;
    let code = code_of(&db, id).await;
    let proof = Proof::Code(app::domain::pickup::PickupCode::parse(&code).expect("code"));
    let nothing = HandoverRequest {
        proof: proof.clone(),
        take: Vec::new(),
        rest: Rest::Keep,
    };
    assert!(matches!(
        handover::hand_over(&db, &bus, &associate("PAR01"), id, &nothing, None).await,
        Err(AppError::NothingToHandOver)
    ));
    let give_up = HandoverRequest {
        rest: Rest::Cancel,
        ..nothing
    };
    let done = handover::hand_over(&db, &bus, &associate("PAR01"), id, &give_up, None)
        .await
        .expect("given up");
    assert_eq!(done.value.status, OrderStatus::Cancelled);
    assert_eq!(figures(&db, sku.as_str(), "PAR01").await, (4, 0, 0));
    let refunds: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM refunds WHERE reason = 'declined_at_handover'")
            .fetch_one(&db.pool)
            .await
            .expect("refunds");
    assert_eq!(refunds, 1);
    assert!(matches!(
        handover::check_in(&db, &bus, &kiosk("PAR01"), &code).await,
        Err(AppError::PickupCancelled { .. })
    ));
    assert!(matches!(
        handover::hand_over(&db, &bus, &associate("PAR01"), id, &give_up, None).await,
        Err(AppError::PickupCancelled { .. })
    ));
    assert_ledger_matches_levels(&db).await;
}
both_databases!(given_up, super::a_given_up_order_says_it_was_cancelled);
