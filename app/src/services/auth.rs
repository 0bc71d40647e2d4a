//! Staff sign-in, server-side sessions and API keys.
//!
//! A session token is 32 random bytes given to the browser in an HttpOnly
//! cookie; the database keeps only its SHA-256, so a leaked database does
//! not leak live sessions. API keys are stored the same way.

use crate::db::{Db, now_ms};
use crate::domain::sign_in::{self, Attempts, Verdict};
use crate::domain::{Lang, Role};
use crate::error::{AppError, AppResult};
use crate::model::CurrentUser;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// How long a staff session lasts: a working day.
pub const STAFF_SESSION_MS: i64 = 12 * 60 * 60 * 1000;
/// Kiosks stay signed in for a month: nobody types a password on them.
pub const KIOSK_SESSION_MS: i64 = 30 * 24 * 60 * 60 * 1000;

pub fn hash_password(password: &str) -> AppResult<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|_| AppError::Internal)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|err| {
            tracing::error!(error = %err, "password hashing failed");
            AppError::Internal
        })
}

/// A password to check against a stored hash, and where to answer.
struct PasswordCheck {
    password: String,
    stored: String,
    answer: tokio::sync::oneshot::Sender<bool>,
}

/// Password checks run on a few threads of their own (one per core, at
/// most four), each reusing one argon2 work area. Argon2 needs 19 MB per
/// check: spread over tokio's many short-lived blocking threads, each
/// thread's allocator arena kept its own copy, and a server grew by
/// hundreds of megabytes over a day of sign-ins. Here the memory is a few
/// work areas, kept while sign-ins come and given back after
/// `PASSWORD_CHECKER_IDLE` without one (allocating it again costs a few
/// milliseconds against the check's hundred).
const PASSWORD_CHECKER_IDLE: std::time::Duration = std::time::Duration::from_secs(10);

fn password_checkers() -> &'static std::sync::Mutex<std::sync::mpsc::Sender<PasswordCheck>> {
    use std::sync::{Arc, Mutex, OnceLock, mpsc};
    static QUEUE: OnceLock<Mutex<mpsc::Sender<PasswordCheck>>> = OnceLock::new();
    QUEUE.get_or_init(|| {
        let (queue, checks) = mpsc::channel::<PasswordCheck>();
        let checks = Arc::new(Mutex::new(checks));
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 4));
        for n in 0..workers {
            let checks = checks.clone();
            let started = std::thread::Builder::new()
                .name(format!("password-check-{n}"))
                .spawn(move || {
                    let mut work_area = Vec::new();
                    loop {
                        let next = match checks.lock() {
                            Ok(waiting) => waiting.recv_timeout(PASSWORD_CHECKER_IDLE),
                            Err(_) => return,
                        };
                        let check = match next {
                            Ok(check) => check,
                            Err(mpsc::RecvTimeoutError::Timeout) => {
                                work_area = Vec::new();
                                continue;
                            }
                            Err(mpsc::RecvTimeoutError::Disconnected) => return,
                        };
                        let matches =
                            password_matches(&mut work_area, &check.password, &check.stored);
                        let _ = check.answer.send(matches);
                    }
                });
            if let Err(err) = started {
                tracing::error!(error = %err, "password checker not started");
            }
        }
        Mutex::new(queue)
    })
}

/// Whether `password` is the one `stored` (a PHC argon2 string) was made
/// from, computed in the caller's work area (grown to the hash's memory
/// cost once, then reused). The comparison takes constant time.
fn password_matches(work_area: &mut Vec<argon2::Block>, password: &str, stored: &str) -> bool {
    use argon2::password_hash::Output;
    use argon2::{Algorithm, Params, Version};
    let Ok(hash) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (hash.salt, hash.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(hash.algorithm) else {
        return false;
    };
    let Ok(version) = hash.version.map(Version::try_from).transpose() else {
        return false;
    };
    let Ok(params) = Params::try_from(&hash) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    work_area.resize(params.block_count(), argon2::Block::default());
    let mut computed = vec![0u8; expected.len()];
    Argon2::new(algorithm, version.unwrap_or_default(), params)
        .hash_password_into_with_memory(
            password.as_bytes(),
            salt,
            &mut computed,
            &mut work_area[..],
        )
        .is_ok()
        && Output::new(&computed).is_ok_and(|computed| computed == expected)
}

async fn verify_password(password: String, stored: String) -> AppResult<bool> {
    let (answer, answered) = tokio::sync::oneshot::channel();
    password_checkers()
        .lock()
        .map_err(|_| AppError::Internal)?
        .send(PasswordCheck {
            password,
            stored,
            answer,
        })
        .map_err(|_| AppError::Internal)?;
    answered.await.map_err(|_| AppError::Internal)
}

pub fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A session just opened: the token goes in the cookie, once.
pub struct NewSession {
    pub token: String,
    pub user: CurrentUser,
    pub max_age_ms: i64,
}

/// Checks a username and password and opens a session. Unknown users and
/// wrong passwords get the same answer, after the same work. Repeated
/// attempts on one username are slowed down (`domain::sign_in`).
pub async fn sign_in(
    db: &Db,
    username: &str,
    password: &str,
    device: &str,
) -> AppResult<NewSession> {
    let username = truncate(&username.trim().to_lowercase(), 100);
    count_attempt(db, &username).await?;
    let session = check_and_open(db, &username, password, device).await;
    if session.is_ok() {
        db.write_one(
            sqlx::query("DELETE FROM sign_in_attempts WHERE username = $1").bind(&username),
        )
        .await?;
    }
    session
}

/// How long an attempt meeting a fresh lock waits for the attempts that set
/// it (a password check takes tens of milliseconds), and in what steps.
const SETTLING_MS: i64 = 2_000;
const SETTLING_STEP_MS: i64 = 100;

/// Counts one attempt for a username before its password is checked, or
/// refuses it while the username is locked. The count is a conditional
/// update of what was read, so attempts sent at once are each counted once.
async fn count_attempt(db: &Db, username: &str) -> AppResult<()> {
    // Only attempts racing on one username retry; each pass is a read and
    // one conditional write.
    let mut waited_ms = 0;
    for _ in 0..40 {
        let now = now_ms();
        let stored: Option<(i64, i64, i64)> = sqlx::query_as(
            "SELECT attempts, last_attempt_at, locked_until FROM sign_in_attempts WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&db.pool)
        .await?;
        let stored = stored.map(|(count, last_attempt_at, locked_until)| Attempts {
            count,
            last_attempt_at,
            locked_until,
        });
        let next = match sign_in::next_attempt(stored, now) {
            Verdict::Locked { retry_after_ms } => {
                // A lock set a moment ago may come from sign-ins still being
                // checked: tablets sharing one account, switched on together
                // at opening time. If one of them succeeds the lock goes, so
                // wait for them briefly rather than refuse a right password.
                let just_set = stored.is_some_and(|s| now - s.last_attempt_at < SETTLING_MS);
                if just_set && waited_ms < SETTLING_MS {
                    tokio::time::sleep(std::time::Duration::from_millis(SETTLING_STEP_MS as u64))
                        .await;
                    waited_ms += SETTLING_STEP_MS;
                    continue;
                }
                return Err(AppError::TooManyAttempts {
                    retry_after_secs: (retry_after_ms as u64).div_ceil(1000),
                });
            }
            Verdict::Allowed(next) => next,
        };
        // Writes take the writers' turn (see `Db::begin_write`).
        let mut tx = db.begin_write().await?;
        let counted = match stored {
            Some(seen) => sqlx::query(
                "UPDATE sign_in_attempts SET attempts = $2, last_attempt_at = $3, locked_until = $4 \
                 WHERE username = $1 AND attempts = $5 AND last_attempt_at = $6 AND locked_until = $7",
            )
            .bind(username)
            .bind(next.count)
            .bind(next.last_attempt_at)
            .bind(next.locked_until)
            .bind(seen.count)
            .bind(seen.last_attempt_at)
            .bind(seen.locked_until)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
            None => {
                // A new username: rows of long-gone attempts go at the same
                // time, so guessing many names cannot fill the table.
                sqlx::query(
                    "DELETE FROM sign_in_attempts WHERE last_attempt_at < $1 AND locked_until < $2",
                )
                .bind(now - sign_in::FORGET_AFTER_MS)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO sign_in_attempts (username, attempts, last_attempt_at, locked_until) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (username) DO NOTHING",
                )
                .bind(username)
                .bind(next.count)
                .bind(next.last_attempt_at)
                .bind(next.locked_until)
                .execute(&mut *tx)
                .await?
                .rows_affected()
            }
        };
        tx.commit().await?;
        if counted == 1 {
            if next.locked_until > 0 {
                tracing::warn!(
                    %username,
                    attempts = next.count,
                    "repeated sign-in attempts: username locked until the next try"
                );
            }
            return Ok(());
        }
    }
    // Many lost races in a row: a flood of attempts on this username.
    Err(AppError::TooManyAttempts {
        retry_after_secs: 1,
    })
}

async fn check_and_open(
    db: &Db,
    username: &str,
    password: &str,
    device: &str,
) -> AppResult<NewSession> {
    type StaffRow = (
        i64,
        String,
        String,
        String,
        String,
        String,
        i64,
        Option<String>,
    );
    let row: Option<StaffRow> = sqlx::query_as(
        "SELECT s.id, s.password_hash, s.display_name, s.role, s.location_id, l.name, s.active, s.language \
         FROM staff s JOIN locations l ON l.id = s.location_id WHERE s.username = $1",
    )
    .bind(username)
    .fetch_optional(&db.pool)
    .await?;
    // Verify against a real hash even for unknown users, so timing does not
    // tell which usernames exist.
    let stored = row
        .as_ref()
        .map(|r| r.1.clone())
        .unwrap_or_else(|| DUMMY_HASH.to_string());
    let matches = verify_password(password.to_string(), stored).await?;
    let Some((staff_id, _, display_name, role, location_id, location_name, active, language)) = row
    else {
        return Err(AppError::WrongCredentials);
    };
    if !matches {
        return Err(AppError::WrongCredentials);
    }
    if active == 0 {
        return Err(AppError::Forbidden);
    }
    let role = Role::parse(&role).map_err(|_| AppError::Internal)?;
    let token = new_secret();
    let now = now_ms();
    let max_age_ms = if role == Role::Kiosk {
        KIOSK_SESSION_MS
    } else {
        STAFF_SESSION_MS
    };
    let mut tx = db.begin_write().await?;
    sqlx::query("INSERT INTO sessions (token_hash, staff_id, created_at, expires_at, device) VALUES ($1, $2, $3, $4, $5)")
        .bind(sha256_hex(&token))
        .bind(staff_id)
        .bind(now)
        .bind(now + max_age_ms)
        .bind(truncate(device, 200))
        .execute(&mut *tx)
        .await?;
    // Sessions that have ended go when their owner next signs in, so the
    // table holds about one row per device in use.
    sqlx::query("DELETE FROM sessions WHERE staff_id = $1 AND expires_at <= $2")
        .bind(staff_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    tracing::info!(%username, role = role.as_str(), "signed in");
    Ok(NewSession {
        token,
        user: CurrentUser {
            username: username.to_string(),
            display_name,
            role,
            location_id,
            location_name,
            language: language.as_deref().and_then(Lang::parse),
        },
        max_age_ms,
    })
}

/// The user behind a session token, if the session is open, with the
/// device it was opened on.
pub async fn session_user(db: &Db, token: &str) -> AppResult<Option<(CurrentUser, String)>> {
    type SessionRow = (
        String,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
    );
    let row: Option<SessionRow> = sqlx::query_as(
        "SELECT s.username, s.display_name, s.role, s.location_id, l.name, x.device, s.language \
         FROM sessions x JOIN staff s ON s.id = x.staff_id JOIN locations l ON l.id = s.location_id \
         WHERE x.token_hash = $1 AND x.expires_at > $2 AND s.active = 1",
    )
    .bind(sha256_hex(token))
    .bind(now_ms())
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.and_then(
        |(username, display_name, role, location_id, location_name, device, language)| {
            let role = Role::parse(&role).ok()?;
            Some((
                CurrentUser {
                    username,
                    display_name,
                    role,
                    location_id,
                    location_name,
                    language: language.as_deref().and_then(Lang::parse),
                },
                device,
            ))
        },
    ))
}

/// Keeps the language a person chose for their account: it follows them to
/// any device they sign in on.
pub async fn save_language(db: &Db, username: &str, lang: Lang) -> AppResult<()> {
    sqlx::query("UPDATE staff SET language = $1 WHERE username = $2")
        .bind(lang.code())
        .bind(username)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// The active staff of a location (username, name), associates and
/// managers, by name: the access log's filter.
pub async fn staff_of_location(
    db: &Db,
    location: &crate::domain::LocationId,
) -> AppResult<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT username, display_name FROM staff \
         WHERE location_id = $1 AND active = 1 AND role <> 'kiosk' ORDER BY display_name, username",
    )
    .bind(location.as_str())
    .fetch_all(&db.pool)
    .await?)
}

pub async fn sign_out(db: &Db, token: &str) -> AppResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(sha256_hex(token))
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// A system calling the JSON API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiClient {
    pub id: i64,
    pub name: String,
}

pub async fn api_client(db: &Db, key: &str) -> AppResult<Option<ApiClient>> {
    api_client_by_hash(db, &sha256_hex(key)).await
}

async fn api_client_by_hash(db: &Db, key_hash: &str) -> AppResult<Option<ApiClient>> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
            .bind(key_hash)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.map(|(id, name)| ApiClient { id, name }))
}

/// How long a valid API key is trusted without asking the database again:
/// a revoked key stops working within this time on every server.
pub const API_KEY_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(1);

/// Valid API keys seen lately. Other systems call many times a second; this
/// spares the database one query per call. Only valid keys are kept, so
/// its size is bounded by the number of real keys.
#[derive(Debug, Default)]
pub struct ApiKeyCache {
    valid: std::sync::RwLock<std::collections::HashMap<String, (ApiClient, std::time::Instant)>>,
}

impl ApiKeyCache {
    pub async fn client(&self, db: &Db, key: &str) -> AppResult<Option<ApiClient>> {
        let key_hash = sha256_hex(key);
        let cached = self
            .valid
            .read()
            .ok()
            .and_then(|valid| valid.get(&key_hash).cloned())
            .filter(|(_, checked)| checked.elapsed() < API_KEY_CACHE_TTL);
        if let Some((client, _)) = cached {
            return Ok(Some(client));
        }
        let found = api_client_by_hash(db, &key_hash).await?;
        if let Ok(mut valid) = self.valid.write() {
            match &found {
                Some(client) => valid.insert(key_hash, (client.clone(), std::time::Instant::now())),
                None => valid.remove(&key_hash),
            };
        }
        Ok(found)
    }
}

/// Registers an API key given in clear (the demo key, or one an operator
/// generated) and returns its id.
pub async fn create_api_key(db: &Db, name: &str, key: &str) -> AppResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_keys (name, key_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(name)
    .bind(sha256_hex(key))
    .bind(now_ms())
    .fetch_one(&db.pool)
    .await?;
    Ok(id)
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}

/// An argon2 hash of a random password nobody knows.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$V1k0hZz7w3qrV6E3Gm8lT2dY0b7b0I3Z6Wj2cQ2q4Vs";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("demo").expect("hashing works");
        let mut work_area = Vec::new();
        assert!(password_matches(&mut work_area, "demo", &hash));
        assert!(!password_matches(&mut work_area, "Demo", &hash));
        // The work area is reused, not grown, by later checks.
        let size = work_area.len();
        assert!(password_matches(&mut work_area, "demo", &hash));
        assert_eq!(work_area.len(), size);
    }

    #[test]
    fn the_checker_threads_answer_and_agree_with_argon2() {
        use argon2::password_hash::PasswordVerifier;
        let hash = hash_password("demo").expect("hashing works");
        let parsed = PasswordHash::new(&hash).expect("parses");
        assert!(Argon2::default().verify_password(b"demo", &parsed).is_ok());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let answers = runtime.block_on(async {
            let checks = (0..6).map(|i| {
                let password = if i % 2 == 0 { "demo" } else { "wrong" };
                verify_password(password.to_string(), hash.clone())
            });
            futures::future::join_all(checks).await
        });
        let answers: Vec<bool> = answers.into_iter().map(|a| a.expect("answered")).collect();
        assert_eq!(answers, [true, false, true, false, true, false]);
    }

    #[test]
    fn the_dummy_hash_parses_and_rejects() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!password_matches(&mut Vec::new(), "demo", DUMMY_HASH));
    }

    #[test]
    fn secrets_are_random_and_hashes_stable() {
        assert_ne!(new_secret(), new_secret());
        assert_eq!(sha256_hex("abc").len(), 64);
        assert_eq!(sha256_hex("abc"), sha256_hex("abc"));
    }
}
