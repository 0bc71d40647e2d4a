//! Baskets and orders on behalf: sourcing, one atomic checkout, mixed
//! baskets, kiosk hand-off, approvals, and the races that must not
//! oversell or order twice.

use crate::common::*;
use crate::stock::{q, record};
use app::db::Db;
use app::domain::basket::{DiscountPercent, PaymentMethod, PaymentStatus};
use app::domain::order::{Fulfilment, OrderStatus};
use app::domain::stock::Movement;
use app::domain::{LocationId, Role, Sku};
use app::error::AppError;
use app::model::basket::{HandedTo, ShipAddress};
use app::services::audit::Staff;
use app::services::events::EventBus;
use app::services::orders::basket::{self, BasketContact, Checkout, LineChange, NewLine, checkout};
use app::services::request_keys::RequestKey;
use std::sync::Arc;

const SHOPS: [&str; 5] = ["PAR01", "LYO01", "MRS01", "TLS01", "WH-ORL"];

pub fn staff_at(username: &str, role: Role, shop: &str) -> Staff {
    Staff {
        username: username.to_string(),
        display_name: format!("{username} (test)"),
        role,
        location: LocationId::parse(shop).expect("location id"),
        device: format!("tablet-{username}"),
    }
}

fn associate(username: &str) -> Staff {
    staff_at(username, Role::Associate, "PAR01")
}

/// The `nth` SKU holding no reservation, counted to the given figures at
/// every location (0 where none is given).
pub async fn stocked_sku(db: &Db, bus: &EventBus, nth: i64, stock: &[(&str, i64)]) -> Sku {
    let code: String = sqlx::query_scalar(
        "SELECT s.sku FROM skus s \
         WHERE NOT EXISTS (SELECT 1 FROM stock_levels l WHERE l.sku = s.sku AND l.reserved > 0) \
         ORDER BY s.ordinal LIMIT 1 OFFSET $1",
    )
    .bind(nth)
    .fetch_one(&db.pool)
    .await
    .expect("an unreserved SKU");
    let sku = Sku::parse(&code).expect("sku");
    sqlx::query("UPDATE stock_levels SET safety = 0 WHERE sku = $1")
        .bind(sku.as_str())
        .execute(&db.pool)
        .await
        .expect("safety cleared");
    for shop in SHOPS {
        let wanted = stock
            .iter()
            .find(|(s, _)| *s == shop)
            .map_or(0, |(_, n)| *n);
        record(db, bus, &sku, shop, Movement::Count(wanted), None)
            .await
            .expect("count accepted");
    }
    sku
}

fn line(sku: &Sku, quantity: i64, fulfilment: Fulfilment, pickup: Option<&str>) -> NewLine {
    NewLine {
        sku: sku.clone(),
        quantity: q(quantity),
        fulfilment: Some(fulfilment),
        pickup: pickup.map(|p| LocationId::parse(p).expect("location id")),
    }
}

fn paid_by_card() -> Checkout {
    Checkout {
        method: PaymentMethod::Card,
        reference: Some("TPE-0042".into()),
        store_credit: app::domain::Cents(0),
    }
}

fn address() -> ShipAddress {
    ShipAddress {
        name: "Camille Martin".into(),
        street: "12 rue des Lilas".into(),
        postcode: "69003".into(),
        city: "Lyon".into(),
    }
}

async fn guest_basket(db: &Db, staff: &Staff, lines: &[NewLine]) -> i64 {
    let mut id = None;
    for new in lines {
        id = Some(
            basket::add_line(db, staff, id, new)
                .await
                .expect("line added"),
        );
    }
    let id = id.expect("a line at least");
    basket::set_contact(
        db,
        staff,
        id,
        &BasketContact::Guest("camille.martin@example.fr".into()),
        app::domain::Lang::Fr,
    )
    .await
    .expect("contact set");
    id
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&db.pool)
        .await
        .expect("count runs")
}

/// The basket proposes this shop for take-now, the warehouse for the
/// others, then the nearest shop; and says why.
async fn sources_are_proposed_and_explained(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let sku = stocked_sku(
        &db,
        &bus,
        0,
        &[("PAR01", 1), ("LYO01", 4), ("MRS01", 2), ("WH-ORL", 118)],
    )
    .await;
    let staff = associate("alice");
    let id = guest_basket(
        &db,
        &staff,
        &[
            line(&sku, 1, Fulfilment::Carry, None),
            line(&sku, 2, Fulfilment::Ship, None),
            line(&sku, 3, Fulfilment::Collect, Some("LYO01")),
        ],
    )
    .await;
    let view = basket::view(&db, &staff, id).await.expect("basket shown");
    let [carry, ship, collect] = &view.lines[..] else {
        panic!("three lines: {:?}", view.lines);
    };
    let source = |l: &app::model::basket::BasketLineView| {
        l.source.as_ref().map(|s| s.option.location_id.clone())
    };
    assert_eq!(source(carry).as_deref(), Some("PAR01"));
    assert_eq!(source(ship).as_deref(), Some("WH-ORL"));
    let warehouse = ship.source.as_ref().expect("a source");
    assert_eq!(
        (warehouse.option.available, warehouse.option.lead_days),
        (118, 2)
    );
    // Collected in Lyon: Lyon has 4, enough for 3: nothing travels.
    assert_eq!(source(collect).as_deref(), Some("LYO01"));
    assert_eq!(collect.source.as_ref().map(|s| s.option.lead_days), Some(0));
    // Every other location with enough is offered, with its distance.
    let ship_options: Vec<&str> = ship
        .options
        .iter()
        .map(|o| o.option.location_id.as_str())
        .collect();
    assert_eq!(ship_options, ["WH-ORL", "LYO01", "MRS01"]);
    let lyon = &ship.options[1];
    assert!(
        (380..400).contains(&lyon.option.distance_km.unwrap_or_default()),
        "{lyon:?}"
    );
    assert_eq!(lyon.name, "Lyon Presqu'île");
    assert!(view.lines.iter().all(|l| l.problem.is_none()));
    // Prices come from the catalogue.
    let unit: i64 = sqlx::query_scalar("SELECT price_cents FROM skus WHERE sku = $1")
        .bind(sku.as_str())
        .fetch_one(&db.pool)
        .await
        .expect("price");
    assert_eq!(view.totals.net.0, unit * 6);
    // Asked for more than this shop has, take-now says how many are left.
    basket::change_line(
        &db,
        &staff,
        id,
        carry.id,
        &LineChange {
            quantity: Some(q(2)),
            ..LineChange::default()
        },
    )
    .await
    .expect("quantity changed");
    let view = basket::view(&db, &staff, id).await.expect("basket shown");
    assert!(
        matches!(
            &view.lines[0].problem,
            Some(AppError::LineShort { available: 1, .. })
        ),
        "{:?}",
        view.lines[0].problem
    );
}
both_databases!(sourcing, super::sources_are_proposed_and_explained);

/// One item now, one shipped home from the warehouse, one to collect in
/// Lyon: one order, one reference, three fulfilments, the stock sold and
/// reserved where it should be.
async fn a_mixed_basket_is_one_order(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let now_sku = stocked_sku(&db, &bus, 0, &[("PAR01", 3)]).await;
    let home_sku = stocked_sku(&db, &bus, 1, &[("WH-ORL", 10)]).await;
    let lyon_sku = stocked_sku(&db, &bus, 2, &[("LYO01", 2), ("WH-ORL", 5)]).await;
    let staff = associate("alice");
    let id = guest_basket(
        &db,
        &staff,
        &[
            line(&now_sku, 1, Fulfilment::Carry, None),
            line(&home_sku, 2, Fulfilment::Ship, None),
            line(&lyon_sku, 1, Fulfilment::Collect, Some("LYO01")),
        ],
    )
    .await;
    // Shipping home needs an address; a wrong postcode is refused.
    let refused = checkout(&db, &bus, &staff, id, &paid_by_card(), None).await;
    assert_eq!(refused, Err(AppError::ShipAddressRequired));
    let mut bad = address();
    bad.postcode = "6900".into();
    basket::set_ship_address(&db, &staff, id, &bad)
        .await
        .expect("kept until checkout");
    let refused = checkout(&db, &bus, &staff, id, &paid_by_card(), None).await;
    assert!(
        matches!(refused, Err(AppError::InvalidPostcode { .. })),
        "{refused:?}"
    );
    basket::set_ship_address(&db, &staff, id, &address())
        .await
        .expect("address set");
    let done = checkout(&db, &bus, &staff, id, &paid_by_card(), None)
        .await
        .expect("ordered");
    assert!(!done.replayed);
    let receipt = done.value;
    assert!(
        receipt.reference.starts_with("STORE-"),
        "{}",
        receipt.reference
    );
    assert_eq!(receipt.payment_status, PaymentStatus::Paid);
    assert_eq!(receipt.payment_reference.as_deref(), Some("TPE-0042"));
    let kinds: Vec<(Fulfilment, OrderStatus, Option<&str>)> = receipt
        .fulfilments
        .iter()
        .map(|f| (f.kind, f.status, f.source_location_id.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        [
            (Fulfilment::Carry, OrderStatus::Completed, Some("PAR01")),
            (Fulfilment::Ship, OrderStatus::Placed, Some("WH-ORL")),
            (Fulfilment::Collect, OrderStatus::Placed, Some("LYO01")),
        ]
    );
    assert_eq!(receipt.status, OrderStatus::Placed);
    assert!(
        receipt.fulfilments[1]
            .ship_address
            .as_deref()
            .is_some_and(|a| a.contains("69003 Lyon"))
    );
    // Sold from the shelf, reserved at the sources.
    assert_eq!(figures(&db, now_sku.as_str(), "PAR01").await, (2, 0, 0));
    assert_eq!(figures(&db, home_sku.as_str(), "WH-ORL").await, (10, 2, 0));
    assert_eq!(figures(&db, lyon_sku.as_str(), "LYO01").await, (2, 1, 0));
    let held = count(
        &db,
        &format!(
            "SELECT COUNT(*) FROM reservations r JOIN order_lines l ON l.id = r.order_line_id \
             WHERE l.order_id = {} AND r.status = 'held'",
            receipt.order_id
        ),
    )
    .await;
    assert_eq!(held, 2);
    let paid: i64 = sqlx::query_scalar("SELECT amount_cents FROM payments WHERE order_id = $1")
        .bind(receipt.order_id)
        .fetch_one(&db.pool)
        .await
        .expect("payment recorded");
    assert_eq!(paid, receipt.totals.net.0);
    assert_ledger_matches_levels(&db).await;
    // The basket is done with: changing it is refused with its order.
    let again = basket::add_line(
        &db,
        &staff,
        Some(id),
        &line(&now_sku, 1, Fulfilment::Carry, None),
    )
    .await;
    assert_eq!(
        again,
        Err(AppError::BasketOrdered {
            reference: receipt.reference.clone()
        })
    );
}
both_databases!(mixed_basket, super::a_mixed_basket_is_one_order);

/// One line no longer available at its source: the screen names it, and
/// nothing at all is written, not even the lines that had stock.
async fn a_short_line_writes_nothing(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let fine = stocked_sku(&db, &bus, 0, &[("PAR01", 3), ("WH-ORL", 5)]).await;
    let short = stocked_sku(&db, &bus, 1, &[("LYO01", 1), ("WH-ORL", 1)]).await;
    let staff = associate("alice");
    let id = guest_basket(
        &db,
        &staff,
        &[
            line(&fine, 1, Fulfilment::Carry, None),
            line(&short, 1, Fulfilment::Collect, Some("PAR01")),
        ],
    )
    .await;
    // The associate picked Lyon; Lyon sells its last one meanwhile.
    let view = basket::view(&db, &staff, id).await.expect("shown");
    basket::change_line(
        &db,
        &staff,
        id,
        view.lines[1].id,
        &LineChange {
            source: Some(Some(LocationId::parse("LYO01").expect("id"))),
            ..LineChange::default()
        },
    )
    .await
    .expect("source chosen");
    record(&db, &bus, &short, "LYO01", Movement::Sale(q(1)), None)
        .await
        .expect("sold in Lyon");
    let orders_before = count(&db, "SELECT COUNT(*) FROM orders").await;
    let ledger_before = ledger_lines(&db).await;
    let refused = checkout(&db, &bus, &staff, id, &paid_by_card(), None).await;
    assert_eq!(
        refused,
        Err(AppError::LineShort {
            sku: short.to_string(),
            location: "LYO01".into(),
            available: 0
        })
    );
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM orders").await,
        orders_before
    );
    assert_eq!(ledger_lines(&db).await, ledger_before);
    assert_eq!(figures(&db, fine.as_str(), "PAR01").await, (3, 0, 0));
    // The basket is still open; its line offers the next source.
    let view = basket::view(&db, &staff, id).await.expect("still open");
    assert!(view.lines[1].problem.is_some());
    assert_eq!(
        view.lines[1]
            .options
            .first()
            .map(|o| o.option.location_id.as_str()),
        Some("WH-ORL")
    );
    basket::change_line(
        &db,
        &staff,
        id,
        view.lines[1].id,
        &LineChange {
            source: Some(None),
            ..LineChange::default()
        },
    )
    .await
    .expect("back to the proposal");
    let done = checkout(&db, &bus, &staff, id, &paid_by_card(), None)
        .await
        .expect("ordered from the warehouse");
    assert_eq!(
        done.value.fulfilments[1].source_location_id.as_deref(),
        Some("WH-ORL")
    );
    assert_ledger_matches_levels(&db).await;
}
both_databases!(all_or_nothing, super::a_short_line_writes_nothing);

/// Fifty associates check out a basket with one unit of the same SKU at
/// once; the warehouse has three: exactly three orders, no oversell.
async fn fifty_checkouts_race_for_three_units(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let sku = stocked_sku(&db, &bus, 0, &[("WH-ORL", 3)]).await;
    let mut baskets = Vec::new();
    for n in 0..50 {
        let staff = associate(&format!("associate{n}"));
        let id = guest_basket(&db, &staff, &[line(&sku, 1, Fulfilment::Collect, None)]).await;
        baskets.push((staff, id));
    }
    let (db, bus) = (Arc::new(db), Arc::new(bus));
    let racers: Vec<_> = baskets
        .into_iter()
        .map(|(staff, id)| {
            let (db, bus) = (db.clone(), bus.clone());
            tokio::spawn(
                async move { checkout(&db, &bus, &staff, id, &paid_by_card(), None).await },
            )
        })
        .collect();
    let (mut ordered, mut short) = (0, 0);
    for racer in racers {
        match racer.await.expect("racer finished") {
            Ok(_) => ordered += 1,
            Err(AppError::LineShort { .. } | AppError::NoSource { .. }) => short += 1,
            Err(other) => panic!("unexpected refusal {other:?}"),
        }
    }
    assert_eq!((ordered, short), (3, 47));
    assert_eq!(figures(&db, sku.as_str(), "WH-ORL").await, (3, 3, 0));
    assert_eq!(
        count(
            &db,
            "SELECT COUNT(*) FROM baskets WHERE order_id IS NOT NULL"
        )
        .await,
        3
    );
    assert_ledger_matches_levels(&db).await;
}
both_databases!(checkout_race, super::fifty_checkouts_race_for_three_units);

/// The same checkout sent twenty times at once, with one key: one order,
/// twenty identical answers. Without a key, sent again, the basket still
/// makes one order.
async fn twenty_copies_make_one_order(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let sku = stocked_sku(&db, &bus, 0, &[("WH-ORL", 10)]).await;
    let staff = associate("alice");
    let id = guest_basket(&db, &staff, &[line(&sku, 2, Fulfilment::Collect, None)]).await;
    let key = RequestKey::new("staff:alice", "checkout-1", &format!("basket {id}"))
        .expect("key")
        .from_a_form();
    let (db, bus) = (Arc::new(db), Arc::new(bus));
    let copies: Vec<_> = (0..20)
        .map(|_| {
            let (db, bus, staff, key) = (db.clone(), bus.clone(), staff.clone(), key.clone());
            tokio::spawn(async move {
                checkout(&db, &bus, &staff, id, &paid_by_card(), Some(&key)).await
            })
        })
        .collect();
    let mut references = std::collections::BTreeSet::new();
    let mut first = 0;
    for copy in copies {
        let done = copy.await.expect("copy finished").expect("answered");
        if !done.replayed {
            first += 1;
        }
        references.insert(done.value.reference);
    }
    assert_eq!(first, 1);
    assert_eq!(references.len(), 1);
    assert_eq!(figures(&db, sku.as_str(), "WH-ORL").await, (10, 2, 0));
    // A resend after a reload comes with a new key: still the same order.
    let resent = checkout(&db, &bus, &staff, id, &paid_by_card(), None)
        .await
        .expect("answered");
    assert!(resent.replayed);
    assert!(references.contains(&resent.value.reference));
    let orders = count(
        &db,
        "SELECT COUNT(*) FROM baskets WHERE order_id IS NOT NULL",
    )
    .await;
    assert_eq!(orders, 1);
    assert_ledger_matches_levels(&db).await;
}
both_databases!(checkout_once, super::twenty_copies_make_one_order);

/// More than 10 % off needs a manager: the basket goes to the manager's
/// PC by its code, the approval is recorded (who, when, why), and only
/// then can the order be placed.
async fn a_large_discount_needs_a_manager(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let sku = stocked_sku(&db, &bus, 0, &[("PAR01", 5)]).await;
    let alice = associate("alice");
    let id = guest_basket(&db, &alice, &[line(&sku, 1, Fulfilment::Carry, None)]).await;
    let line_id = basket::view(&db, &alice, id).await.expect("shown").lines[0].id;
    let discount = |percent| LineChange {
        discount: Some(DiscountPercent::new(percent).expect("percent")),
        ..LineChange::default()
    };
    basket::change_line(&db, &alice, id, line_id, &discount(10))
        .await
        .expect("10 % is the associate's");
    assert!(!basket::view(&db, &alice, id).await.expect("shown").lines[0].needs_approval);
    basket::change_line(&db, &alice, id, line_id, &discount(25))
        .await
        .expect("asked");
    assert!(basket::view(&db, &alice, id).await.expect("shown").lines[0].needs_approval);
    let refused = checkout(&db, &bus, &alice, id, &paid_by_card(), None).await;
    assert!(
        matches!(
            refused,
            Err(AppError::DiscountNeedsApproval {
                percent: 25,
                limit: 10,
                ..
            })
        ),
        "{refused:?}"
    );
    // An associate cannot approve.
    assert_eq!(
        basket::approve_discount(&db, &alice, id, line_id, "fidèle").await,
        Err(AppError::Forbidden)
    );
    let code = basket::hand_off(&db, &alice, id, HandedTo::Manager)
        .await
        .expect("handed");
    // Handed away, the basket no longer changes on the tablet.
    assert_eq!(
        basket::change_line(&db, &alice, id, line_id, &discount(5)).await,
        Err(AppError::BasketClosed)
    );
    // Another associate cannot open a basket waiting for a manager.
    let bob = associate("bob");
    assert!(matches!(
        basket::claim(&db, &bob, &code).await,
        Err(AppError::UnknownHandoffCode { .. })
    ));
    let manager = staff_at("marie", Role::Manager, "PAR01");
    let waiting = basket::waiting(&db, &manager).await.expect("listed");
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].handed_by, "alice");
    let claimed = basket::claim(&db, &manager, &code.to_lowercase())
        .await
        .expect("claimed");
    assert_eq!(claimed, id);
    assert_eq!(
        basket::approve_discount(&db, &manager, id, line_id, "  ").await,
        Err(AppError::ApprovalReasonRequired)
    );
    let approval = basket::approve_discount(&db, &manager, id, line_id, "Cliente fidèle, accroc")
        .await
        .expect("approved");
    assert_eq!(approval.percent, 25);
    let (requested, approved): (String, String) =
        sqlx::query_as("SELECT requested_by, approved_by FROM discount_approvals WHERE id = $1")
            .bind(approval.id)
            .fetch_one(&db.pool)
            .await
            .expect("approval recorded");
    assert_eq!((requested.as_str(), approved.as_str()), ("alice", "marie"));
    // Back to the tablet to take payment.
    let code = basket::hand_off(&db, &manager, id, HandedTo::Associate)
        .await
        .expect("handed back");
    basket::claim(&db, &alice, &code)
        .await
        .expect("claimed back");
    let done = checkout(&db, &bus, &alice, id, &paid_by_card(), None)
        .await
        .expect("ordered");
    let gross = done.value.totals.gross.0;
    assert_eq!(done.value.totals.discount.0, (gross * 25 + 99) / 100);
    // Raising the discount after the approval needs a new one.
    let sku2 = stocked_sku(&db, &bus, 1, &[("PAR01", 5)]).await;
    let id2 = guest_basket(&db, &alice, &[line(&sku2, 1, Fulfilment::Carry, None)]).await;
    let line2 = basket::view(&db, &alice, id2).await.expect("shown").lines[0].id;
    basket::change_line(&db, &alice, id2, line2, &discount(30))
        .await
        .expect("asked");
    // The first basket's approval does not count for this one.
    let forged = checkout(&db, &bus, &alice, id2, &paid_by_card(), None).await;
    assert!(matches!(
        forged,
        Err(AppError::DiscountNeedsApproval { .. })
    ));
}
both_databases!(discount_approval, super::a_large_discount_needs_a_manager);

/// A customer builds a basket at the kiosk (nothing taken now) and pays
/// at the till: the associate opens it by its code; a second tablet
/// typing the same code is told it is gone.
async fn a_kiosk_basket_is_finished_at_the_till(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let sku = stocked_sku(&db, &bus, 0, &[("WH-ORL", 4)]).await;
    let kiosk = staff_at("kiosk-par", Role::Kiosk, "PAR01");
    assert_eq!(
        basket::add_line(&db, &kiosk, None, &line(&sku, 1, Fulfilment::Carry, None)).await,
        Err(AppError::TakeNowNotAtKiosk)
    );
    let id = basket::add_line(
        &db,
        &kiosk,
        None,
        &NewLine {
            fulfilment: None,
            ..line(&sku, 1, Fulfilment::Collect, None)
        },
    )
    .await
    .expect("added");
    assert_eq!(basket::current(&db, &kiosk).await.expect("read"), Some(id));
    // The kiosk sees when, never where from or how many.
    let view = basket::view(&db, &kiosk, id).await.expect("shown");
    assert_eq!(view.lines[0].fulfilment, Fulfilment::Collect);
    assert!(view.lines[0].options.is_empty());
    assert_eq!(
        view.lines[0].source.as_ref().map(|s| s.option.available),
        Some(0)
    );
    // A kiosk cannot name a customer of Customer 360.
    assert_eq!(
        basket::set_contact(
            &db,
            &kiosk,
            id,
            &BasketContact::Customer(1),
            app::domain::Lang::Fr
        )
        .await,
        Err(AppError::Forbidden)
    );
    basket::set_contact(
        &db,
        &kiosk,
        id,
        &BasketContact::Guest("Lea.Dubois@Example.fr".into()),
        app::domain::Lang::En,
    )
    .await
    .expect("own e-mail");
    // The kiosk cannot place the order itself.
    assert_eq!(
        checkout(&db, &bus, &kiosk, id, &paid_by_card(), None).await,
        Err(AppError::Forbidden)
    );
    let code = basket::hand_off(&db, &kiosk, id, HandedTo::Associate)
        .await
        .expect("handed");
    assert_eq!(basket::current(&db, &kiosk).await.expect("read"), None);
    // Another shop's associate cannot open it.
    let lyon = staff_at("louis", Role::Associate, "LYO01");
    assert!(basket::claim(&db, &lyon, &code).await.is_err());
    let alice = associate("alice");
    let bob = associate("bob");
    let scanned = format!("PANIER-{code}");
    let (a, b) = tokio::join!(
        basket::claim(&db, &alice, &scanned),
        basket::claim(&db, &bob, &code)
    );
    let (winner, loser) = match (a, b) {
        (Ok(_), Err(e)) => (alice, e),
        (Err(e), Ok(_)) => (bob, e),
        other => panic!("exactly one claim wins: {other:?}"),
    };
    assert!(matches!(loser, AppError::UnknownHandoffCode { .. }));
    let view = basket::view(&db, &winner, id).await.expect("opened");
    assert_eq!(view.guest_email.as_deref(), Some("lea.dubois@example.fr"));
    assert_eq!(view.lang, app::domain::Lang::En);
    let done = checkout(&db, &bus, &winner, id, &paid_by_card(), None)
        .await
        .expect("ordered");
    assert!(
        done.value.reference.starts_with("KIOSK-"),
        "{}",
        done.value.reference
    );
    assert_eq!(done.value.lang, app::domain::Lang::En);
    assert_eq!(figures(&db, sku.as_str(), "WH-ORL").await, (4, 1, 0));
}
both_databases!(
    kiosk_hand_off,
    super::a_kiosk_basket_is_finished_at_the_till
);

/// Paid by link: nothing may be taken now, the order waits for its
/// payment with a deadline, and its stock is held meanwhile.
async fn a_pay_by_link_order_waits_for_its_payment(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let sku = stocked_sku(&db, &bus, 0, &[("PAR01", 2), ("WH-ORL", 4)]).await;
    let staff = associate("alice");
    let link = Checkout {
        method: PaymentMethod::Link,
        reference: None,
        store_credit: app::domain::Cents(0),
    };
    let id = guest_basket(&db, &staff, &[line(&sku, 1, Fulfilment::Carry, None)]).await;
    assert_eq!(
        checkout(&db, &bus, &staff, id, &link, None).await,
        Err(AppError::TakeNowNeedsTill)
    );
    let card_without_reference = Checkout {
        method: PaymentMethod::Card,
        reference: Some("  ".into()),
        store_credit: app::domain::Cents(0),
    };
    assert_eq!(
        checkout(&db, &bus, &staff, id, &card_without_reference, None).await,
        Err(AppError::PaymentReferenceRequired)
    );
    let view = basket::view(&db, &staff, id).await.expect("shown");
    basket::change_line(
        &db,
        &staff,
        id,
        view.lines[0].id,
        &LineChange {
            fulfilment: Some(Fulfilment::Ship),
            ..LineChange::default()
        },
    )
    .await
    .expect("ship instead");
    basket::set_ship_address(&db, &staff, id, &address())
        .await
        .expect("address");
    let receipt = checkout(&db, &bus, &staff, id, &link, None)
        .await
        .expect("ordered")
        .value;
    assert_eq!(receipt.payment_status, PaymentStatus::Awaiting);
    let wait = receipt.pay_by.expect("a deadline") - receipt.created_at;
    assert_eq!(wait, 2880 * 60_000);
    assert_eq!(figures(&db, sku.as_str(), "WH-ORL").await, (4, 1, 0));
    let payments = count(
        &db,
        &format!(
            "SELECT COUNT(*) FROM payments WHERE order_id = {}",
            receipt.order_id
        ),
    )
    .await;
    assert_eq!(payments, 0);
}
both_databases!(
    pay_by_link,
    super::a_pay_by_link_order_waits_for_its_payment
);

/// Who the order is for is required, and checked.
async fn an_order_needs_someone_to_confirm_to(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let sku = stocked_sku(&db, &bus, 0, &[("PAR01", 2)]).await;
    let staff = associate("alice");
    let id = basket::add_line(&db, &staff, None, &line(&sku, 1, Fulfilment::Carry, None))
        .await
        .expect("added");
    assert_eq!(
        checkout(&db, &bus, &staff, id, &paid_by_card(), None).await,
        Err(AppError::ContactRequired)
    );
    assert!(matches!(
        basket::set_contact(
            &db,
            &staff,
            id,
            &BasketContact::Guest("pas-une-adresse".into()),
            app::domain::Lang::Fr
        )
        .await,
        Err(AppError::InvalidEmail { .. })
    ));
    let customer: i64 = sqlx::query_scalar(
        "SELECT id FROM customers WHERE erased_at IS NULL AND street <> '' ORDER BY id LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await
    .expect("a customer");
    basket::set_contact(
        &db,
        &staff,
        id,
        &BasketContact::Customer(customer),
        app::domain::Lang::Fr,
    )
    .await
    .expect("customer set");
    let view = basket::view(&db, &staff, id).await.expect("shown");
    assert_eq!(view.customer.as_ref().map(|c| c.id), Some(customer));
    // The customer's address is the default ship-home address.
    assert!(!view.ship.street.is_empty());
    let receipt = checkout(&db, &bus, &staff, id, &paid_by_card(), None)
        .await
        .expect("ordered")
        .value;
    assert_eq!(receipt.customer_id, Some(customer));
    let email: String = sqlx::query_scalar("SELECT email FROM customers WHERE id = $1")
        .bind(customer)
        .fetch_one(&db.pool)
        .await
        .expect("email");
    assert_eq!(receipt.contact_email, Some(email));
    // Someone else's basket is not visible, nor changeable.
    let bob = associate("bob");
    assert_eq!(
        basket::view(&db, &bob, id).await,
        Err(AppError::UnknownBasket)
    );
}
both_databases!(contact, super::an_order_needs_someone_to_confirm_to);

/// The basket's server functions over HTTP, as the browser calls them:
/// roles checked, a checkout sent twice with its key answered once.
async fn the_basket_over_http(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    let sku = stocked_sku(&app.db, &app.events, 0, &[("PAR01", 3)]).await;
    let associate = app.sign_in("associate").await;
    let kiosk = app.sign_in("kiosk").await;
    // Nobody signed in: refused.
    let (status, _) = app.call(None, "basket_current", &[]).await;
    assert_eq!(status, 401);
    let (status, id) = app
        .call(
            Some(&associate),
            "basket_add",
            &[("sku", sku.as_str()), ("quantity", "2")],
        )
        .await;
    assert_eq!(status, 200, "{id}");
    let basket = id.as_i64().expect("a basket id").to_string();
    let (status, view) = app.call(Some(&associate), "basket_current", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(view["lines"][0]["fulfilment"], "carry");
    assert_eq!(view["lines"][0]["quantity"], 2);
    // The kiosk has its own basket, not the associate's, and cannot check out.
    let (_, none) = app.call(Some(&kiosk), "basket_current", &[]).await;
    assert!(none.is_null(), "{none}");
    let (status, body) = app
        .call(
            Some(&kiosk),
            "basket_checkout",
            &[("basket", basket.as_str()), ("method", "cash")],
        )
        .await;
    assert_eq!((status, body["reason"].as_str()), (403, Some("forbidden")));
    // Bad input is refused with what was wrong.
    let (status, body) = app
        .call(
            Some(&associate),
            "basket_line",
            &[
                ("basket", basket.as_str()),
                ("line", &view["lines"][0]["id"].to_string()),
                ("discount", "ten"),
            ],
        )
        .await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (422, Some("discount_invalid"))
    );
    let (status, _) = app
        .call(
            Some(&associate),
            "basket_contact",
            &[("basket", basket.as_str()), ("email", "lea@example.fr")],
        )
        .await;
    assert_eq!(status, 200);
    let checkout_form = [
        ("basket", basket.as_str()),
        ("method", "card"),
        ("reference", "TPE-7"),
        ("request_key", "key-123"),
    ];
    let (status, first) = app
        .call(Some(&associate), "basket_checkout", &checkout_form)
        .await;
    assert_eq!(status, 200, "{first}");
    let (status, second) = app
        .call(Some(&associate), "basket_checkout", &checkout_form)
        .await;
    assert_eq!(status, 200);
    assert_eq!(first["reference"], second["reference"]);
    assert_eq!(figures(&app.db, sku.as_str(), "PAR01").await, (1, 0, 0));
    assert_ledger_matches_levels(&app.db).await;
}
both_databases!(basket_http, super::the_basket_over_http);
