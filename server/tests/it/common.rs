use app::db::{Backend, Db, migrate};
use app::services::Actor;
use app::services::events::EventBus;
use app::services::seed::{SeedParams, seed};
use server::Server;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub const API_KEY: &str = app::services::seed::DEMO_API_KEY;

/// Small enough to seed in a blink, large enough to have every kind of row.
pub fn small_chain() -> SeedParams {
    SeedParams {
        shops: 4,
        warehouses: 1,
        skus: 60,
        customers: 30,
        orders: 80,
        rng_seed: 7,
    }
}

/// Runs a test body on SQLite and on PostgreSQL.
macro_rules! both_databases {
    ($name:ident, $body:path) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                $body(crate::common::Engine::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                $body(crate::common::Engine::Postgres).await;
            }
        }
    };
}
pub(crate) use both_databases;

#[derive(Debug, Clone, Copy)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A fresh, empty database; a SQLite file is removed when dropped.
pub struct TestDb {
    pub url: String,
    file: Option<PathBuf>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(file) = &self.file {
            let reads = app::db::journal_file(&self.url).unwrap_or_default();
            for base in [file.display().to_string(), reads] {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{base}{suffix}"));
                }
            }
        }
    }
}

fn unique_name() -> String {
    let secret = app::services::auth::new_secret();
    format!("wis_t_{}", &secret[..16])
}

impl TestDb {
    pub async fn new(engine: Engine) -> Self {
        match engine {
            Engine::Sqlite => {
                let file = std::env::temp_dir().join(format!("{}.db", unique_name()));
                Self {
                    url: format!("sqlite://{}", file.display()),
                    file: Some(file),
                }
            }
            Engine::Postgres => {
                let server = std::env::var("TEST_PG_URL").expect(
                    "TEST_PG_URL must name a PostgreSQL server for the tests: run them with scripts/test.sh",
                );
                let admin = Db::connect(&server, 1).await.expect("PostgreSQL answers");
                let name = unique_name();
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&admin.pool)
                    .await
                    .expect("database created");
                admin.pool.close().await;
                let base = server
                    .rsplit_once('/')
                    .map(|(b, _)| b.to_string())
                    .expect("URL has a path");
                Self {
                    url: format!("{base}/{name}"),
                    file: None,
                }
            }
        }
    }

    pub async fn connect(&self) -> Db {
        let db = Db::connect(&self.url, 16).await.expect("database opens");
        migrate(&db).await.expect("migrations apply");
        db
    }

    /// Connected, migrated and filled with the small chain.
    pub async fn seeded(&self) -> Db {
        let db = self.connect().await;
        seed(&db, &small_chain(), &mut |_: &str| {})
            .await
            .expect("seed works");
        db
    }
}

pub fn bus_for(db: &Db) -> EventBus {
    EventBus::new(db.backend)
}

/// A bus that hears committed changes on either engine: on PostgreSQL
/// they come back through the relay listening to the database, as on a
/// server.
pub async fn live_bus(test_db: &TestDb, db: &Db) -> EventBus {
    let bus = bus_for(db);
    if db.backend == Backend::Postgres {
        app::services::events::spawn_pg_relay(db.clone(), test_db.url.clone(), bus.clone());
        tokio::time::timeout(Duration::from_secs(10), bus.ready())
            .await
            .expect("the relay listens");
    }
    bus
}

/// The next message of a live subscription, within a few seconds.
pub async fn within_seconds<T: Clone>(rx: &mut tokio::sync::broadcast::Receiver<T>) -> T {
    tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("an event within 5 s")
        .expect("the bus is open")
}

/// The first event within 5 s that `wanted` accepts: on PostgreSQL an
/// earlier change's notification may still be on its way when a test
/// subscribes.
pub async fn first_within_seconds<T: Clone>(
    rx: &mut tokio::sync::broadcast::Receiver<T>,
    wanted: impl Fn(&T) -> bool,
) -> T {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let event = rx.recv().await.expect("the bus is open");
            if wanted(&event) {
                return event;
            }
        }
    })
    .await
    .expect("the event within 5 s")
}

pub fn tester() -> Actor {
    Actor::new("tester", "test-suite")
}

/// A running server on a free port, on its own database.
pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub events: EventBus,
    pub http: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl TestApp {
    /// Starts a server on a seeded database.
    pub async fn start(test_db: &TestDb) -> Self {
        test_db.seeded().await;
        Self::start_unseeded(test_db).await
    }

    /// Starts a server on whatever the database holds (a second server on
    /// the same database, say).
    pub async fn start_unseeded(test_db: &TestDb) -> Self {
        Self::start_with_site(test_db, "target/site").await
    }

    /// Starts a server serving the browser bundle found under `site_root`.
    pub async fn start_with_site(test_db: &TestDb, site_root: &str) -> Self {
        let server = Server::prepare(
            &test_db.url,
            SocketAddr::from(([127, 0, 0, 1], 0)),
            site_root,
            16,
        )
        .await
        .expect("server starts");
        let addr = server.local_addr();
        let db = server.state.db.clone();
        let events = server.state.events.clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client");
        Self {
            base: format!("http://{addr}"),
            db,
            events,
            http,
            stop: Some(stop),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Signs in through the form and returns the session cookie.
    pub async fn sign_in(&self, username: &str) -> String {
        server::client::sign_in(&self.http, &self.base, username, "demo")
            .await
            .expect("signed in")
    }

    /// Calls a server function as the browser does (URL-encoded form).
    pub async fn call(
        &self,
        cookie: Option<&str>,
        function: &str,
        form: &[(&str, &str)],
    ) -> (u16, serde_json::Value) {
        let mut request = self
            .http
            .post(self.url(&format!("/api/{function}")))
            .form(form);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        status_and_json(request.send().await.expect("server function answers")).await
    }

    pub async fn api_get(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self
            .http
            .get(self.url(path))
            .bearer_auth(API_KEY)
            .send()
            .await
            .expect("API answers");
        status_and_json(response).await
    }

    pub async fn api_post(&self, body: serde_json::Value) -> (u16, serde_json::Value) {
        let response = self
            .http
            .post(self.url("/api/v1/stock/movements"))
            .bearer_auth(API_KEY)
            .json(&body)
            .send()
            .await
            .expect("API answers");
        status_and_json(response).await
    }

    /// Opens the live event stream; events arrive on the returned channel.
    pub async fn listen(
        &self,
        query: &str,
        last_event_id: Option<i64>,
    ) -> tokio::sync::mpsc::UnboundedReceiver<SseEvent> {
        let mut request = self
            .http
            .get(self.url(&format!("/api/events{query}")))
            .bearer_auth(API_KEY);
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id.to_string());
        }
        let response = request.send().await.expect("event stream opens");
        assert_eq!(response.status(), 200);
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(server::client::read_events(response, move |event| {
            let event = SseEvent {
                kind: event.kind.unwrap_or_default(),
                id: event.id,
                data: event
                    .data
                    .and_then(|d| serde_json::from_str(&d).ok())
                    .unwrap_or_default(),
            };
            tx.send(event).is_ok()
        }));
        rx
    }
}

/// The status and the JSON body (null when there is none).
pub async fn status_and_json(response: reqwest::Response) -> (u16, serde_json::Value) {
    let status = response.status().as_u16();
    (
        status,
        response.json().await.unwrap_or(serde_json::Value::Null),
    )
}

#[derive(Debug, Clone)]
pub struct SseEvent {
    pub kind: String,
    pub id: Option<i64>,
    pub data: serde_json::Value,
}

/// The next event within a second (the live target), or a failure.
pub async fn next_event(rx: &mut tokio::sync::mpsc::UnboundedReceiver<SseEvent>) -> SseEvent {
    tokio::time::timeout(Duration::from_secs(1), rx.recv())
        .await
        .expect("an event arrives within a second")
        .expect("the stream stays open")
}

/// Waits (a second at most) for the event with this id, passing over
/// earlier ones still in flight (the test's own setup, say).
pub async fn event_with_id(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<SseEvent>,
    id: i64,
) -> SseEvent {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
    loop {
        let event = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("event {id} did not arrive within a second"))
            .expect("the stream stays open");
        if event.id == Some(id) {
            return event;
        }
        assert!(
            event.id.is_some_and(|seen| seen < id),
            "event {:?} came instead of {id}",
            event.id
        );
    }
}

/// Checks the ledger invariant: per stock level, the sum of the movements
/// equals the figures, and nothing is negative.
pub async fn assert_ledger_matches_levels(db: &Db) {
    let mismatches: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM stock_levels l \
         LEFT JOIN (SELECT sku, location_id, CAST(SUM(on_hand_delta) AS BIGINT) AS oh, \
                           CAST(SUM(reserved_delta) AS BIGINT) AS rs, \
                           CAST(SUM(quarantined_delta) AS BIGINT) AS qu \
                    FROM stock_movements GROUP BY sku, location_id) m \
           ON m.sku = l.sku AND m.location_id = l.location_id \
         WHERE COALESCE(m.oh, 0) <> l.on_hand OR COALESCE(m.rs, 0) <> l.reserved \
            OR COALESCE(m.qu, 0) <> l.quarantined OR l.quarantined < 0 \
            OR l.on_hand < 0 OR l.reserved < 0 OR l.reserved > l.on_hand",
    )
    .fetch_one(&db.pool)
    .await
    .expect("invariant query runs");
    assert_eq!(mismatches, 0, "stock levels disagree with their ledger");
}

pub async fn figures(db: &Db, sku: &str, location: &str) -> (i64, i64, i64) {
    sqlx::query_as(
        "SELECT on_hand, reserved, safety FROM stock_levels WHERE sku = $1 AND location_id = $2",
    )
    .bind(sku)
    .bind(location)
    .fetch_one(&db.pool)
    .await
    .expect("stock level exists")
}

pub async fn ledger_lines(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM stock_movements")
        .fetch_one(&db.pool)
        .await
        .expect("count runs")
}

/// Is the backend the one asked for (a sanity check of the harness).
pub fn assert_engine(db: &Db, engine: Engine) {
    let expected = match engine {
        Engine::Sqlite => Backend::Sqlite,
        Engine::Postgres => Backend::Postgres,
    };
    assert_eq!(db.backend, expected);
}

/// The fields of `served` are the properties of `schema` in the published
/// OpenAPI description, no more and no fewer.
pub fn assert_documented(spec: &serde_json::Value, schema: &str, served: &serde_json::Value) {
    let mut documented: Vec<&str> = spec["components"]["schemas"][schema]["properties"]
        .as_object()
        .expect("documented")
        .keys()
        .map(String::as_str)
        .collect();
    let mut keys: Vec<&str> = served
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    documented.sort_unstable();
    keys.sort_unstable();
    assert_eq!(keys, documented, "{schema}");
}
