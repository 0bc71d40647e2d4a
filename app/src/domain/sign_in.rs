//! How password guessing is slowed down: the rule, without the storage.
//!
//! Each username may have a few attempts freely. From the fifth, every
//! attempt locks the username for a while *before* its password is checked
//! (a right password ends the lock at once). The lock doubles with each
//! attempt, up to a ceiling, so a guesser gets a handful of tries an hour,
//! while a person who mistyped waits half a minute. A quiet hour forgets
//! everything.

/// Attempts allowed before any waiting.
pub const FREE_ATTEMPTS: i64 = 4;
/// The first lock, after the fifth attempt.
pub const FIRST_LOCK_MS: i64 = 30_000;
/// The longest lock: a locked-out colleague waits at most this.
pub const LONGEST_LOCK_MS: i64 = 15 * 60_000;
/// Attempts older than this no longer count.
pub const FORGET_AFTER_MS: i64 = 60 * 60_000;

/// What is stored per username.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempts {
    pub count: i64,
    pub last_attempt_at: i64,
    pub locked_until: i64,
}

/// Whether one more attempt may be made now, and what to store if so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Locked { retry_after_ms: i64 },
    Allowed(Attempts),
}

/// How many free attempts a kind of secret gets, and how its locks grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    pub free: i64,
    pub first_lock_ms: i64,
    pub longest_lock_ms: i64,
    pub forget_after_ms: i64,
}

/// Passwords, per username.
pub const SIGN_IN: Allowance = Allowance {
    free: FREE_ATTEMPTS,
    first_lock_ms: FIRST_LOCK_MS,
    longest_lock_ms: LONGEST_LOCK_MS,
    forget_after_ms: FORGET_AFTER_MS,
};

pub fn next_attempt(stored: Option<Attempts>, now_ms: i64) -> Verdict {
    next_attempt_under(SIGN_IN, stored, now_ms)
}

/// The rule of the module's note, with `allowance`'s figures.
pub fn next_attempt_under(allowance: Allowance, stored: Option<Attempts>, now_ms: i64) -> Verdict {
    if let Some(stored) = stored
        && stored.locked_until > now_ms
    {
        return Verdict::Locked {
            retry_after_ms: stored.locked_until - now_ms,
        };
    }
    let earlier = stored
        .filter(|s| now_ms - s.last_attempt_at < allowance.forget_after_ms)
        .map_or(0, |s| s.count);
    let count = earlier + 1;
    let locked_until = if count > allowance.free {
        now_ms + lock_ms(allowance, count)
    } else {
        0
    };
    Verdict::Allowed(Attempts {
        count,
        last_attempt_at: now_ms,
        locked_until,
    })
}

/// The lock set by the attempt numbered `count` (past the free ones).
fn lock_ms(allowance: Allowance, count: i64) -> i64 {
    let doublings = (count - allowance.free - 1).clamp(0, 16) as u32;
    (allowance.first_lock_ms << doublings).min(allowance.longest_lock_ms)
}

/// A wait rounded as a person reads it: seconds under a minute, then whole
/// minutes, rounded up (never "0 minutes" while something is still locked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    Seconds(u64),
    Minutes(u64),
}

pub fn wait(seconds: u64) -> Wait {
    match seconds {
        0..=59 => Wait::Seconds(seconds.max(1)),
        _ => Wait::Minutes(seconds.div_ceil(60)),
    }
}

/// A wait in English, for other systems and the logs: "30 seconds".
pub fn wait_text(seconds: u64) -> String {
    match wait(seconds) {
        Wait::Seconds(1) => "a second".to_string(),
        Wait::Seconds(n) => format!("{n} seconds"),
        Wait::Minutes(1) => "a minute".to_string(),
        Wait::Minutes(n) => format!("{n} minutes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(verdict: Verdict) -> Attempts {
        match verdict {
            Verdict::Allowed(attempts) => attempts,
            Verdict::Locked { retry_after_ms } => {
                panic!("locked for {retry_after_ms} ms")
            }
        }
    }

    #[test]
    fn four_attempts_are_free_and_the_fifth_locks() {
        let mut stored = None;
        for n in 1..=4 {
            let next = allowed(next_attempt(stored, 1_000 * n));
            assert_eq!(next.count, n);
            assert_eq!(next.locked_until, 0);
            stored = Some(next);
        }
        let fifth = allowed(next_attempt(stored, 5_000));
        assert_eq!(fifth.locked_until, 5_000 + FIRST_LOCK_MS);
        assert_eq!(
            next_attempt(Some(fifth), 6_000),
            Verdict::Locked {
                retry_after_ms: FIRST_LOCK_MS - 1_000
            }
        );
    }

    #[test]
    fn locks_double_up_to_the_ceiling() {
        let mut stored = Some(Attempts {
            count: FREE_ATTEMPTS,
            last_attempt_at: 0,
            locked_until: 0,
        });
        let mut now = 0;
        let mut locks = Vec::new();
        for _ in 0..8 {
            let next = allowed(next_attempt(stored, now));
            locks.push((next.locked_until - now) / 1_000);
            now = next.locked_until;
            stored = Some(next);
        }
        assert_eq!(locks, [30, 60, 120, 240, 480, 900, 900, 900]);
    }

    #[test]
    fn a_quiet_hour_forgets() {
        let old = Attempts {
            count: 9,
            last_attempt_at: 0,
            locked_until: LONGEST_LOCK_MS,
        };
        let next = allowed(next_attempt(Some(old), FORGET_AFTER_MS));
        assert_eq!(next.count, 1);
        assert_eq!(next.locked_until, 0);
        // Within the hour, once the lock has passed, the count goes on.
        let next = allowed(next_attempt(Some(old), LONGEST_LOCK_MS));
        assert_eq!(next.count, 10);
    }

    #[test]
    fn waits_read_naturally() {
        assert_eq!(wait_text(1), "a second");
        assert_eq!(wait_text(30), "30 seconds");
        assert_eq!(wait_text(60), "a minute");
        assert_eq!(wait_text(61), "2 minutes");
        assert_eq!(wait_text(900), "15 minutes");
    }
}
