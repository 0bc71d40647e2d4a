//! The memory soak: a server in a process of its own, under the mixed use of
//! a shop day (sign-ins, pages, bundle downloads, lookups, live links coming
//! and going, movements), and its resident memory before, right after, and
//! once the load has stopped. A server that keeps what a burst needed (a
//! sign-in's password work area, a compressed download) grows with every
//! burst; one that gives it back returns close to where it started.

use super::send_ok;
use crate::client;
use app::services::seed::DEMO_API_KEY;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// What the soak did, by kind of request.
#[derive(Default)]
struct Done {
    sign_ins: AtomicUsize,
    pages: AtomicUsize,
    downloads: AtomicUsize,
    lookups: AtomicUsize,
    live_links: AtomicUsize,
    movements: AtomicUsize,
}

impl Done {
    fn add(counter: &AtomicUsize) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// The server under soak, stopped when dropped.
struct ServerProcess(Child);

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub async fn run(
    database_url: &str,
    site_root: &str,
    seconds: u64,
    skus: &[String],
) -> Result<(), String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("no free port for the soak: {e}"))?
        .port();
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let server = ServerProcess(
        Command::new(exe)
            .arg("--database-url")
            .arg(database_url)
            .args([
                "serve",
                "--addr",
                &format!("127.0.0.1:{port}"),
                "--site-root",
                site_root,
            ])
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the server for the soak: {e}"))?,
    );
    let pid = server.0.id();
    let base = format!("http://127.0.0.1:{port}");
    let http = super::http_client()?;
    wait_until_ready(&http, &base).await?;
    let bundle = bundle_paths(&http, &base).await?;
    let at_start = resident_mb_of(pid).ok_or("cannot read the server's memory")?;

    let done = Arc::new(Done::default());
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let skus = Arc::new(skus.to_vec());
    let mut tasks = Vec::new();
    // Two people signing in and out all day long (each sign-in checks a
    // password: argon2's 19 MB work area).
    for person in ["associate", "manager"] {
        let (http, base, done) = (http.clone(), base.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let cookie = client::sign_in(&http, &base, person, "demo").await?;
                Done::add(&done.sign_ins);
                let _ = http
                    .post(format!("{base}/auth/logout"))
                    .header("cookie", &cookie)
                    .send()
                    .await;
            }
            Ok::<_, String>(())
        }));
    }
    // Associates opening product pages (rendered by the server).
    for worker in 0..3usize {
        let (http, base, done, skus) = (http.clone(), base.clone(), done.clone(), skus.clone());
        tasks.push(tokio::spawn(async move {
            let cookie = client::sign_in(&http, &base, "associate", "demo").await?;
            let mut n = worker;
            while Instant::now() < deadline {
                n += 7;
                let sku = &skus[(n * 104_729) % skus.len().max(1)];
                let page = http
                    .get(format!("{base}/stock/{sku}"))
                    .header("cookie", &cookie);
                send_ok(page, "a product page").await?;
                Done::add(&done.pages);
            }
            Ok(())
        }));
    }
    // Tablets downloading the bundle (compressed, as browsers ask for it).
    for encoding in ["br", "gzip"] {
        let (http, base, done, bundle) = (http.clone(), base.clone(), done.clone(), bundle.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                for path in bundle.iter() {
                    let download = http
                        .get(format!("{base}{path}"))
                        .header(reqwest::header::ACCEPT_ENCODING, encoding);
                    send_ok(download, path).await?;
                    Done::add(&done.downloads);
                }
            }
            Ok(())
        }));
    }
    // Other systems looking stock up.
    for worker in 0..4usize {
        let (http, base, done, skus) = (http.clone(), base.clone(), done.clone(), skus.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = worker;
            while Instant::now() < deadline {
                n += 13;
                let sku = &skus[(n * 7919) % skus.len().max(1)];
                let lookup = http
                    .get(format!("{base}/api/v1/stock/{sku}"))
                    .bearer_auth(DEMO_API_KEY);
                send_ok(lookup, "a stock lookup").await?;
                Done::add(&done.lookups);
            }
            Ok(())
        }));
    }
    // A hundred live links, each dropped and opened again every few
    // seconds (tablets sleeping, waking, changing page)...
    for link in 0..100u64 {
        let (http, base, done) = (http.clone(), base.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(link * 20)).await;
            while Instant::now() < deadline {
                let response = http
                    .get(format!("{base}/api/events"))
                    .bearer_auth(DEMO_API_KEY)
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                Done::add(&done.live_links);
                let _ = tokio::time::timeout(
                    Duration::from_millis(2000 + link * 10),
                    client::read_events(response, |_| true),
                )
                .await;
            }
            Ok(())
        }));
    }
    // ...while the stock moves, so that they have something to carry.
    {
        let (http, base, done, skus) = (http.clone(), base.clone(), done.clone(), skus.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0usize;
            while Instant::now() < deadline {
                n += 1;
                let sku = &skus[(n * 31) % skus.len().max(1)];
                let movement = http
                    .post(format!("{base}/api/v1/stock/movements"))
                    .bearer_auth(DEMO_API_KEY)
                    .json(&serde_json::json!({"sku": sku, "location_id": "PAR01", "kind": "receipt", "quantity": 1, "reference": "soak"}));
                send_ok(movement, "a stock movement").await?;
                Done::add(&done.movements);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Ok(())
        }));
    }
    // Resident memory along the way: growing all along is a leak, a level
    // reached early is the working set.
    let mut samples = Vec::new();
    let every = Duration::from_secs((seconds / 6).max(1));
    let mut next_sample = Instant::now() + every;
    let mut peak = at_start;
    while Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let now = resident_mb_of(pid).unwrap_or(0.0);
        peak = peak.max(now);
        if Instant::now() >= next_sample {
            samples.push(format!("{now:.0}"));
            next_sample += every;
        }
    }
    for task in tasks {
        task.await.map_err(|e| e.to_string())??;
    }
    let after = resident_mb_of(pid).unwrap_or(0.0);
    // Past the password checkers' idle time (twice: they take turns).
    tokio::time::sleep(Duration::from_secs(25)).await;
    let rested = resident_mb_of(pid).unwrap_or(0.0);
    let count = |c: &AtomicUsize| c.load(Ordering::Relaxed);
    println!(
        "memory soak, server in its own process, {seconds} s of mixed use ({} sign-ins, {} pages, {} bundle downloads, {} lookups, {} live links opened, {} movements): resident {at_start:.0} MB at start; every {} s: {} MB; peak {peak:.0} MB; {after:.0} MB when the load stopped, {rested:.0} MB 25 s later",
        count(&done.sign_ins),
        count(&done.pages),
        count(&done.downloads),
        count(&done.lookups),
        count(&done.live_links),
        count(&done.movements),
        every.as_secs(),
        samples.join(", "),
    );
    drop(server);
    Ok(())
}

async fn wait_until_ready(http: &reqwest::Client, base: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(response) = http.get(format!("{base}/readyz")).send().await
            && response.status().is_success()
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err("the soak's server did not become ready in 30 s".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The bundle's files, of which the WebAssembly must be one.
async fn bundle_paths(http: &reqwest::Client, base: &str) -> Result<Arc<Vec<String>>, String> {
    let paths = super::bundle_paths(http, base).await?;
    if !paths.iter().any(|p| p.ends_with(".wasm")) {
        return Err("the sign-in page names no WebAssembly file".into());
    }
    Ok(Arc::new(paths))
}

/// Resident memory of a process, in MB.
fn resident_mb_of(pid: u32) -> Option<f64> {
    super::vm_rss_mb(&std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?)
}
