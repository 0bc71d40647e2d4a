//! The database: one `AnyPool` serves SQLite and PostgreSQL with the same SQL.

pub(crate) mod batch;
mod directory;
mod migrate;
mod search_index;

pub use directory::{Directory, LocationDirectory};
pub use migrate::{build_stock_indexes, drop_stock_indexes, migrate};
pub use search_index::index_unindexed_products;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::sync::Arc;
use std::time::Duration;

/// Which engine is behind the pool: a few things differ (live events travel
/// through NOTIFY on PostgreSQL, SQLite needs its pragmas).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// Shared by every clone of the handle, like the pool.
    locations: Arc<LocationDirectory>,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, String> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(format!(
                "DATABASE_URL must start with sqlite: or postgres:// (got '{}')",
                url.split(':').next().unwrap_or_default()
            ))
        }
    }
}

impl Db {
    /// Opens a pool. SQLite files are created when missing.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, sqlx::Error> {
        install_default_drivers();
        let backend = Backend::from_url(url).map_err(|e| sqlx::Error::Configuration(e.into()))?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_string(),
        };
        let options = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10));
        let options = match backend {
            // WAL lets readers run while one writer commits; the busy timeout
            // makes concurrent writers wait their turn instead of failing.
            Backend::Sqlite => options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = NORMAL",
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA busy_timeout = 15000",
                        // Reads straight from the mapped file, without a copy
                        // or a system call. The chain's file is over 1 GB; a
                        // smaller map sent each read beyond it through a
                        // 2 MB per-connection cache (searches touched
                        // hundreds of such pages). SQLite caps it at 2 GB.
                        "PRAGMA mmap_size = 2147418112",
                    ] {
                        conn.execute(pragma).await?;
                    }
                    Ok(())
                })
            }),
            Backend::Postgres => options,
        };
        let pool = options.connect(&url).await?;
        Ok(Self {
            pool,
            backend,
            locations: Arc::default(),
        })
    }

    /// Every location, from memory when recently read.
    pub async fn locations(&self) -> Result<Arc<Directory>, sqlx::Error> {
        self.locations.get(&self.pool).await
    }

    /// Every location, read again from the database.
    pub async fn reload_locations(&self) -> Result<Arc<Directory>, sqlx::Error> {
        self.locations.reload(&self.pool).await
    }

    /// Cheap round trip for readiness probes.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }
}

/// Milliseconds since the Unix epoch: how times are stored.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
