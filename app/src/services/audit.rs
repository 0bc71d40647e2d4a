//! The audit log of customer data (RGPD): every opening of a profile, a
//! history or an order, every export, change and erasure, with who, role,
//! shop and device. Written in the request that shows or changes the data;
//! a search, which shows only masked contacts, is not logged. Changes are
//! logged in `audit_log`, in the change's transaction; reads in
//! `customer_reads` (migration 0009), through the `ReadLog`.

use crate::db::batch::{Batch, V};
use crate::db::{Backend, Db, JOURNAL, now_ms};
use crate::domain::{LocationId, Role};
use crate::error::{AppError, AppResult};
use crate::model::customer::AccessEntry;
use sqlx::{AnyConnection, AnyPool, Executor};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// A member of staff reading or changing customer data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub location: LocationId,
    pub device: String,
}

/// What was done with a customer's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    ProfileViewed,
    HistoryViewed,
    OrderViewed,
    Exported,
    Erased,
    Created,
    DetailsChanged,
    NoteAdded,
}

impl AuditAction {
    pub const ALL: [AuditAction; 8] = [
        Self::ProfileViewed,
        Self::HistoryViewed,
        Self::OrderViewed,
        Self::Exported,
        Self::Erased,
        Self::Created,
        Self::DetailsChanged,
        Self::NoteAdded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProfileViewed => "customer.profile",
            Self::HistoryViewed => "customer.history",
            Self::OrderViewed => "customer.order",
            Self::Exported => "customer.export",
            Self::Erased => "customer.erasure",
            Self::Created => "customer.created",
            Self::DetailsChanged => "customer.changed",
            Self::NoteAdded => "customer.note",
        }
    }
}

/// Whoever reads or changes customer data, as the log records them: a
/// member of staff, or another system through the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reader {
    pub username: String,
    /// A staff role, or `api`.
    pub role: String,
    /// The shop of a member of staff.
    pub location: Option<String>,
    pub device: String,
}

impl Staff {
    pub fn reader(&self) -> Reader {
        Reader {
            username: self.username.clone(),
            role: self.role.as_str().to_string(),
            location: Some(self.location.as_str().to_string()),
            device: self.device.clone(),
        }
    }
}

/// Logs a read (a profile, a history, an order, an export opened) before
/// the caller answers: returns once the line is committed, or with the
/// error that kept it from the log (and then the caller shows nothing).
/// The line goes through the process's read log (`ReadLog`), which
/// commits the lines of every read waiting at that moment together.
pub async fn record_read(
    db: &Db,
    reader: &Reader,
    action: AuditAction,
    customer_id: i64,
    detail: &str,
) -> AppResult<()> {
    db.read_log()
        .record(AuditLine {
            reader: reader.clone(),
            action,
            customer_id,
            detail: detail.to_string(),
            at_ms: now_ms(),
        })
        .await
}

/// A line of the log, as written.
struct AuditLine {
    reader: Reader,
    action: AuditAction,
    customer_id: i64,
    detail: String,
    at_ms: i64,
}

/// A read waiting for its line to be committed.
struct PendingRead {
    line: AuditLine,
    logged: oneshot::Sender<AppResult<()>>,
}

/// Most lines committed in one statement.
const READS_PER_COMMIT: usize = 256;

/// Reads waiting for the writer, beyond which readers wait to queue.
const READS_QUEUED: usize = 4096;

/// The writer of the log's read lines ("group commit"): one task takes
/// every line waiting, writes them in one statement, and tells each reader
/// once they are committed. Each opening of a customer writes a line, and
/// a commit per line was the price of an opening: on SQLite every commit
/// makes every other connection drop its cache of pages and read them
/// again, and writers take turns; on PostgreSQL each commit is a flush of
/// its log. Lines still reach the log before their reads are answered.
/// The task ends when the last handle of the `Db` is dropped.
#[derive(Clone)]
pub struct ReadLog {
    queue: mpsc::Sender<PendingRead>,
}

impl std::fmt::Debug for ReadLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadLog")
            .field("queued", &(READS_QUEUED - self.queue.capacity()))
            .finish()
    }
}

impl ReadLog {
    /// Starts the writer on the current runtime (and, on SQLite, the
    /// checkpoints of the reads file).
    pub(crate) fn start(pool: AnyPool, backend: Backend) -> Self {
        let (queue, waiting) = mpsc::channel(READS_QUEUED);
        if backend == Backend::Sqlite {
            tokio::spawn(checkpoint_reads(pool.clone(), queue.downgrade()));
        }
        tokio::spawn(write_reads(pool, backend, waiting));
        Self { queue }
    }

    async fn record(&self, line: AuditLine) -> AppResult<()> {
        let (logged, committed) = oneshot::channel();
        let gone = || {
            tracing::error!("the audit log's writer has stopped: read refused");
            AppError::Internal
        };
        self.queue
            .send(PendingRead { line, logged })
            .await
            .map_err(|_| gone())?;
        committed.await.map_err(|_| gone())?
    }
}

/// The writer's loop: a batch of waiting reads at a time, on a connection
/// of its own (taken out of the pool, so that readers holding the pool's
/// connections can never keep it from writing), taken again after an error.
/// On SQLite it writes only the reads file, which nothing else writes: it
/// needs no turn among the base's writers.
async fn write_reads(pool: AnyPool, backend: Backend, mut waiting: mpsc::Receiver<PendingRead>) {
    let mut batch = Vec::with_capacity(READS_PER_COMMIT);
    let mut own: Option<AnyConnection> = None;
    while waiting.recv_many(&mut batch, READS_PER_COMMIT).await > 0 {
        let answer = write_batch(&pool, backend, &mut own, &batch)
            .await
            .map_err(|error| {
                tracing::error!(%error, lines = batch.len(), "audit log: reads not logged");
                own = None;
                AppError::Internal
            });
        for pending in batch.drain(..) {
            // A reader that has gone (its request dropped) needs no answer.
            let _ = pending.logged.send(answer.clone());
        }
    }
}

async fn write_batch(
    pool: &AnyPool,
    backend: Backend,
    own: &mut Option<AnyConnection>,
    batch: &[PendingRead],
) -> Result<(), sqlx::Error> {
    let mut lines = Batch::new("customer_reads", &AUDIT_COLUMNS);
    for PendingRead { line, .. } in batch {
        lines.push(line.values());
    }
    let conn = match own {
        Some(conn) => conn,
        None => {
            let mut conn = pool.acquire().await?.detach();
            if backend == Backend::Sqlite {
                // Its commits never checkpoint (`checkpoint_reads` does).
                conn.execute("PRAGMA wal_autocheckpoint = 0").await?;
            }
            own.insert(conn)
        }
    };
    // At most `READS_PER_COMMIT` lines: one statement, committed alone.
    lines.flush(conn).await
}

impl AuditLine {
    /// The line's values, in the order of `AUDIT_COLUMNS`.
    fn values(&self) -> Vec<V> {
        vec![
            V::T(self.reader.username.clone()),
            V::T(self.action.as_str().to_string()),
            V::T(format!("customer:{}", self.customer_id)),
            V::T(self.detail.clone()),
            V::I(self.at_ms),
            V::T(self.reader.role.clone()),
            self.reader.location.clone().map_or(V::Null, V::T),
            V::T(self.reader.device.clone()),
            V::I(self.customer_id),
        ]
    }
}

/// How often the reads file's log is copied into the file (SQLite).
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Checkpoints the reads file (its log copied into it, both flushed to
/// disk) beside the writer rather than in it: the commit that crossed the
/// log's size limit did the checkpoint, and every read waiting for the
/// next commit waited for those flushes too. A passive checkpoint never
/// holds the writer back, but while the writer keeps appending it never
/// catches up, and the log only grows: past `LOG_FRAMES_AT_MOST` pages, a
/// restarting checkpoint waits for the writer and starts the log afresh.
/// Ends soon after the last handle of the `Db`.
async fn checkpoint_reads(pool: AnyPool, log: mpsc::WeakSender<PendingRead>) {
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        if log.upgrade().is_none() {
            return;
        }
        if let Err(error) = checkpoint(&pool).await {
            tracing::warn!(%error, "reads file: checkpoint failed, tried again later");
        }
    }
}

/// Pages the reads file's log may hold before the writer is made to wait
/// for a checkpoint (64 MB).
const LOG_FRAMES_AT_MOST: i64 = 16_384;

async fn checkpoint(pool: &AnyPool) -> Result<(), sqlx::Error> {
    // The schema's name is ours, not input. The answer: whether it was
    // stopped by a lock, the log's pages, the pages copied.
    let (_, frames, _): (i64, i64, i64) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "PRAGMA {JOURNAL}.wal_checkpoint(PASSIVE)"
    )))
    .fetch_one(pool)
    .await?;
    if frames > LOG_FRAMES_AT_MOST {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "PRAGMA {JOURNAL}.wal_checkpoint(RESTART)"
        )))
        .execute(pool)
        .await?;
    }
    Ok(())
}

/// The columns a line of the log fills.
const AUDIT_COLUMNS: [&str; 9] = [
    "actor",
    "action",
    "subject",
    "detail",
    "created_at",
    "role",
    "location_id",
    "device",
    "customer_id",
];

/// Writes one line of the audit log inside the caller's transaction.
pub async fn record(
    conn: &mut AnyConnection,
    staff: &Staff,
    action: AuditAction,
    customer_id: i64,
    detail: &str,
) -> AppResult<()> {
    record_as(conn, &staff.reader(), action, customer_id, detail).await
}

/// `record`, for any reader.
pub async fn record_as(
    conn: &mut AnyConnection,
    reader: &Reader,
    action: AuditAction,
    customer_id: i64,
    detail: &str,
) -> AppResult<()> {
    let mut line = Batch::new("audit_log", &AUDIT_COLUMNS);
    line.push(
        AuditLine {
            reader: reader.clone(),
            action,
            customer_id,
            detail: detail.to_string(),
            at_ms: now_ms(),
        }
        .values(),
    );
    line.flush(conn).await?;
    Ok(())
}

/// How the manager narrows the access log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessFilter {
    /// One member of staff (username).
    pub staff: Option<String>,
    pub customer_id: Option<i64>,
}

/// Most lines one page of the access log shows.
pub const ACCESS_LOG_LIMIT: i64 = 200;

type AccessRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

/// The newest lines of both logs, changes (`audit_log`) and reads
/// (`customer_reads`), that meet `filter` (SQL on a line's columns), at
/// most `limit`, as `AccessRow`s: each log read newest first along its
/// index, then the two merged.
fn access_sql(filter: &str, limit: &str) -> String {
    let newest = |table: &str| {
        format!(
            "SELECT * FROM (SELECT created_at, id, actor, role, location_id, device, customer_id, \
                    action, detail FROM {table} WHERE {filter} \
                    ORDER BY created_at DESC, id DESC LIMIT {limit}) {table}_newest"
        )
    };
    format!(
        "SELECT a.created_at, a.actor, s.display_name, a.role, a.location_id, a.device, \
                a.customer_id, c.first_name, c.last_name, a.action, a.detail \
         FROM ({} UNION ALL {}) a \
         LEFT JOIN staff s ON s.username = a.actor \
         LEFT JOIN customers c ON c.id = a.customer_id \
         ORDER BY a.created_at DESC, a.id DESC LIMIT {limit}",
        newest("audit_log"),
        newest("customer_reads")
    )
}

/// Who looked at which customer from `location`, newest first.
pub async fn access_log(
    db: &Db,
    location: &LocationId,
    filter: &AccessFilter,
) -> AppResult<Vec<AccessEntry>> {
    let mut lines = String::from("location_id = $1 AND customer_id IS NOT NULL");
    let mut next = 2;
    if filter.staff.is_some() {
        lines.push_str(&format!(" AND actor = ${next}"));
        next += 1;
    }
    if filter.customer_id.is_some() {
        lines.push_str(&format!(" AND customer_id = ${next}"));
        next += 1;
    }
    let sql = access_sql(&lines, &format!("${next}"));
    // Built from placeholders only: every value is bound below.
    let mut query =
        sqlx::query_as::<_, AccessRow>(sqlx::AssertSqlSafe(sql)).bind(location.as_str());
    if let Some(staff) = &filter.staff {
        query = query.bind(staff.clone());
    }
    if let Some(customer) = filter.customer_id {
        query = query.bind(customer);
    }
    let rows = query.bind(ACCESS_LOG_LIMIT).fetch_all(&db.pool).await?;
    entries(db, rows).await
}

/// The latest openings of one customer's data, from any shop.
pub async fn recent_access(db: &Db, customer_id: i64, limit: i64) -> AppResult<Vec<AccessEntry>> {
    let rows: Vec<AccessRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(access_sql("customer_id = $1", "$2")))
            .bind(customer_id)
            .bind(limit)
            .fetch_all(&db.pool)
            .await?;
    entries(db, rows).await
}

async fn entries(db: &Db, rows: Vec<AccessRow>) -> AppResult<Vec<AccessEntry>> {
    let directory = db.locations().await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                at,
                username,
                staff_name,
                role,
                location,
                device,
                customer_id,
                first,
                last,
                action,
                detail,
            )| {
                AccessEntry {
                    at_ms: at,
                    staff_name: staff_name.unwrap_or_else(|| username.clone()),
                    username,
                    role: role.unwrap_or_default(),
                    location_name: location
                        .map(|id| super::catalog::name_in(&directory, &id))
                        .unwrap_or_default(),
                    device: device.unwrap_or_default(),
                    customer_id,
                    customer_name: format!(
                        "{} {}",
                        first.unwrap_or_default(),
                        last.unwrap_or_default()
                    )
                    .trim()
                    .to_string(),
                    action: action.trim_start_matches("customer.").to_string(),
                    detail: detail.unwrap_or_default(),
                }
            },
        )
        .collect())
}
