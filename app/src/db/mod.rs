//! The database: one `AnyPool` serves SQLite and PostgreSQL with the same SQL.

pub(crate) mod batch;
mod directory;
pub(crate) mod migrate;
mod search_index;

pub use directory::{Directory, LocationDirectory};
pub use migrate::{build_stock_indexes, drop_stock_indexes, migrate};
pub use search_index::index_unindexed_products;

use crate::services::audit::ReadLog;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Connection, Executor};
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
    /// On SQLite, the one connection that writes (see `connect`).
    writer: Option<AnyPool>,
    pub backend: Backend,
    /// On SQLite, whose writer is one at a time: the turn of this
    /// process's writers (see `begin_write`).
    write_turn: Arc<tokio::sync::Mutex<()>>,
    /// Shared by every clone of the handle, like the pool.
    locations: Arc<LocationDirectory>,
    /// Reads of customer data, logged by one writer (see `ReadLog`).
    read_log: ReadLog,
}

impl Backend {
    /// The engine behind a connection, for the few statements written for
    /// one engine only.
    pub fn of_connection(conn: &sqlx::AnyConnection) -> Self {
        if conn.backend_name().eq_ignore_ascii_case("postgresql") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

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

    /// A JSON array of the SQL `values` (a comma-separated list).
    pub fn json_array(self, values: &str) -> String {
        match self {
            Self::Sqlite => format!("json_array({values})"),
            Self::Postgres => format!("json_build_array({values})"),
        }
    }

    /// A scalar subquery: the JSON text of an array holding `element` (a
    /// JSON expression, see `json_array`) for each row of `from` (its
    /// `FROM` and `WHERE`), in the order of `order_by`; `[]` for none.
    /// Many rows come back as one value: one row to hand over instead of
    /// one per row, and the rows of several parts fit in one statement.
    pub fn json_list(self, element: &str, from: &str, order_by: &str) -> String {
        match self {
            Self::Sqlite => {
                format!("(SELECT json_group_array({element} ORDER BY {order_by}) {from})")
            }
            Self::Postgres => format!(
                "(SELECT COALESCE(CAST(json_agg({element} ORDER BY {order_by}) AS TEXT), '[]') {from})"
            ),
        }
    }
}

/// The schema of the reads of customer data on SQLite: a file beside the
/// base, attached to every connection (migration 0009).
pub const JOURNAL: &str = "journal";

/// The file of `JOURNAL` for the SQLite base at `url`: `shop.db` keeps
/// its reads in `shop-reads.db`; an in-memory base, in memory.
pub fn journal_file(url: &str) -> Result<String, sqlx::Error> {
    use std::str::FromStr;
    let base = sqlx::sqlite::SqliteConnectOptions::from_str(url)?;
    let base = base.get_filename().to_string_lossy();
    if base.is_empty() || base == ":memory:" {
        return Ok(":memory:".to_string());
    }
    Ok(match base.strip_suffix(".db") {
        Some(stem) => format!("{stem}-reads.db"),
        None => format!("{base}-reads"),
    })
}

/// Creates the file of `JOURNAL` for the SQLite base at `url` if missing,
/// in WAL mode, before any connection attaches it; returns its name.
/// Switched by the first connections of a pool, each attaching it while
/// another was opening it, the mode change waited for the busy timeout.
async fn prepare_journal(url: &str) -> Result<String, sqlx::Error> {
    use sqlx::ConnectOptions;
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
    let journal = journal_file(url)?;
    if journal != ":memory:" {
        SqliteConnectOptions::new()
            .filename(&journal)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(15))
            .connect()
            .await?
            .close()
            .await?;
    }
    Ok(journal)
}

/// How long a pooled connection may sit unused before it is checked.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

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
        let journal = match backend {
            Backend::Sqlite => prepare_journal(&url).await?,
            Backend::Postgres => String::new(),
        };
        let options = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            // A connection is checked (pinged) before use only when it has
            // been idle a while: one in use a moment ago is alive, and the
            // ping is a round trip (to the server, or to a SQLite
            // connection's thread) that every request paid for, once per
            // connection it took. A dead one is closed and another taken.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for > IDLE_BEFORE_PING {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            });
        let options = match backend {
            // WAL lets readers run while one writer commits; the busy timeout
            // makes concurrent writers wait their turn instead of failing.
            Backend::Sqlite => options.after_connect(move |conn, _meta| {
                let journal = journal.clone();
                Box::pin(async move {
                    // The reads of customer data, in a file of their own
                    // (migration 0009 says why).
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "ATTACH DATABASE $1 AS {JOURNAL}"
                    )))
                    .bind(journal)
                    .execute(&mut *conn)
                    .await?;
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = NORMAL",
                        "PRAGMA journal.synchronous = NORMAL",
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA busy_timeout = 15000",
                        // No memory map: SQLite unmaps the whole file at the
                        // start of every read transaction that follows
                        // another connection's commit, and maps it again
                        // page fault by page fault. Opening customers (each
                        // opening commits an audit line) spent more time in
                        // the kernel unmapping than in SQLite.
                        "PRAGMA mmap_size = 0",
                        // Instead, 32 MB of pages per connection (the default
                        // is 2 MB): kept from one read to the next until
                        // another connection commits. The chain's stock
                        // lookups went from 7,000/s to 10,200/s with it.
                        "PRAGMA cache_size = -32768",
                    ] {
                        conn.execute(pragma).await?;
                    }
                    Ok(())
                })
            }),
            Backend::Postgres => options,
        };
        // On SQLite, every write transaction of this process goes through
        // one connection of its own. SQLite empties a connection's page
        // cache whenever another connection has written; with one writer,
        // the writer's cache is never emptied, and a transaction in the
        // turn does not read its pages again from the file first.
        let writer = match backend {
            Backend::Sqlite => Some(
                options
                    .clone()
                    .max_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .connect(&url)
                    .await?,
            ),
            Backend::Postgres => None,
        };
        let pool = options.connect(&url).await?;
        Ok(Self {
            read_log: ReadLog::start(pool.clone(), backend),
            pool,
            writer,
            backend,
            write_turn: Arc::default(),
            locations: Arc::default(),
        })
    }

    /// A transaction that will write. On SQLite, writers of this process
    /// first wait for their turn here, in arrival order, and get the lock
    /// the moment the previous one commits; left to SQLite, a writer that
    /// finds the lock taken sleeps and polls (1, 2, 5, 10... up to 100 ms),
    /// which gave checkouts at 8 associates a p99 of 60 ms for a p50 of
    /// 4 ms. The turn is taken before a connection, so that writers waiting
    /// for it hold none. On PostgreSQL, rows are locked, not the base: no
    /// turn.
    ///
    /// On SQLite the transaction also takes the database's write lock at
    /// once, by a write that changes nothing. A transaction that read
    /// first and wrote later failed ("database is locked", code 517) when
    /// a single statement outside the turn (a sign-in, the mail worker
    /// marking a message sent) committed in between. `BEGIN IMMEDIATE`
    /// would lock the attached journal too, and make its writer wait.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        let mut tx = self.begin_write_writing_first().await?;
        tx.lock_now().await?;
        Ok(tx)
    }

    /// [`Db::begin_write`] for a caller whose first statement writes (and
    /// so takes SQLite's write lock itself): one statement less. A caller
    /// that may read first calls [`WriteTx::lock_now`] before.
    pub async fn begin_write_writing_first(&self) -> Result<WriteTx, sqlx::Error> {
        let turn = match self.backend {
            Backend::Sqlite => Some(self.write_turn.clone().lock_owned().await),
            Backend::Postgres => None,
        };
        let tx = self.writer.as_ref().unwrap_or(&self.pool).begin().await?;
        Ok(WriteTx {
            tx,
            _turn: turn,
            needs_lock: self.backend == Backend::Sqlite,
        })
    }

    /// One statement that writes, in a transaction of its own and in the
    /// writers' turn (see [`Db::begin_write`]).
    pub async fn write_one<'q>(
        &self,
        statement: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> Result<sqlx::any::AnyQueryResult, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let done = statement.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// Where reads of customer data are logged.
    pub fn read_log(&self) -> &ReadLog {
        &self.read_log
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

/// A transaction opened by `Db::begin_write`, holding the writers' turn
/// until it is committed or dropped (rolled back).
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
    /// SQLite's write lock not taken yet.
    needs_lock: bool,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }

    /// Takes SQLite's write lock now, by a write that changes nothing (see
    /// [`Db::begin_write`]); nothing to do when it is taken already, or on
    /// PostgreSQL.
    pub async fn lock_now(&mut self) -> Result<(), sqlx::Error> {
        if self.needs_lock {
            sqlx::query("UPDATE main.schema_migrations SET version = version WHERE 0")
                .execute(&mut *self.tx)
                .await?;
            self.needs_lock = false;
        }
        Ok(())
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// The numbered parameters of `groups` groups of `width` each, in order
/// (`"$1, $2"`, `"$3, $4"`...): the rows of a many-row statement.
pub fn numbered_groups(groups: usize, width: usize) -> Vec<String> {
    (0..groups)
        .map(|group| {
            (1..=width)
                .map(|n| format!("${}", group * width + n))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect()
}

/// The rows of a many-row `VALUES` list, numbered in order:
/// `"($1, $2), ($3, $4)"` for 2 groups of 2.
pub fn values_rows(groups: usize, width: usize) -> String {
    numbered_groups(groups, width)
        .iter()
        .map(|row| format!("({row})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Milliseconds since the Unix epoch: how times are stored.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

#[cfg(test)]
mod numbered_groups_tests {
    use super::numbered_groups;

    #[test]
    fn groups_number_their_parameters_in_order() {
        assert_eq!(numbered_groups(2, 3), vec!["$1, $2, $3", "$4, $5, $6"]);
        assert!(numbered_groups(0, 2).is_empty());
        assert_eq!(super::values_rows(2, 2), "($1, $2), ($3, $4)");
    }
}
