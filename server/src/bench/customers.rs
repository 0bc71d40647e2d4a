//! Customer 360 through real HTTP: search as an associate types (names,
//! phones, e-mails, one request per keystroke), and opening customers with
//! their latest orders and lines, the audit line included.

use super::{RunFigures, http_client, send_ok};
use crate::client;
use app::db::Db;
use leptos::server_fn::ServerFn;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the benchmark types and opens, read from the database once.
pub struct CustomerSample {
    /// Names ("martin camille"), phones ("06 12 34 56 78") and e-mails.
    pub typed: Vec<String>,
    pub ids: Vec<i64>,
    pub customers: i64,
    pub orders: i64,
}

pub async fn sample(db: &Db) -> Result<CustomerSample, String> {
    let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT id, last_name, first_name, phone, email FROM customers \
         WHERE erased_at IS NULL ORDER BY id LIMIT 600",
    )
    .fetch_all(&db.pool)
    .await
    .map_err(|e| e.to_string())?;
    let mut typed = Vec::new();
    for (i, (_, last, first, phone, email)) in rows.iter().take(60).enumerate() {
        typed.push(match i % 3 {
            0 => format!("{last} {first}").to_lowercase(),
            1 => app::domain::customer::format_national(phone),
            _ => email.clone(),
        });
    }
    // Customers spread over the whole base, not only the first ones.
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM customers WHERE erased_at IS NULL AND id % 97 = 3 ORDER BY id LIMIT 2000",
    )
    .fetch_all(&db.pool)
    .await
    .map_err(|e| e.to_string())?;
    let count = |sql: &'static str| async move {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(&db.pool)
            .await
            .map_err(|e| e.to_string())
    };
    Ok(CustomerSample {
        typed,
        ids,
        customers: count("SELECT COUNT(*) FROM customers").await?,
        orders: count("SELECT COUNT(*) FROM orders").await?,
    })
}

/// Four associates typing, one request per keystroke from the second
/// character, through the server function the customer search calls.
pub async fn search_run(base: &str, typed: &[String]) -> Result<RunFigures, String> {
    let http = http_client()?;
    let cookie = client::sign_in(&http, base, "associate", "demo").await?;
    let path = app::api::customers::SearchCustomers::PATH;
    let typed = Arc::new(typed.to_vec());
    let started = Instant::now();
    let mut tasks = Vec::new();
    for typist in 0..4usize {
        let (http, typed, base, cookie) = (
            http.clone(),
            typed.clone(),
            base.to_string(),
            cookie.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for text in typed.iter().skip(typist).step_by(4) {
                let chars: Vec<char> = text.chars().collect();
                for len in 2..=chars.len().min(16) {
                    let query: String = chars[..len].iter().collect();
                    let sent = Instant::now();
                    let search = http
                        .post(format!("{base}{path}"))
                        .header("cookie", &cookie)
                        .form(&[("query", query.as_str())]);
                    send_ok(search, "customer search").await?;
                    latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
                }
            }
            Ok::<_, String>(latencies)
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.map_err(|e| e.to_string())??);
    }
    Ok(RunFigures {
        per_second: all.len() as f64 / started.elapsed().as_secs_f64(),
        latencies_ms: all,
    })
}

/// `clients` associates opening customers back to back for `duration`:
/// the profile with its 20 latest orders and their lines, logged.
pub async fn open_run(
    base: &str,
    ids: &[i64],
    clients: usize,
    duration: Duration,
) -> Result<RunFigures, String> {
    let http = http_client()?;
    let cookie = client::sign_in(&http, base, "associate", "demo").await?;
    let path = app::api::customers::GetCustomer::PATH;
    let ids = Arc::new(ids.to_vec());
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..clients {
        let (http, ids, base, cookie) =
            (http.clone(), ids.clone(), base.to_string(), cookie.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut n = worker;
            while Instant::now() < deadline {
                n += clients;
                let id = ids[(n * 7919) % ids.len().max(1)].to_string();
                let sent = Instant::now();
                let open = http
                    .post(format!("{base}{path}"))
                    .header("cookie", &cookie)
                    .form(&[("id", id.as_str())]);
                send_ok(open, "a customer profile").await?;
                latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
            }
            Ok::<_, String>(latencies)
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.map_err(|e| e.to_string())??);
    }
    Ok(RunFigures {
        per_second: all.len() as f64 / started.elapsed().as_secs_f64(),
        latencies_ms: all,
    })
}
