//! The axum server: the Leptos app, live events, the JSON API for other
//! systems, and the command line (serve, migrate, seed, bench).

pub mod api_customers;
mod api_orders;
pub mod api_v1;
pub mod bench;
pub mod cli;
pub mod client;
mod customer_export;
mod events;
mod handoff_qr;
mod health;
pub mod jobs;
pub mod mail;
pub mod qr;
mod session;
pub mod webhooks;

use app::db::{Backend, Db, migrate};
use app::services::events::{EventBus, spawn_pg_relay};
use app::services::seed::{SeedParams, is_seeded, seed};
use app::state::AppState;
use app::{App, shell};
use axum::Router;
use axum::routing::{get, post};
use axum::serve::ListenerExt;
use leptos::prelude::{LeptosOptions, provide_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::net::SocketAddr;
use std::time::Duration;
use tower_http::compression::CompressionLayer;

pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=error"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

/// Where the compiled browser bundle and assets are (cargo-leptos output).
/// Bundle file names carry a hash of their content when the build wrote
/// one (`hash.txt` beside the server binary, from `hash-files = true`).
pub fn leptos_options(site_root: &str, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("web-in-store")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .hash_files(bundle_is_hashed())
        .build()
}

/// Whether the build named the bundle's files by their content.
fn bundle_is_hashed() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|hashes| hashes.is_file())
}

/// The browser bundle (`/pkg`): brotli or gzip files compressed at build
/// time when the browser takes them (never compressed per request: a debug
/// build has no compressed copies and is served as it is),
/// and, when the names carry a content hash, kept by browsers for a year
/// without asking again. Without hashes, browsers check each time.
fn bundle_files(options: &LeptosOptions) -> Router<AppState> {
    use axum::http::{HeaderValue, header};
    use tower_http::services::ServeDir;
    use tower_http::set_header::SetResponseHeaderLayer;
    let dir = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let caching = if options.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Router::new()
        .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(caching),
        ))
}

/// The whole HTTP surface, used by `main` and by the tests alike.
pub fn build_router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let leptos_state = state.clone();
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/auth/login", post(session::login))
        .route("/auth/logout", post(session::logout))
        .route("/api/events", get(events::stream))
        .route("/api/pickups/events", get(events::pickup_stream))
        .route("/customers/{id}/export.json", get(customer_export::export))
        .route("/handoff/{code}/qr.svg", get(handoff_qr::handoff_qr))
        .nest("/api/v1", api_v1::router())
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(leptos_state.clone()),
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::resolve,
        ))
        .layer(CompressionLayer::new())
        // Added after the compression layer, which wraps only the routes
        // before it: the bundle is compressed at build time or not at all.
        // Compressing the 7 MB debug WebAssembly per request took 8 s
        // (gzip) to 20 s (brotli) in the unoptimised test server.
        .nest(
            &format!("/{}", state.leptos_options.site_pkg_dir),
            bundle_files(&state.leptos_options),
        )
        .with_state(state)
}

/// A configured server, ready to accept connections.
pub struct Server {
    pub state: AppState,
    pub listener: tokio::net::TcpListener,
}

impl Server {
    /// Connects, migrates, starts the live relay, binds.
    pub async fn prepare(
        database_url: &str,
        addr: SocketAddr,
        site_root: &str,
        pool_size: u32,
    ) -> Result<Self, String> {
        let db = Db::connect(database_url, pool_size)
            .await
            .map_err(|e| format!("cannot open the database: {e}"))?;
        migrate(&db)
            .await
            .map_err(|e| format!("migration failed: {e}"))?;
        let events = EventBus::new(db.backend);
        if db.backend == Backend::Postgres {
            spawn_pg_relay(db.clone(), database_url.to_string(), events.clone());
            tokio::time::timeout(Duration::from_secs(10), events.ready())
                .await
                .map_err(|_| "the live event relay could not listen on PostgreSQL".to_string())?;
        }
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        let state = AppState {
            db,
            events,
            api_keys: Default::default(),
            leptos_options: leptos_options(site_root, local),
            secure_cookies: !local.ip().is_loopback(),
        };
        Ok(Self { state, listener })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Serves until `shutdown` resolves.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), String> {
        let app = build_router(self.state);
        // Answers go out at once: with Nagle's algorithm, a response written
        // in two parts on a keep-alive connection waited for the client's
        // delayed acknowledgement (a 40 ms stall on every static file).
        let listener = self.listener.tap_io(|tcp| {
            if let Err(err) = tcp.set_nodelay(true) {
                tracing::warn!(error = %err, "TCP_NODELAY not set");
            }
        });
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(|e| format!("server error: {e}"))
    }
}

/// Seeds the demo chain (or, with `if_empty`, only into an empty database).
pub async fn seed_database(db: &Db, params: &SeedParams, if_empty: bool) -> Result<(), String> {
    if if_empty && is_seeded(db).await.map_err(|e| e.to_string())? {
        println!("seed: the database already holds data; nothing to do");
        return Ok(());
    }
    println!(
        "seed: {} shops, {} warehouse(s), {} SKUs, {} customers, {} orders (seed {})",
        params.shops,
        params.warehouses,
        params.skus,
        params.customers,
        params.orders,
        params.rng_seed
    );
    let mut progress = |message: &str| println!("seed: {message}");
    seed(db, params, &mut progress)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// Two connections per core (at least four): enough to keep the cores busy
/// while some queries wait on the disk or the network. More only queue in
/// the database and switch between its processes: measured on 2 cores, 4
/// connections served stock lookups with a shorter tail than 8 (PostgreSQL
/// chain scale p99 7.5-8.1 ms against 9.1-9.3 ms), and 8 better than 16 or 32.
pub fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    (2 * cores).clamp(4, 64) as u32
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
