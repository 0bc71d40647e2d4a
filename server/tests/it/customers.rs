//! Customer 360 on both engines: search in every form, masking, one
//! history across channels with paging, advice, the audit log, creation
//! and its refusals, export and erasure, and who may call what.

use crate::common::*;
use app::db::Db;
use app::domain::customer::CARD_PREFIX;
use app::domain::order::Channel;
use app::domain::{LocationId, Role};
use app::error::{AppError, ContactField};
use app::services::audit::Staff;
use app::services::customers::{self, CustomerInput};
use app::services::{advice, audit};

fn staff(username: &str, role: Role) -> Staff {
    Staff {
        username: username.to_string(),
        display_name: format!("{username} (test)"),
        role,
        location: LocationId::parse("PAR01").expect("location id"),
        device: "test-tablet".to_string(),
    }
}

fn jean_eric() -> CustomerInput {
    CustomerInput {
        first_name: "Jean-Éric".into(),
        last_name: "Lefèvre".into(),
        email: " JE.Lefevre@Example.fr ".into(),
        phone: "06 12 34 56 78".into(),
        street: "3 rue des Lilas".into(),
        postcode: "75011".into(),
        city: "Paris".into(),
        top_size: Some("m".into()),
        bottom_size: None,
        preferences: "Lin et coton".into(),
        consent_email: true,
        consent_sms: false,
    }
}

/// Lines of both logs: changes and reads.
const ALL_LOG_LINES: &str =
    "SELECT (SELECT COUNT(*) FROM audit_log) + (SELECT COUNT(*) FROM customer_reads)";

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&db.pool)
        .await
        .expect("count runs")
}

async fn ids_found(db: &Db, query: &str) -> Vec<i64> {
    customers::search(db, query)
        .await
        .expect("search runs")
        .hits
        .into_iter()
        .map(|h| h.id)
        .collect()
}

async fn every_search_form_finds_the_customer(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let id = customers::create(
        &db,
        &staff("associate", Role::Associate),
        &jean_eric(),
        None,
    )
    .await
    .expect("created");
    let audit_before = count(&db, ALL_LOG_LINES).await;
    for query in [
        "lefevre",
        "LEFÈVRE",
        "Lefèvre Jean",
        "jean lef",
        "eric jean-e",
        "je.lefevre@example.fr",
        "JE.LEF",
        // The start of an e-mail before its @: searched as an e-mail.
        "je.lefevre",
        "je.lefevre@",
        "0612345678",
        "06 12 34 56 78",
        "06.12.34.56.78",
        "+33 6 12 34 56 78",
        "+33612345678",
        "06 12 34",
    ] {
        assert!(
            ids_found(&db, query).await.contains(&id),
            "'{query}' finds the customer"
        );
    }
    // A whole phone opens the one customer who has it.
    let found = customers::search(&db, "+33 6 12 34 56 78")
        .await
        .expect("search");
    assert_eq!(found.exact_id, Some(id));
    // Contacts are masked in results.
    let hit = found.hits.iter().find(|h| h.id == id).expect("listed");
    assert_eq!(hit.email_masked, "j•••@example.fr");
    assert_eq!(hit.phone_masked, "•• •• •• 56 78");
    assert_eq!(
        (hit.first_name.as_str(), hit.last_name.as_str()),
        ("Jean-Éric", "Lefèvre")
    );
    // Words that are not all theirs do not find them.
    assert!(!ids_found(&db, "lefevre zoé").await.contains(&id));
    assert!(
        ids_found(&db, "jean zzzz").await.is_empty(),
        "a word nobody has finds nobody, however common the other"
    );
    assert!(
        ids_found(&db, "x").await.is_empty(),
        "one letter is too short"
    );

    // A seeded card, typed or scanned, opens its holder.
    let (holder, card): (i64, String) = sqlx::query_as(
        "SELECT id, loyalty_card FROM customers WHERE loyalty_card IS NOT NULL ORDER BY id LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await
    .expect("the seed gives cards");
    assert!(card.starts_with(CARD_PREFIX));
    let by_card = customers::search(&db, &card).await.expect("search");
    assert_eq!(by_card.exact_id, Some(holder));
    // An order reference, in any case, opens the customer who placed it.
    let (buyer, reference): (i64, String) = sqlx::query_as(
        "SELECT customer_id, reference FROM orders WHERE customer_id IS NOT NULL ORDER BY id LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await
    .expect("orders");
    let by_order = customers::search(&db, &reference.to_lowercase())
        .await
        .expect("search");
    assert_eq!(by_order.exact_id, Some(buyer));

    assert_eq!(
        count(&db, ALL_LOG_LINES).await,
        audit_before,
        "a search is not logged: it shows nothing personal"
    );
}
both_databases!(search_forms, super::every_search_form_finds_the_customer);

/// Gives a customer `n` orders on the three channels, a minute apart.
async fn give_orders(db: &Db, customer: i64, n: i64) {
    let sku: String = sqlx::query_scalar("SELECT sku FROM skus ORDER BY ordinal LIMIT 1")
        .fetch_one(&db.pool)
        .await
        .expect("a SKU");
    let base: i64 = 1_700_000_000_000;
    for i in 0..n {
        let channel = ["web", "store", "kiosk"][(i % 3) as usize];
        let fulfilment = if channel == "web" { "ship" } else { "carry" };
        let order_id: i64 = sqlx::query_scalar(
            "INSERT INTO orders (reference, customer_id, channel, fulfilment, status, selling_location_id, \
                                 total_cents, created_by, device, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'completed', $5, 1990, 'test', 'test', $6, $6) RETURNING id",
        )
        .bind(format!("TST-{customer:04}{i:04}"))
        .bind(customer)
        .bind(channel)
        .bind(fulfilment)
        .bind(if channel == "web" { None } else { Some("PAR01") })
        .bind(base + i * 60_000)
        .fetch_one(&db.pool)
        .await
        .expect("order inserted");
        sqlx::query(
            "INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price_cents, handed_over_qty) \
             VALUES ($1, 1, $2, 1, 1990, 1)",
        )
        .bind(order_id)
        .bind(&sku)
        .execute(&db.pool)
        .await
        .expect("line inserted");
    }
}

async fn the_history_spans_channels_and_pages(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let associate = staff("associate", Role::Associate);
    let id = customers::create(&db, &associate, &jean_eric(), None)
        .await
        .expect("created");
    give_orders(&db, id, 45).await;

    let profile = customers::profile(&db, &associate, id)
        .await
        .expect("profile");
    assert_eq!(
        profile.email, "je.lefevre@example.fr",
        "the profile shows contacts in full"
    );
    assert_eq!(profile.phone, "06 12 34 56 78");
    assert_eq!(profile.figures.web_orders, 15);
    assert_eq!(profile.figures.store_orders, 15);
    assert_eq!(profile.figures.kiosk_orders, 15);
    assert_eq!(profile.figures.lifetime_spend_cents, 45 * 1990);
    assert_eq!(profile.figures.average_basket_cents, 1990);
    assert!(
        profile.recent_access.is_none(),
        "an associate does not see the access log"
    );
    let first = &profile.history;
    assert_eq!(first.orders.len(), 20);
    assert!(
        first
            .orders
            .windows(2)
            .all(|w| w[0].created_ms >= w[1].created_ms),
        "newest first"
    );
    assert_eq!(first.orders[0].reference, format!("TST-{id:04}0044"));
    assert_eq!(first.orders[0].lines.len(), 1);

    // "More" pages through everything once.
    let mut seen: Vec<String> = first.orders.iter().map(|o| o.reference.clone()).collect();
    let mut cursor = first.more;
    while let Some(before) = cursor {
        let page = customers::history(&db, &associate, id, None, Some(before))
            .await
            .expect("page");
        seen.extend(page.orders.iter().map(|o| o.reference.clone()));
        cursor = page.more;
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (45, 45));

    // One channel only.
    let kiosk = customers::history(&db, &associate, id, Some(Channel::Kiosk), None)
        .await
        .expect("kiosk orders");
    assert_eq!(kiosk.orders.len(), 15);
    assert!(kiosk.orders.iter().all(|o| o.channel == Channel::Kiosk));
    assert!(kiosk.more.is_none());

    // Every opening was logged: who, role, shop, device, which customer.
    let lines: Vec<(String, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT actor, action, role, location_id, device, customer_id FROM customer_reads \
         WHERE customer_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await
    .expect("audit lines");
    assert_eq!(
        lines.len(),
        1 + 2 + 1,
        "profile, two more pages, the kiosk filter"
    );
    assert_eq!(
        lines[0],
        (
            "associate".to_string(),
            "customer.profile".to_string(),
            "associate".to_string(),
            "PAR01".to_string(),
            "test-tablet".to_string(),
            id
        )
    );
    assert!(lines[1..].iter().all(|l| l.1 == "customer.history"));

    // The manager sees who looked, on the profile and in the shop's log.
    let manager = staff("manager", Role::Manager);
    let seen_by_manager = customers::profile(&db, &manager, id)
        .await
        .expect("profile");
    let recent = seen_by_manager
        .recent_access
        .expect("the manager sees openings");
    assert_eq!(
        recent[0].username, "manager",
        "newest first, this opening included"
    );
    assert!(
        recent
            .iter()
            .any(|a| a.username == "associate" && a.action == "profile")
    );
    let here = LocationId::parse("PAR01").expect("id");
    let by_associate = audit::access_log(
        &db,
        &here,
        &audit::AccessFilter {
            staff: Some("associate".into()),
            customer_id: Some(id),
        },
    )
    .await
    .expect("log");
    assert!(!by_associate.is_empty());
    assert!(
        by_associate
            .iter()
            .all(|a| a.username == "associate" && a.customer_id == Some(id))
    );
    let elsewhere = LocationId::parse("LYO01").expect("id");
    assert!(
        audit::access_log(&db, &elsewhere, &Default::default())
            .await
            .expect("log")
            .is_empty(),
        "another shop's manager does not see these"
    );

    // An order opened from the timeline: lines with stock here, logged.
    let reference = &first.orders[0].reference;
    let detail = customers::order_detail(&db, &associate, &reference.to_lowercase())
        .await
        .expect("order");
    assert_eq!(detail.customer_id, Some(id));
    assert_eq!(detail.lines.len(), 1);
    let logged = count(
        &db,
        &format!(
            "SELECT COUNT(*) FROM customer_reads WHERE action = 'customer.order' AND customer_id = {id}"
        ),
    )
    .await;
    assert_eq!(logged, 1);
    // A return shows on its order, with what was refunded.
    let (reference, refund): (String, i64) = sqlx::query_as(
        "SELECT o.reference, r.refund_cents FROM returns r JOIN orders o ON o.id = r.order_id ORDER BY r.id LIMIT 1",
    )
    .fetch_one(&db.pool)
    .await
    .expect("the seed has returns");
    let returned = customers::order_detail(&db, &associate, &reference)
        .await
        .expect("order");
    assert_eq!(returned.order.returns.len(), 1, "{reference}");
    assert_eq!(returned.order.returns[0].refund_cents, refund);
    assert_eq!(returned.order.returns[0].units, 1);
    assert_eq!(
        customers::order_detail(&db, &associate, "WEB-9999999")
            .await
            .err(),
        Some(AppError::UnknownOrder {
            reference: "WEB-9999999".into()
        })
    );
    assert_eq!(
        customers::profile(&db, &associate, 999_999).await.err(),
        Some(AppError::UnknownCustomer {
            customer_id: 999_999
        })
    );
}
both_databases!(history, super::the_history_spans_channels_and_pages);

/// One order of `products` (one line each) for `customer`.
async fn bought(db: &Db, customer: i64, reference: &str, products: &[&str]) {
    let order_id: i64 = sqlx::query_scalar(
        "INSERT INTO orders (reference, customer_id, channel, fulfilment, status, total_cents, \
                             created_by, device, created_at, updated_at) \
         VALUES ($1, $2, 'web', 'ship', 'completed', 0, 'test', 'test', 1, 1) RETURNING id",
    )
    .bind(reference)
    .bind(customer)
    .fetch_one(&db.pool)
    .await
    .expect("order");
    for (i, product) in products.iter().enumerate() {
        let sku: String = sqlx::query_scalar(
            "SELECT sku FROM skus WHERE product_id = $1 ORDER BY ordinal LIMIT 1",
        )
        .bind(*product)
        .fetch_one(&db.pool)
        .await
        .expect("a SKU of the product");
        sqlx::query(
            "INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price_cents) VALUES ($1, $2, $3, 1, 0)",
        )
        .bind(order_id)
        .bind(i as i64 + 1)
        .bind(sku)
        .execute(&db.pool)
        .await
        .expect("line");
    }
}

async fn advice_comes_from_what_others_bought_and_skips_what_is_owned(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    // Only the orders below count (the seed's own would add pairs).
    for table in [
        "store_credit_movements",
        "refunds",
        "payments",
        "return_lines",
        "returns",
        "reservations",
        "order_events",
        "order_lines",
        "order_fulfilments",
        "orders",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
            .execute(&db.pool)
            .await
            .expect("emptied");
    }
    let products: Vec<(String, String)> =
        sqlx::query_as("SELECT id, name FROM products ORDER BY id LIMIT 4")
            .fetch_all(&db.pool)
            .await
            .expect("products");
    let [(a, a_name), (b, _), (c, _), (d, _)] =
        <[(String, String); 4]>::try_from(products).expect("four products");
    let associate = staff("associate", Role::Associate);
    let mut buyers = Vec::new();
    for n in 0..4 {
        let mut input = jean_eric();
        input.email = format!("buyer{n}@example.fr");
        input.phone = format!("07 00 00 00 0{n}");
        buyers.push(
            customers::create(&db, &associate, &input, None)
                .await
                .expect("buyer"),
        );
    }
    // Three bought A with B, two of them also with C; one bought D alone.
    bought(&db, buyers[0], "ADV-1", &[&a, &b, &c]).await;
    bought(&db, buyers[1], "ADV-2", &[&a, &b, &c]).await;
    bought(&db, buyers[2], "ADV-3", &[&a, &b]).await;
    bought(&db, buyers[3], "ADV-4", &[&d]).await;
    // Our customer has A and C already.
    let mut input = jean_eric();
    input.email = "me@example.fr".into();
    input.phone = String::new();
    let me = customers::create(&db, &associate, &input, None)
        .await
        .expect("me");
    bought(&db, me, "ADV-5", &[&a, &c]).await;
    advice::refresh_co_purchases(&db).await.expect("counted");

    let here = LocationId::parse("PAR01").expect("id");
    let advice = advice::suggestions(&db, me, &here).await.expect("advice");
    let suggested: Vec<&str> = advice.iter().map(|s| s.product_id.as_str()).collect();
    assert!(
        suggested.contains(&b.as_str()),
        "B goes with A: {suggested:?}"
    );
    assert!(
        !suggested.contains(&a.as_str()) && !suggested.contains(&c.as_str()),
        "owned products are not suggested"
    );
    assert!(
        !suggested.contains(&d.as_str()),
        "D was never bought with theirs"
    );
    let b_advice = advice.iter().find(|s| s.product_id == b).expect("B");
    // B was bought by three with A (and by two with C): the reason given
    // is the strongest.
    assert!(b_advice.customers >= 3, "{b_advice:?}");
    assert_eq!(b_advice.because_of, a_name);
}
both_databases!(
    advice_test,
    super::advice_comes_from_what_others_bought_and_skips_what_is_owned
);

async fn creation_checks_every_field_and_refuses_known_contacts(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let associate = staff("associate", Role::Associate);
    let before = count(&db, "SELECT COUNT(*) FROM customers").await;
    let refusals = [
        (
            CustomerInput {
                email: "not-an-email".into(),
                ..jean_eric()
            },
            "invalid_email",
        ),
        (
            CustomerInput {
                phone: "12 34".into(),
                ..jean_eric()
            },
            "invalid_phone",
        ),
        (
            CustomerInput {
                postcode: "7501".into(),
                ..jean_eric()
            },
            "invalid_postcode",
        ),
        (
            CustomerInput {
                first_name: " ".into(),
                ..jean_eric()
            },
            "name_required",
        ),
        (
            CustomerInput {
                preferences: "x".repeat(501),
                ..jean_eric()
            },
            "text_too_long",
        ),
    ];
    for (input, reason) in refusals {
        let refused = customers::create(&db, &associate, &input, None)
            .await
            .expect_err("refused");
        assert_eq!(refused.reason(), reason);
    }
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM customers").await,
        before,
        "nothing written"
    );

    let id = customers::create(&db, &associate, &jean_eric(), None)
        .await
        .expect("created");
    let stored: (String, String, Option<String>) =
        sqlx::query_as("SELECT email, phone, top_size FROM customers WHERE id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await
            .expect("stored");
    assert_eq!(
        stored,
        (
            "je.lefevre@example.fr".into(),
            "+33612345678".into(),
            Some("M".into())
        )
    );
    // Consent as ticked, recorded with where and by whom.
    let consents: Vec<(String, i64, String, String)> = sqlx::query_as(
        "SELECT channel, granted, source, changed_by FROM customer_consents WHERE customer_id = $1 ORDER BY channel",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await
    .expect("consents");
    assert_eq!(
        consents,
        vec![
            ("email".into(), 1, "PAR01".into(), "associate".into()),
            ("sms".into(), 0, "PAR01".into(), "associate".into())
        ]
    );

    // The same e-mail in other case, or the same phone written otherwise.
    let again = CustomerInput {
        phone: String::new(),
        email: "je.LEFEVRE@example.FR".into(),
        ..jean_eric()
    };
    assert_eq!(
        customers::create(&db, &associate, &again, None).await.err(),
        Some(AppError::CustomerExists {
            customer_id: id,
            contact: ContactField::Email
        })
    );
    let same_phone = CustomerInput {
        email: "other@example.fr".into(),
        phone: "+33 6 12 34 56 78".into(),
        ..jean_eric()
    };
    assert_eq!(
        customers::create(&db, &associate, &same_phone, None)
            .await
            .err(),
        Some(AppError::CustomerExists {
            customer_id: id,
            contact: ContactField::Phone
        })
    );

    // Two tablets creating the same customer at the same moment: one
    // customer, and the other is told who has the e-mail.
    let racing = CustomerInput {
        email: "race@example.fr".into(),
        phone: "07 11 22 33 44".into(),
        ..jean_eric()
    };
    let (one, two) = tokio::join!(
        customers::create(&db, &associate, &racing, None),
        customers::create(&db, &associate, &racing, None)
    );
    let created: Vec<i64> = [&one, &two]
        .iter()
        .filter_map(|r| r.as_ref().ok().copied())
        .collect();
    assert_eq!(created.len(), 1, "{one:?} {two:?}");
    let refused = [one, two]
        .into_iter()
        .find_map(Result::err)
        .expect("one refused");
    assert!(
        matches!(refused, AppError::CustomerExists { customer_id, .. } if customer_id == created[0])
    );

    // Changes: refused for a known contact, logged by field when made.
    let mut change = jean_eric();
    change.email = "race@example.fr".into();
    assert!(matches!(
        customers::update(&db, &associate, id, &change).await,
        Err(AppError::CustomerExists {
            contact: ContactField::Email,
            ..
        })
    ));
    let mut change = jean_eric();
    change.city = "Lyon".into();
    change.consent_sms = true;
    customers::update(&db, &associate, id, &change)
        .await
        .expect("changed");
    let detail: String = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE customer_id = $1 AND action = 'customer.changed'",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await
    .expect("change logged");
    assert_eq!(detail, "city, SMS consent");

    // Notes: kept with author and shop; an empty one is refused.
    let note = customers::add_note(&db, &associate, id, "  Aime le lin  ")
        .await
        .expect("note");
    assert_eq!(note.body, "Aime le lin");
    assert_eq!(
        customers::add_note(&db, &associate, id, "   ").await.err(),
        Some(AppError::NoteEmpty)
    );
}
both_databases!(
    creation,
    super::creation_checks_every_field_and_refuses_known_contacts
);

async fn export_holds_everything_and_erasure_keeps_only_the_accounts(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let manager = staff("manager", Role::Manager);
    let id = customers::create(&db, &manager, &jean_eric(), None)
        .await
        .expect("created");
    give_orders(&db, id, 3).await;
    customers::add_note(&db, &manager, id, "Préfère le retrait")
        .await
        .expect("note");

    let export = customers::export(&db, &manager, id).await.expect("export");
    assert_eq!(export["customer"]["email"], "je.lefevre@example.fr");
    assert_eq!(export["orders"].as_array().map(Vec::len), Some(3));
    assert_eq!(export["notes"][0]["body"], "Préfère le retrait");
    assert_eq!(export["consents"].as_array().map(Vec::len), Some(2));
    assert!(
        export["access_log"]
            .as_array()
            .is_some_and(|a| a.iter().any(|l| l["action"] == "export"))
    );

    let spend_before: i64 = count(
        &db,
        &format!("SELECT CAST(SUM(total_cents) AS BIGINT) FROM orders WHERE customer_id = {id}"),
    )
    .await;
    customers::erase(&db, &manager, id).await.expect("erased");
    let row: (String, String, String, String, String, Option<String>, String) = sqlx::query_as(
        "SELECT email, first_name, last_name, phone, street, loyalty_card, preferences FROM customers WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&db.pool)
    .await
    .expect("row kept for the accounts");
    assert_eq!(
        row,
        (
            format!("erased-{id}@erased.invalid"),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            None,
            String::new()
        )
    );
    for table in ["customer_notes", "customer_consents", "customer_terms"] {
        assert_eq!(
            count(
                &db,
                &format!("SELECT COUNT(*) FROM {table} WHERE customer_id = {id}")
            )
            .await,
            0,
            "{table}"
        );
    }
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT CAST(SUM(total_cents) AS BIGINT) FROM orders WHERE customer_id = {id}"
            )
        )
        .await,
        spend_before,
        "orders keep their amounts"
    );
    assert!(
        ids_found(&db, "lefevre").await.is_empty()
            || !ids_found(&db, "lefevre").await.contains(&id)
    );
    assert!(!ids_found(&db, "06 12 34 56 78").await.contains(&id));
    assert_eq!(count(&db, &format!("SELECT COUNT(*) FROM audit_log WHERE customer_id = {id} AND action = 'customer.erasure'")).await, 1);
    assert_eq!(
        customers::erase(&db, &manager, id).await.err(),
        Some(AppError::CustomerErased { customer_id: id })
    );
    assert_eq!(
        customers::update(&db, &manager, id, &jean_eric())
            .await
            .err(),
        Some(AppError::CustomerErased { customer_id: id })
    );
    // The e-mail and phone are free again: the person may come back.
    customers::create(&db, &manager, &jean_eric(), None)
        .await
        .expect("created anew");
}
both_databases!(
    privacy,
    super::export_holds_everything_and_erasure_keeps_only_the_accounts
);

async fn only_staff_reach_customers_and_only_managers_the_log(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    let associate = app.sign_in("associate").await;
    let manager = app.sign_in("manager").await;
    let kiosk = app.sign_in("kiosk").await;
    let id: i64 = sqlx::query_scalar("SELECT MIN(id) FROM customers")
        .fetch_one(&app.db.pool)
        .await
        .expect("a customer");
    let id_text = id.to_string();
    let calls: [(&str, Vec<(&str, &str)>); 5] = [
        ("search_customers", vec![("query", "martin")]),
        ("get_customer", vec![("id", &id_text)]),
        ("customer_history", vec![("id", &id_text)]),
        ("customer_suggestions", vec![("id", &id_text)]),
        (
            "add_customer_note",
            vec![("id", &id_text), ("body", "test")],
        ),
    ];
    let audit_before = count(&app.db, ALL_LOG_LINES).await;
    for (function, form) in &calls {
        let (status, body) = app.call(Some(&kiosk), function, form).await;
        assert_eq!(
            (status, body["reason"].as_str()),
            (403, Some("forbidden")),
            "kiosk: {function}"
        );
        let (status, _) = app.call(None, function, form).await;
        assert_eq!(status, 401, "nobody: {function}");
    }
    assert_eq!(
        count(&app.db, ALL_LOG_LINES).await,
        audit_before,
        "refused calls read nothing"
    );
    assert_eq!(
        count(
            &app.db,
            "SELECT COUNT(*) FROM customer_notes WHERE body = 'test'"
        )
        .await,
        0
    );
    for (function, form) in &calls {
        let (status, body) = app.call(Some(&associate), function, form).await;
        assert_eq!(status, 200, "associate: {function}: {body}");
    }
    let (status, _) = app.call(Some(&associate), "access_log", &[]).await;
    assert_eq!(status, 403, "the access log is the manager's");
    let (status, log) = app
        .call(Some(&manager), "access_log", &[("staff", "associate")])
        .await;
    assert_eq!(status, 200);
    assert!(
        log.as_array().is_some_and(|l| l
            .iter()
            .any(|e| e["customer_id"] == id && e["action"] == "profile")),
        "{log}"
    );
    let (status, _) = app
        .call(
            Some(&associate),
            "erase_customer",
            &[("id", &id_text), ("confirm", "yes")],
        )
        .await;
    assert_eq!(status, 403, "erasure is the manager's");
    let (status, body) = app
        .call(Some(&manager), "erase_customer", &[("id", &id_text)])
        .await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (422, Some("erasure_not_confirmed"))
    );

    // The export: a manager's download, logged; not for others.
    let export = |cookie: Option<&str>| {
        let mut request = app
            .http
            .get(app.url(&format!("/customers/{id}/export.json?confirm=yes")));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send()
    };
    let unconfirmed = app
        .http
        .get(app.url(&format!("/customers/{id}/export.json")))
        .header("cookie", &manager)
        .send()
        .await
        .expect("answers");
    assert_eq!(
        unconfirmed.status(),
        422,
        "the export needs its confirmation"
    );
    let response = export(Some(&manager)).await.expect("export answers");
    assert_eq!(response.status(), 200);
    assert!(
        response
            .headers()
            .get("content-disposition")
            .is_some_and(|v| v.to_str().is_ok_and(|v| v.contains("attachment")))
    );
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["customer"]["id"], id);
    assert_eq!(
        export(Some(&associate)).await.expect("answers").status(),
        403
    );
    let sent_home = export(Some(&kiosk)).await.expect("answers");
    assert_eq!(sent_home.status(), 303, "a kiosk is sent to its own page");

    // Customer pages: staff only; a kiosk is sent home.
    for path in [
        format!("/customers/{id}"),
        "/customers".to_string(),
        "/access-log".to_string(),
    ] {
        let response = app
            .http
            .get(app.url(&path))
            .header("cookie", &kiosk)
            .send()
            .await
            .expect("page");
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(
            response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok()),
            Some("/kiosk")
        );
    }
}
both_databases!(
    roles,
    super::only_staff_reach_customers_and_only_managers_the_log
);

async fn put(app: &TestApp, id: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    let response = app
        .http
        .put(app.url(&format!("/api/v1/customers/{id}")))
        .bearer_auth(API_KEY)
        .json(&body)
        .send()
        .await
        .expect("API answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

async fn the_web_shop_reads_and_writes_customers_as_documented(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    let body = serde_json::json!({
        "first_name": "Inès", "last_name": "Moreau", "email": "Ines.Moreau@Example.org",
        "phone": "+33 7 55 44 33 22", "postcode": "69002", "city": "Lyon", "consent_email": true
    });
    let (status, created) = put(&app, "900001", body.clone()).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["id"], 900001);
    assert_eq!(created["email"], "ines.moreau@example.org");
    assert_eq!(created["phone"], "+33755443322");
    assert_eq!(
        (
            created["consent_email"].as_bool(),
            created["consent_sms"].as_bool()
        ),
        (Some(true), Some(false))
    );
    // Sent again: changed, not created twice.
    let (status, again) = put(&app, "900001", body.clone()).await;
    assert_eq!(status, 200, "{again}");
    // The answer is what the published description says, field for field.
    let (_, spec) = app.api_get("/api/v1/openapi.json").await;
    assert_documented(&spec, "Customer", &again);
    for path in ["/customers", "/customers/{id}"] {
        assert!(spec["paths"][path].is_object(), "{path} documented");
    }

    let (status, read) = app.api_get("/api/v1/customers/900001").await;
    assert_eq!((status, read["last_name"].as_str()), (200, Some("Moreau")));
    let (status, found) = app
        .api_get("/api/v1/customers?email=INES.moreau%40example.org")
        .await;
    assert_eq!(status, 200);
    assert_eq!(found["customers"][0]["id"], 900001);
    let (status, none) = app
        .api_get("/api/v1/customers?email=nobody%40example.org")
        .await;
    assert_eq!(
        (status, none["customers"].as_array().map(Vec::len)),
        (200, Some(0))
    );
    let (status, missing) = app.api_get("/api/v1/customers/12345678").await;
    assert_eq!(
        (status, missing["error"]["reason"].as_str()),
        (404, Some("unknown_customer"))
    );
    // Reads by the web shop are logged under its name.
    let logged: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT customer_id, role, actor FROM audit_log \
         UNION ALL SELECT customer_id, role, actor FROM customer_reads) a \
         WHERE customer_id = 900001 AND role = 'api' AND actor LIKE 'api:%'",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("count");
    assert!(logged >= 3, "{logged}");

    // Refusals say what is wrong and write nothing.
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers")
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    for (bad, reason) in [
        (
            serde_json::json!({"first_name": "A", "last_name": "B", "email": "nope"}),
            "invalid_email",
        ),
        (
            serde_json::json!({"first_name": "A", "last_name": "B", "email": "a@example.org", "postcode": "123"}),
            "invalid_postcode",
        ),
        (
            serde_json::json!({"first_name": "A", "last_name": "B", "email": "a@example.org", "phone": "0044 20"}),
            "invalid_phone",
        ),
        (
            serde_json::json!({"first_name": "A", "email": "a@example.org"}),
            "malformed",
        ),
        (
            serde_json::json!({"first_name": "A", "last_name": "B", "email": "a@example.org", "extra": 1}),
            "malformed",
        ),
    ] {
        let (status, answer) = put(&app, "900002", bad).await;
        assert_eq!(
            (status, answer["error"]["reason"].as_str()),
            (422, Some(reason)),
            "{answer}"
        );
    }
    let (status, taken) = put(&app, "900003", serde_json::json!({"first_name": "X", "last_name": "Y", "email": "ines.moreau@example.org"})).await;
    assert_eq!(
        (status, taken["error"]["reason"].as_str()),
        (409, Some("customer_exists"))
    );
    assert_eq!(taken["error"]["params"]["customer_id"], 900001);
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM customers")
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    assert_eq!(after, before);
    let response = app
        .http
        .get(app.url("/api/v1/customers/900001"))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 401, "a key is needed");

    // A customer created by the API does not block the next ids.
    let manager = staff("manager", Role::Manager);
    let next = customers::create(&app.db, &manager, &jean_eric(), None)
        .await
        .expect("created at the counter");
    assert!(next > 900001, "{next}");
}
both_databases!(
    api,
    super::the_web_shop_reads_and_writes_customers_as_documented
);

async fn a_form_sent_twice_creates_one_customer(engine: Engine) {
    use app::services::request_keys::RequestKey;
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let associate = staff("associate", Role::Associate);
    let key = RequestKey::new("staff:associate", "form-1", "the form")
        .expect("key")
        .from_a_form();
    // A double tap: both copies at once.
    let input = jean_eric();
    let (one, two) = tokio::join!(
        customers::create(&db, &associate, &input, Some(&key)),
        customers::create(&db, &associate, &input, Some(&key))
    );
    let (one, two) = (one.expect("first copy"), two.expect("second copy"));
    assert_eq!(one, two, "both copies answer the same customer");
    // A resend after a lost answer.
    let again = customers::create(&db, &associate, &jean_eric(), Some(&key))
        .await
        .expect("resend");
    assert_eq!(again, one);
    let created = count(
        &db,
        "SELECT COUNT(*) FROM customers WHERE email = 'je.lefevre@example.fr'",
    )
    .await;
    assert_eq!(created, 1);
    // The same key for another form is refused.
    let other = RequestKey::new("staff:associate", "form-1", "another form")
        .expect("key")
        .from_a_form();
    assert_eq!(
        customers::create(&db, &associate, &jean_eric(), Some(&other))
            .await
            .err(),
        Some(AppError::FormAlreadySent)
    );
    // A refused form does not spend its key: corrected, it goes through.
    let fresh = RequestKey::new("staff:associate", "form-2", "x")
        .expect("key")
        .from_a_form();
    let bad = CustomerInput {
        email: "bad".into(),
        ..jean_eric()
    };
    assert!(
        customers::create(&db, &associate, &bad, Some(&fresh))
            .await
            .is_err()
    );
    let good = CustomerInput {
        email: "new.one@example.fr".into(),
        phone: String::new(),
        ..jean_eric()
    };
    assert!(
        customers::create(&db, &associate, &good, Some(&fresh))
            .await
            .is_ok()
    );
}
both_databases!(once, super::a_form_sent_twice_creates_one_customer);

/// Many openings at once on a small pool, with the location directory not
/// yet read: none may hold a connection while it waits for another (they
/// would wait for each other until the pool's timeout).
async fn openings_at_once_never_wait_for_each_other(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    test_db.seeded().await;
    let db = app::db::Db::connect(&test_db.url, 2)
        .await
        .expect("small pool");
    let associate = staff("associate", Role::Associate);
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM customers ORDER BY id LIMIT 12")
        .fetch_all(&db.pool)
        .await
        .expect("customers");
    let logged_before = count(&db, "SELECT COUNT(*) FROM customer_reads").await;
    let started = std::time::Instant::now();
    let openings = ids.iter().map(|id| {
        let (db, associate) = (db.clone(), associate.clone());
        let id = *id;
        tokio::spawn(async move {
            customers::profile(&db, &associate, id).await.map(|_| ())?;
            // Committed before the profile was answered.
            let logged = count(
                &db,
                &format!("SELECT COUNT(*) FROM customer_reads WHERE customer_id = {id} AND action = 'customer.profile'"),
            )
            .await;
            assert_eq!(logged, 1, "customer {id}");
            customers::history(&db, &associate, id, None, None)
                .await
                .map(|_| ())
        })
    });
    for opened in futures::future::join_all(openings).await {
        opened.expect("task").expect("opened");
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // Every opening logged once, none lost to a busy base.
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM customer_reads").await - logged_before,
        2 * ids.len() as i64
    );
}
both_databases!(
    small_pool,
    super::openings_at_once_never_wait_for_each_other
);

/// A read the log cannot record is not shown, for any reader waiting
/// with it; once the log takes lines again, reads work again.
async fn no_read_is_answered_without_its_line_in_the_log(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let associate = staff("associate", Role::Associate);
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM customers ORDER BY id LIMIT 6")
        .fetch_all(&db.pool)
        .await
        .expect("customers");
    let refuse_lines = match engine {
        Engine::Sqlite => vec![
            "CREATE TRIGGER journal.audit_refused BEFORE INSERT ON customer_reads \
             BEGIN SELECT RAISE(ABORT, 'audit log unavailable'); END",
        ],
        Engine::Postgres => vec![
            "CREATE FUNCTION audit_refused() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'audit log unavailable'; END $$",
            "CREATE TRIGGER audit_refused BEFORE INSERT ON customer_reads \
             FOR EACH ROW EXECUTE FUNCTION audit_refused()",
        ],
    };
    for sql in refuse_lines {
        sqlx::query(sql).execute(&db.pool).await.expect("trigger");
    }
    let logged_before = count(&db, "SELECT COUNT(*) FROM customer_reads").await;
    let openings = ids
        .iter()
        .map(|id| customers::profile(&db, &associate, *id));
    for opened in futures::future::join_all(openings).await {
        assert_eq!(opened.map(|_| ()), Err(AppError::Internal));
    }
    let order = customers::history(&db, &associate, ids[0], None, None).await;
    assert_eq!(order.map(|_| ()), Err(AppError::Internal));
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM customer_reads").await,
        logged_before
    );

    let accept_lines = match engine {
        Engine::Sqlite => "DROP TRIGGER journal.audit_refused",
        Engine::Postgres => "DROP TRIGGER audit_refused ON customer_reads",
    };
    sqlx::query(accept_lines)
        .execute(&db.pool)
        .await
        .expect("trigger dropped");
    customers::profile(&db, &associate, ids[0])
        .await
        .expect("logged again");
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM customer_reads").await,
        logged_before + 1
    );
}
both_databases!(
    unloggable,
    super::no_read_is_answered_without_its_line_in_the_log
);

/// On SQLite the reads file's log is copied into the file in the
/// background: the writer's commits never checkpoint (they would make the
/// reads waiting for them wait for the disk), yet the lines reach the file.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reads_reach_their_file_without_the_writer_checkpointing() {
    let test_db = TestDb::new(Engine::Sqlite).await;
    let db = test_db.seeded().await;
    let reads_file = app::db::journal_file(&test_db.url).expect("reads file");
    let size = || std::fs::metadata(&reads_file).map(|m| m.len()).unwrap_or(0);
    // Past the seed's own checkpoints.
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    let before = size();
    let associate = staff("associate", Role::Associate);
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM customers ORDER BY id LIMIT 10")
        .fetch_all(&db.pool)
        .await
        .expect("customers");
    for _ in 0..30 {
        for id in &ids {
            customers::profile(&db, &associate, *id)
                .await
                .expect("opened");
        }
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while size() <= before && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(size() > before, "{} bytes, as before", size());
}
