-- Sign-in attempts per username, to slow down password guessing. Every
-- attempt is counted before its password is checked, so a burst of guesses
-- sent at once is counted too; a successful sign-in deletes the row.
-- Unknown usernames are counted the same way: whether an account is locked
-- must not tell whether it exists.
CREATE TABLE sign_in_attempts (
    username TEXT PRIMARY KEY,
    attempts BIGINT NOT NULL,
    last_attempt_at BIGINT NOT NULL,
    locked_until BIGINT NOT NULL
);
-- Old rows are purged by age.
CREATE INDEX sign_in_attempts_by_age ON sign_in_attempts (last_attempt_at);
