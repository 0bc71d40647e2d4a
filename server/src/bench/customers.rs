//! Customer 360 through real HTTP: search as an associate types (names,
//! phones, e-mails, one request per keystroke), and opening customers with
//! their latest orders and lines, the audit line included.

use super::{RunFigures, http_client};
use crate::client;
use app::db::Db;
use leptos::server_fn::ServerFn;
use std::time::Duration;

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

/// Four associates typing names, phones and e-mails, one request per
/// keystroke, through the server function the customer search calls.
pub async fn search_run(base: &str, typed: &[String]) -> Result<RunFigures, String> {
    super::typing_run(base, app::api::customers::SearchCustomers::PATH, typed, 16).await
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
    let (ids, base) = (ids.to_vec(), base.to_string());
    super::load_run(clients, duration, move |client, worker, n| {
        let id = ids[(worker * 7919 + n * 104_729) % ids.len().max(1)].to_string();
        client
            .post(format!("{base}{path}"))
            .header("cookie", &cookie)
            .form(&[("id", id)])
    })
    .await
}
