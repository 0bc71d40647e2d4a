#!/usr/bin/env bash
# Installs what is missing, builds the app (release), and serves it with the
# demo chain. SQLite by default; DATABASE_URL=postgres://... for PostgreSQL.
#   scripts/run.sh [--addr 127.0.0.1:3000]
#
# Customer e-mail (order confirmations): with SMTP_URL unset, it goes to a
# local test mail server started here (aiosmtpd on 127.0.0.1:2525), which
# keeps every message as a file in target/mail/new; nothing leaves the
# machine. Set SMTP_URL (smtp://host:port, smtps://user:pass@host:465) to use
# a real mail server, or SMTP_URL=none to only write messages to the log.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
echo "[run] building (release; the first build takes several minutes)"
# -P: the bundle is compressed once here (brotli and gzip), not per request.
cargo leptos build --release -P
bash scripts/precompress.sh
export DATABASE_URL=${DATABASE_URL:-sqlite://web-in-store.db}

mail_server_pid=""
if [[ -z "${SMTP_URL:-}" ]]; then
  mail_port=${MAIL_PORT:-2525}
  if (exec 3<>"/dev/tcp/127.0.0.1/${mail_port}") 2>/dev/null; then
    echo "[run] a mail server already listens on 127.0.0.1:${mail_port}: customer e-mail goes there"
  else
    # aiosmtpd makes the Maildir (new/, cur/, tmp/) only where none exists.
    [[ -d target/mail/new ]] || rm -rf target/mail
    /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:${mail_port}" -c aiosmtpd.handlers.Mailbox target/mail &
    mail_server_pid=$!
    echo "[run] customer e-mail: local test mail server on 127.0.0.1:${mail_port}; messages are files in target/mail/new"
  fi
  export SMTP_URL="smtp://127.0.0.1:${mail_port}"
elif [[ "${SMTP_URL}" == "none" ]]; then
  unset SMTP_URL
  echo "[run] customer e-mail: written to the server's log, not sent"
fi

stop_mail_server() { [[ -n "$mail_server_pid" ]] && kill "$mail_server_pid" 2>/dev/null || true; }
trap stop_mail_server EXIT
target/release/server serve --site-root target/site --seed-if-empty "$@"
