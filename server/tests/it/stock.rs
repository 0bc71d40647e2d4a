//! The stock service on a real database: every rule, every refusal, and the
//! ledger always equal to the levels.

use crate::common::*;
use app::db::Db;
use app::domain::stock::{Movement, StockEvent};
use app::domain::{LocationId, Quantity, Sku};
use app::error::AppError;
use app::services::events::EventBus;
use app::services::stock::{MovementRequest, TransferRequest, record_movement, transfer};

pub fn sku(code: &str) -> Sku {
    Sku::parse(code).expect("valid SKU")
}

pub fn loc(id: &str) -> LocationId {
    LocationId::parse(id).expect("valid location")
}

pub fn q(n: i64) -> Quantity {
    Quantity::new(n).expect("valid quantity")
}

/// A SKU with nothing reserved at PAR01 and LYO01, set to known figures.
pub async fn prepared_sku(db: &Db, bus: &EventBus, on_hand: i64, safety: i64) -> Sku {
    let code: String = sqlx::query_scalar(
        "SELECT s.sku FROM skus s \
         WHERE NOT EXISTS (SELECT 1 FROM stock_levels l WHERE l.sku = s.sku AND l.reserved > 0) \
         ORDER BY s.ordinal LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await
    .expect("an unreserved SKU");
    let code = sku(&code);
    record(db, bus, &code, "PAR01", Movement::Count(on_hand), None)
        .await
        .expect("count accepted");
    sqlx::query("UPDATE stock_levels SET safety = $1 WHERE sku = $2 AND location_id = 'PAR01'")
        .bind(safety)
        .bind(code.as_str())
        .execute(&db.pool)
        .await
        .expect("safety set");
    code
}

pub async fn record(
    db: &Db,
    bus: &EventBus,
    code: &Sku,
    location: &str,
    movement: Movement,
    reason: Option<&str>,
) -> Result<app::domain::stock::StockEvent, AppError> {
    let request = MovementRequest {
        sku: code.clone(),
        location: loc(location),
        movement,
        reason: reason.map(str::to_string),
        reference: None,
    };
    record_movement(db, bus, request, &tester(), None)
        .await
        .map(|done| done.value)
}

/// A transfer without a request key.
pub async fn send(
    db: &Db,
    bus: &EventBus,
    code: &Sku,
    from: &str,
    to: &str,
    quantity: i64,
) -> Result<(StockEvent, StockEvent), AppError> {
    let request = TransferRequest {
        sku: code.clone(),
        from: loc(from),
        to: loc(to),
        quantity: q(quantity),
    };
    transfer(db, bus, &request, &tester(), None)
        .await
        .map(|done| done.value)
}

async fn sales_respect_available_stock(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    assert_engine(&db, engine);
    let bus = bus_for(&db);
    let code = prepared_sku(&db, &bus, 5, 1).await;

    let event = record(&db, &bus, &code, "PAR01", Movement::Sale(q(4)), None)
        .await
        .expect("4 of 4 available");
    assert_eq!((event.on_hand, event.reserved, event.available), (1, 0, 0));

    let lines = ledger_lines(&db).await;
    let refused = record(&db, &bus, &code, "PAR01", Movement::Sale(q(1)), None).await;
    assert_eq!(refused, Err(AppError::NotEnoughStock { available: 0 }));
    assert_eq!(ledger_lines(&db).await, lines, "a refusal writes nothing");
    assert_eq!(figures(&db, code.as_str(), "PAR01").await, (1, 0, 1));
    assert_ledger_matches_levels(&db).await;
}
both_databases!(
    sales_respect_available_stock_test,
    super::sales_respect_available_stock
);

async fn reservations_hold_and_release(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let code = prepared_sku(&db, &bus, 5, 0).await;

    record(&db, &bus, &code, "PAR01", Movement::Reservation(q(3)), None)
        .await
        .expect("3 of 5");
    assert!(matches!(
        record(&db, &bus, &code, "PAR01", Movement::Reservation(q(3)), None).await,
        Err(AppError::NotEnoughStock { available: 2 })
    ));
    // Reserved goods cannot be sold to someone else or sent away, and the
    // refusal says that orders hold them.
    assert!(
        record(&db, &bus, &code, "PAR01", Movement::Sale(q(3)), None)
            .await
            .is_err()
    );
    assert_eq!(
        record(
            &db,
            &bus,
            &code,
            "PAR01",
            Movement::Adjustment(-3),
            Some("Theft")
        )
        .await,
        Err(AppError::NotEnoughFree {
            free: 2,
            reserved: 3
        })
    );

    let handed = record(&db, &bus, &code, "PAR01", Movement::Handover(q(2)), None)
        .await
        .expect("2 of 3 held");
    assert_eq!((handed.on_hand, handed.reserved), (3, 1));
    record(&db, &bus, &code, "PAR01", Movement::Release(q(1)), None)
        .await
        .expect("1 held");
    assert_eq!(
        record(&db, &bus, &code, "PAR01", Movement::Release(q(1)), None).await,
        Err(AppError::NotReserved { reserved: 0 })
    );
    assert_eq!(figures(&db, code.as_str(), "PAR01").await, (3, 0, 0));
    assert_ledger_matches_levels(&db).await;
}
both_databases!(
    reservations_hold_and_release_test,
    super::reservations_hold_and_release
);

async fn counts_replace_on_hand_and_record_the_difference(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let code = prepared_sku(&db, &bus, 7, 0).await;

    let event = record(&db, &bus, &code, "PAR01", Movement::Count(4), None)
        .await
        .expect("count");
    assert_eq!(event.on_hand, 4);
    let delta: i64 = sqlx::query_scalar("SELECT on_hand_delta FROM stock_movements WHERE seq = $1")
        .bind(event.seq)
        .fetch_one(&db.pool)
        .await
        .expect("ledger line");
    assert_eq!(delta, -3);

    record(&db, &bus, &code, "PAR01", Movement::Reservation(q(2)), None)
        .await
        .expect("reserve 2");
    assert_eq!(
        record(&db, &bus, &code, "PAR01", Movement::Count(1), None).await,
        Err(AppError::CountBelowReserved {
            counted: 1,
            reserved: 2
        })
    );
    assert_ledger_matches_levels(&db).await;
}
both_databases!(
    counts_test,
    super::counts_replace_on_hand_and_record_the_difference
);

async fn transfers_move_both_sides_or_nothing(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let code = prepared_sku(&db, &bus, 6, 0).await;
    let lyon_before = figures(&db, code.as_str(), "LYO01").await.0;

    let (out, into) = send(&db, &bus, &code, "PAR01", "LYO01", 4)
        .await
        .expect("transfer");
    assert_eq!(out.on_hand, 2);
    assert_eq!(into.on_hand, lyon_before + 4);
    let references: Vec<Option<String>> =
        sqlx::query_scalar("SELECT reference FROM stock_movements WHERE seq IN ($1, $2)")
            .bind(out.seq)
            .bind(into.seq)
            .fetch_all(&db.pool)
            .await
            .expect("ledger lines");
    assert_eq!(references.len(), 2);
    assert_eq!(
        references[0], references[1],
        "both lines share one reference"
    );

    // Refusals leave both sides as they were.
    let lines = ledger_lines(&db).await;
    let send = |to: &'static str, n: i64| send(&db, &bus, &code, "PAR01", to, n);
    assert_eq!(
        send("LYO01", 3).await,
        Err(AppError::NotEnoughOnHand { on_hand: 2 })
    );
    assert_eq!(
        send("NOWHERE1", 1).await,
        Err(AppError::UnknownLocation {
            location: "NOWHERE1".into()
        })
    );
    assert_eq!(send("PAR01", 1).await, Err(AppError::SameLocation));
    assert_eq!(ledger_lines(&db).await, lines);
    assert_eq!(figures(&db, code.as_str(), "PAR01").await.0, 2);
    assert_eq!(
        figures(&db, code.as_str(), "LYO01").await.0,
        lyon_before + 4
    );
    assert_ledger_matches_levels(&db).await;
}
both_databases!(transfers_test, super::transfers_move_both_sides_or_nothing);

async fn unknown_codes_and_missing_reasons_are_explained(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let code = prepared_sku(&db, &bus, 3, 0).await;
    let lines = ledger_lines(&db).await;

    assert_eq!(
        record(
            &db,
            &bus,
            &sku("NOPE-0000-X"),
            "PAR01",
            Movement::Receipt(q(1)),
            None
        )
        .await,
        Err(AppError::UnknownSku {
            sku: "NOPE-0000-X".into()
        })
    );
    assert_eq!(
        record(&db, &bus, &code, "ZZZ99", Movement::Receipt(q(1)), None).await,
        Err(AppError::UnknownLocation {
            location: "ZZZ99".into()
        })
    );
    assert_eq!(
        record(&db, &bus, &code, "PAR01", Movement::Adjustment(2), None).await,
        Err(AppError::ReasonRequired)
    );
    let long = "x".repeat(201);
    assert_eq!(
        record(
            &db,
            &bus,
            &code,
            "PAR01",
            Movement::Adjustment(2),
            Some(&long)
        )
        .await,
        Err(AppError::TextTooLong {
            field: app::error::TextField::Reason,
            max: 200
        })
    );
    assert_eq!(ledger_lines(&db).await, lines, "nothing written");
}
both_databases!(
    refusals_test,
    super::unknown_codes_and_missing_reasons_are_explained
);

async fn a_new_location_for_a_sku_starts_empty(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let code = prepared_sku(&db, &bus, 3, 0).await;
    sqlx::query("DELETE FROM stock_movements WHERE sku = $1 AND location_id = 'MRS01'")
        .bind(code.as_str())
        .execute(&db.pool)
        .await
        .expect("ledger cleared");
    sqlx::query("DELETE FROM stock_levels WHERE sku = $1 AND location_id = 'MRS01'")
        .bind(code.as_str())
        .execute(&db.pool)
        .await
        .expect("level removed");
    assert!(
        record(&db, &bus, &code, "MRS01", Movement::Sale(q(1)), None)
            .await
            .is_err()
    );
    let event = record(&db, &bus, &code, "MRS01", Movement::Receipt(q(2)), None)
        .await
        .expect("receipt creates the level");
    assert_eq!(event.on_hand, 2);
    assert_ledger_matches_levels(&db).await;
}
both_databases!(new_level_test, super::a_new_location_for_a_sku_starts_empty);

/// Several movements recorded together (a handover's lines, a return's):
/// each level moved as alone, in the order asked, its ledger line and
/// sequence number kept; a level that would cross a floor refuses the
/// whole change; a level never stocked is created; two movements of one
/// level are both recorded.
async fn movements_recorded_together(engine: Engine) {
    use app::services::stock::apply_movements;
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let bus = bus_for(&db);
    let codes: Vec<String> = sqlx::query_scalar(
        "SELECT s.sku FROM skus s \
         WHERE NOT EXISTS (SELECT 1 FROM stock_levels l WHERE l.sku = s.sku AND l.reserved > 0) \
         ORDER BY s.ordinal LIMIT 2",
    )
    .fetch_all(&db.pool)
    .await
    .expect("two unreserved SKUs");
    let (a, b) = (sku(&codes[0]), sku(&codes[1]));
    for code in [&a, &b] {
        record(&db, &bus, code, "PAR01", Movement::Count(5), None)
            .await
            .expect("counted");
    }
    sqlx::query("UPDATE stock_levels SET safety = 0 WHERE sku IN ($1, $2)")
        .bind(a.as_str())
        .bind(b.as_str())
        .execute(&db.pool)
        .await
        .expect("no safety stock");
    let moves = |first: Movement, second: Movement, second_at: &str| {
        vec![
            MovementRequest {
                sku: a.clone(),
                location: loc("PAR01"),
                movement: first,
                reason: None,
                reference: Some("T-1".to_string()),
            },
            MovementRequest {
                sku: b.clone(),
                location: loc(second_at),
                movement: second,
                reason: None,
                reference: Some("T-1".to_string()),
            },
        ]
    };

    // Both levels move, each event in the order asked.
    let mut tx = db.begin_write().await.expect("transaction");
    let events = apply_movements(
        &mut tx,
        &moves(Movement::Sale(q(2)), Movement::Receipt(q(3)), "PAR01"),
        Some("T-1"),
        &tester(),
    )
    .await
    .expect("both recorded");
    tx.commit().await.expect("committed");
    assert_eq!(events.len(), 2);
    assert_eq!((events[0].sku.as_str(), events[0].on_hand), (a.as_str(), 3));
    assert_eq!((events[1].sku.as_str(), events[1].on_hand), (b.as_str(), 8));
    assert_ne!(events[0].seq, events[1].seq);
    for event in &events {
        let (last_seq, kind, after): (i64, String, i64) = sqlx::query_as(
            "SELECT l.last_seq, m.kind, m.on_hand_after FROM stock_levels l \
             JOIN stock_movements m ON m.seq = l.last_seq \
             WHERE l.sku = $1 AND l.location_id = 'PAR01'",
        )
        .bind(event.sku.as_str())
        .fetch_one(&db.pool)
        .await
        .expect("the level names its last ledger line");
        assert_eq!(last_seq, event.seq);
        assert_eq!(kind, event.kind.as_str());
        assert_eq!(after, event.on_hand);
    }
    assert_ledger_matches_levels(&db).await;

    // One level short: the whole change is refused, nothing written.
    let lines = ledger_lines(&db).await;
    let mut tx = db.begin_write().await.expect("transaction");
    let refused = apply_movements(
        &mut tx,
        &moves(Movement::Sale(q(1)), Movement::Sale(q(9)), "PAR01"),
        Some("T-2"),
        &tester(),
    )
    .await;
    drop(tx);
    assert_eq!(refused, Err(AppError::NotEnoughStock { available: 8 }));
    assert_eq!(ledger_lines(&db).await, lines);
    assert_eq!(figures(&db, a.as_str(), "PAR01").await.0, 3);
    assert_eq!(figures(&db, b.as_str(), "PAR01").await.0, 8);

    // A location that never had the SKU gets its level.
    sqlx::query("DELETE FROM stock_movements WHERE sku = $1 AND location_id = 'MRS01'")
        .bind(b.as_str())
        .execute(&db.pool)
        .await
        .expect("ledger cleared");
    sqlx::query("DELETE FROM stock_levels WHERE sku = $1 AND location_id = 'MRS01'")
        .bind(b.as_str())
        .execute(&db.pool)
        .await
        .expect("level removed");
    let mut tx = db.begin_write().await.expect("transaction");
    let events = apply_movements(
        &mut tx,
        &moves(Movement::Sale(q(1)), Movement::Return(q(1)), "MRS01"),
        Some("T-3"),
        &tester(),
    )
    .await
    .expect("the new level is created");
    tx.commit().await.expect("committed");
    assert_eq!(events[1].location_id, "MRS01");
    assert_eq!(figures(&db, b.as_str(), "MRS01").await.0, 1);

    // Two movements of one level: both kept, one after the other.
    let mut tx = db.begin_write().await.expect("transaction");
    let mut same = moves(Movement::Receipt(q(4)), Movement::Sale(q(1)), "PAR01");
    same[1].sku = a.clone();
    let events = apply_movements(&mut tx, &same, Some("T-4"), &tester())
        .await
        .expect("both recorded");
    tx.commit().await.expect("committed");
    assert_eq!((events[0].on_hand, events[1].on_hand), (6, 5));
    assert_ledger_matches_levels(&db).await;
}
both_databases!(together_test, super::movements_recorded_together);
