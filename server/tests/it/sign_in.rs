//! Password guessing is slowed down per username, on every path: one at a
//! time, in bursts, for unknown names, and through the sign-in form.

use crate::common::*;
use app::error::AppError;
use app::services::auth;

async fn attempt(db: &app::db::Db, username: &str, password: &str) -> Result<(), AppError> {
    auth::sign_in(db, username, password, "test device")
        .await
        .map(|_| ())
}

fn locked_for(result: Result<(), AppError>) -> u64 {
    match result {
        Err(AppError::TooManyAttempts { retry_after_secs }) => retry_after_secs,
        other => panic!("expected a lock, got {other:?}"),
    }
}

async fn end_lock(db: &app::db::Db, username: &str) {
    sqlx::query("UPDATE sign_in_attempts SET locked_until = 0 WHERE username = $1")
        .bind(username)
        .execute(&db.pool)
        .await
        .expect("lock ended");
}

async fn five_wrong_passwords_lock_the_username(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    for _ in 0..5 {
        assert!(matches!(
            attempt(&db, "associate", "wrong").await,
            Err(AppError::WrongCredentials)
        ));
    }
    // Even the right password waits: the lock comes before the check. (A
    // lock this fresh first gives the attempts that set it two seconds to
    // settle: the wait left may be 28 s.)
    let wait = locked_for(attempt(&db, "associate", "demo").await);
    assert!((27..=30).contains(&wait), "waits {wait} s");
    // Usernames are counted apart, whatever their case or spaces.
    attempt(&db, "manager", "demo")
        .await
        .expect("another username signs in");
    locked_for(attempt(&db, " Associate ", "demo").await);

    // Once the lock has passed, the right password opens a session and
    // clears the count: four more mistakes lock nothing.
    end_lock(&db, "associate").await;
    attempt(&db, "associate", "demo")
        .await
        .expect("signs in after the lock");
    for _ in 0..4 {
        assert!(matches!(
            attempt(&db, "associate", "wrong").await,
            Err(AppError::WrongCredentials)
        ));
    }
    attempt(&db, "associate", "demo")
        .await
        .expect("four mistakes lock nothing");

    // After a lock, each further mistake doubles the next one.
    for _ in 0..5 {
        let _ = attempt(&db, "kiosk", "wrong").await;
    }
    end_lock(&db, "kiosk").await;
    assert!(matches!(
        attempt(&db, "kiosk", "wrong").await,
        Err(AppError::WrongCredentials)
    ));
    let wait = locked_for(attempt(&db, "kiosk", "demo").await);
    assert!((57..=60).contains(&wait), "waits {wait} s");
}
both_databases!(
    locks_after_five,
    super::five_wrong_passwords_lock_the_username
);

async fn unknown_usernames_lock_the_same_way(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    for _ in 0..5 {
        assert!(matches!(
            attempt(&db, "nobody", "demo").await,
            Err(AppError::WrongCredentials)
        ));
    }
    locked_for(attempt(&db, "nobody", "demo").await);
}
both_databases!(unknown_names, super::unknown_usernames_lock_the_same_way);

/// Guesses sent all at once are counted one by one: only the free attempts
/// and the one that sets the lock reach the password check.
async fn a_burst_of_guesses_gets_five_checks(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let guesses = (0..20).map(|i| {
        let db = db.clone();
        tokio::spawn(async move { attempt(&db, "manager", &format!("guess{i}")).await })
    });
    let mut checked = 0;
    let mut locked = 0;
    for guess in guesses {
        match guess.await.expect("attempt ran") {
            Err(AppError::WrongCredentials) => checked += 1,
            Err(AppError::TooManyAttempts { .. }) => locked += 1,
            other => panic!("unexpected answer {other:?}"),
        }
    }
    assert_eq!((checked, locked), (5, 15));
    let attempts: i64 =
        sqlx::query_scalar("SELECT attempts FROM sign_in_attempts WHERE username = 'manager'")
            .fetch_one(&db.pool)
            .await
            .expect("attempts stored");
    assert_eq!(attempts, 5);
}
both_databases!(burst, super::a_burst_of_guesses_gets_five_checks);

/// Through the form: a locked username is sent back to the sign-in page,
/// which says how long to wait, and no session cookie is set.
async fn the_sign_in_form_says_how_long_to_wait(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let app = TestApp::start(&test_db).await;
    let post = |password: &'static str| {
        app.http
            .post(app.url("/auth/login"))
            .form(&[("username", "associate"), ("password", password)])
            .send()
    };
    for _ in 0..5 {
        let response = post("wrong").await.expect("form answers");
        assert_eq!(
            response.headers()["location"],
            "/login?error=credentials&user=associate"
        );
    }
    let response = post("demo").await.expect("form answers");
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"]
        .to_str()
        .expect("ASCII location")
        .to_string();
    assert!(
        location.starts_with("/login?error=locked&user=associate&wait="),
        "{location}"
    );
    assert!(response.headers().get("set-cookie").is_none());
    let page = app
        .http
        .get(app.url(&location))
        .send()
        .await
        .expect("page answers")
        .text()
        .await
        .expect("page text");
    let wait: u64 = location
        .rsplit_once("wait=")
        .and_then(|(_, w)| w.parse().ok())
        .expect("the wait in seconds");
    assert!((27..=30).contains(&wait), "{location}");
    assert!(
        page.contains(&format!(
            "Trop de tentatives pour cet identifiant. Réessayez dans {wait} secondes."
        )),
        "{page}"
    );
}
both_databases!(
    form_says_wait,
    super::the_sign_in_form_says_how_long_to_wait
);

/// Ended sessions do not pile up: they go when their owner signs in again.
async fn ended_sessions_are_cleared_at_the_next_sign_in(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    attempt(&db, "manager", "demo").await.expect("signs in");
    attempt(&db, "associate", "demo").await.expect("signs in");
    sqlx::query("UPDATE sessions SET expires_at = 0")
        .execute(&db.pool)
        .await
        .expect("sessions ended");
    attempt(&db, "manager", "demo")
        .await
        .expect("signs in again");
    let left: Vec<(String, i64)> = sqlx::query_as(
        "SELECT s.username, CASE WHEN x.expires_at > 0 THEN 1 ELSE 0 END FROM sessions x JOIN staff s ON s.id = x.staff_id ORDER BY s.username",
    )
    .fetch_all(&db.pool)
    .await
    .expect("sessions read");
    // The manager's ended session went; the associate's waits for them.
    assert_eq!(
        left,
        [("associate".to_string(), 0), ("manager".to_string(), 1)]
    );
}
both_databases!(
    ended_sessions,
    super::ended_sessions_are_cleared_at_the_next_sign_in
);

/// Tablets sharing one account, switched on together: right passwords sent
/// at once all open a session, even past the free attempts.
async fn a_shared_account_signs_in_on_many_tablets_at_once(engine: Engine) {
    let test_db = TestDb::new(engine).await;
    let db = test_db.seeded().await;
    let tablets: Vec<_> = (0..12)
        .map(|_| {
            let db = db.clone();
            tokio::spawn(async move { attempt(&db, "associate", "demo").await })
        })
        .collect();
    for tablet in tablets {
        tablet
            .await
            .expect("attempt ran")
            .expect("every tablet signs in");
    }
}
both_databases!(
    shared_account,
    super::a_shared_account_signs_in_on_many_tablets_at_once
);
