//! Orders, through real HTTP: associates checking out 3-line baskets from
//! two sources (this shop's shelf and the warehouse), and the web shop's
//! clients all buying one hot SKU, beside the disk's fsync rate (each
//! order is one committed transaction: the disk's flushes bound them).

use super::{RunFigures, http_client, send_ok};
use crate::client;
use app::db::Db;
use app::services::seed::DEMO_API_KEY;
use leptos::server_fn::ServerFn;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What the benchmark orders: for each associate, their shop and three
/// SKUs (one taken from the shelf, two shipped from the warehouse).
pub struct Sample {
    pub associates: Vec<(String, String, [String; 3])>,
    pub hot_sku: String,
    pub warehouses: Vec<String>,
}

/// Eight shops' associates and their SKUs, and the hot SKU.
pub async fn sample(db: &Db, associates: usize) -> Result<Sample, String> {
    let shops: Vec<(String, String)> = sqlx::query_as(
        "SELECT username, location_id FROM staff WHERE role = 'associate' ORDER BY location_id LIMIT $1",
    )
    .bind(associates as i64)
    .fetch_all(&db.pool)
    .await
    .map_err(|e| e.to_string())?;
    let skus: Vec<String> =
        sqlx::query_scalar("SELECT sku FROM skus ORDER BY ordinal DESC LIMIT $1")
            .bind(3 * associates as i64 + 1)
            .fetch_all(&db.pool)
            .await
            .map_err(|e| e.to_string())?;
    let warehouses: Vec<String> =
        sqlx::query_scalar("SELECT id FROM locations WHERE kind = 'warehouse' ORDER BY ordinal")
            .fetch_all(&db.pool)
            .await
            .map_err(|e| e.to_string())?;
    if shops.len() < associates || skus.len() < 3 * associates + 1 {
        return Err("the benchmark chain has too few shops or SKUs".into());
    }
    let associates = shops
        .into_iter()
        .enumerate()
        .map(|(i, (user, shop))| {
            (
                user,
                shop,
                [
                    skus[3 * i].clone(),
                    skus[3 * i + 1].clone(),
                    skus[3 * i + 2].clone(),
                ],
            )
        })
        .collect();
    Ok(Sample {
        associates,
        hot_sku: skus[skus.len() - 1].clone(),
        warehouses,
    })
}

/// Receives goods through the API so that the runs never run short.
pub(super) async fn stock_up(
    base: &str,
    sku: &str,
    location: &str,
    times: usize,
) -> Result<(), String> {
    let http = http_client()?;
    for _ in 0..times {
        let body = serde_json::json!({
            "sku": sku, "location_id": location, "kind": "receipt", "quantity": 10_000
        });
        send_ok(
            http.post(format!("{base}/api/v1/stock/movements"))
                .bearer_auth(DEMO_API_KEY)
                .json(&body),
            "the stock receipt",
        )
        .await?;
    }
    Ok(())
}

pub async fn prepare(base: &str, sample: &Sample) -> Result<(), String> {
    for (_, shop, skus) in &sample.associates {
        stock_up(base, &skus[0], shop, 1).await?;
        for warehouse in &sample.warehouses {
            stock_up(base, &skus[1], warehouse, 1).await?;
            stock_up(base, &skus[2], warehouse, 1).await?;
        }
    }
    for warehouse in &sample.warehouses {
        stock_up(base, &sample.hot_sku, warehouse, 3).await?;
    }
    Ok(())
}

/// Calls a server function as the browser does; returns its JSON answer.
pub(super) async fn call(
    http: &reqwest::Client,
    base: &str,
    cookie: &str,
    path: &str,
    form: &[(&str, String)],
) -> Result<serde_json::Value, String> {
    let request = http
        .post(format!("{base}{path}"))
        .header("cookie", cookie)
        .form(form);
    answer(request, path).await
}

/// Calls a server function that takes JSON (as the return form does).
pub(super) async fn call_json(
    http: &reqwest::Client,
    base: &str,
    cookie: &str,
    path: &str,
    body: &serde_json::Value,
) -> Result<serde_json::Value, String> {
    let request = http
        .post(format!("{base}{path}"))
        .header("cookie", cookie)
        .json(body);
    answer(request, path).await
}

/// A server function's JSON answer; any other status is an error with it.
async fn answer(request: reqwest::RequestBuilder, path: &str) -> Result<serde_json::Value, String> {
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let text = response.text().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{path} answered {status}: {text}"));
    }
    serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))
}

/// Each associate builds a basket (one line taken now, two shipped from
/// the warehouse, the customer's e-mail and address) and checks it out,
/// again and again for `duration`. The figures are the checkout's alone;
/// the rate counts orders placed per second with the basket building in
/// between, as at a till.
pub async fn basket_run(
    base: &str,
    sample: &Sample,
    duration: Duration,
    run: &str,
) -> Result<RunFigures, String> {
    use app::api::basket::{BasketAdd, BasketAddress, BasketCheckout, BasketContact};
    let http = http_client()?;
    let deadline = Instant::now() + duration;
    let mut tasks = Vec::new();
    for (worker, (user, _, skus)) in sample.associates.iter().enumerate() {
        let cookie = client::sign_in(&http, base, user, "demo").await?;
        let (http, base, skus, run) = (
            http.clone(),
            base.to_string(),
            skus.clone(),
            run.to_string(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut n = 0;
            while Instant::now() < deadline {
                n += 1;
                let mut basket = serde_json::Value::Null;
                for (sku, way) in [(&skus[0], "carry"), (&skus[1], "ship"), (&skus[2], "ship")] {
                    basket = call(
                        &http,
                        &base,
                        &cookie,
                        BasketAdd::PATH,
                        &[
                            ("sku", sku.clone()),
                            ("quantity", "1".into()),
                            ("fulfilment", way.into()),
                        ],
                    )
                    .await?;
                }
                let basket = basket.to_string();
                call(
                    &http,
                    &base,
                    &cookie,
                    BasketContact::PATH,
                    &[
                        ("basket", basket.clone()),
                        ("email", format!("bench{worker}@example.org")),
                    ],
                )
                .await?;
                call(
                    &http,
                    &base,
                    &cookie,
                    BasketAddress::PATH,
                    &[
                        ("basket", basket.clone()),
                        ("name", "Client Banc".into()),
                        ("street", "1 rue du Test".into()),
                        ("postcode", "75011".into()),
                        ("city", "Paris".into()),
                    ],
                )
                .await?;
                let started = Instant::now();
                let receipt = call(
                    &http,
                    &base,
                    &cookie,
                    BasketCheckout::PATH,
                    &[
                        ("basket", basket),
                        ("method", "card".into()),
                        ("reference", "TPE-BENCH".into()),
                        ("request_key", format!("bench-{run}-{worker}-{n}")),
                    ],
                )
                .await?;
                latencies.push(started.elapsed().as_secs_f64() * 1000.0);
                let groups = receipt["fulfilments"].as_array().map_or(0, Vec::len);
                if groups != 2 {
                    return Err(format!("a basket from 2 sources made {groups} fulfilments"));
                }
            }
            Ok::<_, String>(latencies)
        }));
    }
    super::gather(tasks, duration).await
}

/// `clients` web-shop clients placing one-line orders of the same SKU,
/// shipped from the warehouse, each with its own Idempotency-Key.
pub async fn hot_sku_run(
    base: &str,
    sku: &str,
    clients: usize,
    duration: Duration,
    run: &str,
) -> Result<RunFigures, String> {
    let counter = Arc::new(AtomicUsize::new(0));
    let (base, sku, run) = (base.to_string(), sku.to_string(), run.to_string());
    super::load_run(clients, duration, move |http, _, _| {
        let n = counter.fetch_add(1, Ordering::Relaxed);
        let body = serde_json::json!({
            "lines": [{"sku": sku, "quantity": 1}],
            "fulfilment": {"kind": "ship", "address": {
                "name": "Client Web", "street": "2 rue du Banc", "postcode": "69003", "city": "Lyon"}},
            "email": "web.bench@example.org",
            "payment": {"status": "paid", "reference": format!("PSP-{run}-{n}")}
        });
        http.post(format!("{base}/api/v1/orders"))
            .bearer_auth(DEMO_API_KEY)
            .header("Idempotency-Key", format!("hot-{run}-{n}"))
            .json(&body)
    })
    .await
}

/// How many levels of `sku` are oversold (more reserved than on hand, or
/// less than nothing on hand), and how many have a reserved figure other
/// than the reservations held. A level whose safety stock exceeds what is
/// on hand (seeded so at chain scale) shows 0 available: it is not oversold.
pub async fn oversold(db: &Db, sku: &str) -> Result<(i64, i64), String> {
    let oversold: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM stock_levels WHERE sku = $1 AND (reserved > on_hand OR on_hand < 0)",
    )
    .bind(sku)
    .fetch_one(&db.pool)
    .await
    .map_err(|e| e.to_string())?;
    let mismatched: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM stock_levels l WHERE l.sku = $1 AND l.reserved <> \
           (SELECT CAST(COALESCE(SUM(r.quantity), 0) AS BIGINT) FROM reservations r \
            WHERE r.sku = l.sku AND r.location_id = l.location_id AND r.status = 'held')",
    )
    .bind(sku)
    .fetch_one(&db.pool)
    .await
    .map_err(|e| e.to_string())?;
    Ok((oversold, mismatched))
}

/// The disk's rate of 8 kB writes each followed by fdatasync, as
/// PostgreSQL's `pg_test_fsync` measures it in the benchmark's folder.
pub fn fsync_rate(work_dir: &std::path::Path) -> Option<f64> {
    let tool = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .map(|dir| dir.path().join("bin/pg_test_fsync"))
        .find(|path| path.is_file())?;
    let file = work_dir.join("fsync-test.tmp");
    let mut child = std::process::Command::new(tool)
        .args(["-s", "2", "-f"])
        .arg(&file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    // The first "fdatasync  N ops/sec  M usecs/op" line is the one-8kB-write
    // comparison, the one a commit makes; the later sections are not needed.
    let rate = child.stdout.take().and_then(|out| {
        use std::io::BufRead;
        std::io::BufReader::new(out)
            .lines()
            .map_while(Result::ok)
            .find(|line| line.trim_start().starts_with("fdatasync"))
            .and_then(|line| line.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
    });
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_file(&file);
    rate
}
