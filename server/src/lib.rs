//! The axum server: the Leptos app, live events, the JSON API for other
//! systems, and the command line (serve, migrate, seed, bench).

pub mod api_v1;
pub mod bench;
pub mod cli;
pub mod client;
mod events;
mod health;
mod session;

use app::db::{Backend, Db, migrate};
use app::error::AppError;
use app::services::events::{EventBus, spawn_pg_relay};
use app::state::AppState;
use app::{App, shell};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
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
pub fn leptos_options(site_root: &str, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("web-in-store")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
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
        .layer(axum::middleware::from_fn(server_fn_statuses))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::resolve,
        ))
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// Server function errors come back from the framework as 500; this gives
/// them their real status (401, 403, 404, 409, 422), also for arguments
/// that did not parse, which fail before the function runs.
async fn server_fn_statuses(req: Request<Body>, next: Next) -> Response {
    let path = req.uri().path();
    let is_server_fn =
        path.starts_with("/api/") && !path.starts_with("/api/v1") && path != "/api/events";
    let response = next.run(req).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
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
        axum::serve(self.listener, app)
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(|e| format!("server error: {e}"))
    }
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
