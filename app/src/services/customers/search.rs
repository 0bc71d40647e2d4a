//! Finding a customer by name, e-mail, phone, card or order reference,
//! through the `customer_terms` index (ranges of prefixes).

use super::*;
use crate::domain::customer::{
    CustomerQuery, LoyaltyTier, mask_email, mask_phone, prefix_end, search_terms, term,
};
use crate::model::customer::{CustomerHit, CustomerSearchResults};

/// Most customers one search returns.
pub const CUSTOMER_SEARCH_LIMIT: usize = 20;

pub async fn search(db: &Db, raw: &str) -> AppResult<CustomerSearchResults> {
    let query = CustomerQuery::parse(raw);
    let mut exact = false;
    let ids: Vec<i64> = match &query {
        CustomerQuery::Empty => Vec::new(),
        CustomerQuery::Card(digits) if digits.len() == 13 => {
            exact = true;
            term_ids(db, &format!("{}{digits}", term::CARD)).await?
        }
        CustomerQuery::Card(digits) => {
            prefix_ids(db, &format!("{}{digits}", term::CARD), &[]).await?
        }
        CustomerQuery::Phone(digits) => {
            exact = digits.len() == 10;
            prefix_ids(db, &format!("{}{digits}", term::PHONE), &[]).await?
        }
        CustomerQuery::Email(text) => {
            prefix_ids(db, &format!("{}{text}", term::EMAIL), &[]).await?
        }
        CustomerQuery::OrderReference(reference) => {
            exact = true;
            sqlx::query_scalar::<_, Option<i64>>(
                "SELECT customer_id FROM orders WHERE reference = $1",
            )
            .bind(reference)
            .fetch_all(&db.pool)
            .await?
            .into_iter()
            .flatten()
            .collect()
        }
        CustomerQuery::Name(words) => {
            let terms: Vec<String> = words.iter().map(|w| format!("{}{w}", term::NAME)).collect();
            let terms = narrowest_first(db, terms).await?.unwrap_or_default();
            match terms.split_first() {
                Some((first, others)) => prefix_ids(db, first, others).await?,
                None => Vec::new(),
            }
        }
    };
    let hits = hits(db, &ids).await?;
    let exact_id = match hits.as_slice() {
        [only] if exact => Some(only.id),
        _ => None,
    };
    Ok(CustomerSearchResults {
        query: raw.trim().to_string(),
        hits,
        exact_id,
    })
}

/// Customers having exactly `term`.
async fn term_ids(db: &Db, term: &str) -> AppResult<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT customer_id FROM customer_terms WHERE term = $1 LIMIT $2")
            .bind(term)
            .bind(CUSTOMER_SEARCH_LIMIT as i64)
            .fetch_all(&db.pool)
            .await?,
    )
}

/// Terms counted per word, up to this many: enough to tell a rare word
/// from a common one, cheap to count (one walk of the index).
const COUNTED_TERMS: i64 = 500;

/// The words' terms with the rarest first, the one a search should walk;
/// `None` when a word matches nobody (so no customer has them all). One
/// word is returned as it is. Walking the first word's range and checking
/// the others for each customer costs the size of that range: "martin"
/// alone may be tens of thousands of customers, so a second word that
/// matches few or none must lead.
async fn narrowest_first(db: &Db, mut terms: Vec<String>) -> AppResult<Option<Vec<String>>> {
    if terms.len() < 2 {
        return Ok(Some(terms));
    }
    let counts: Vec<String> = (0..terms.len())
        .map(|i| {
            format!(
                "(SELECT COUNT(*) FROM (SELECT 1 FROM customer_terms \
                   WHERE term >= ${} AND term < ${} LIMIT $1) w{i})",
                2 + 2 * i,
                3 + 2 * i
            )
        })
        .collect();
    // Built from placeholders only: every value is bound below.
    let mut query =
        sqlx::query_as::<_, CountRow>(sqlx::AssertSqlSafe(format!("SELECT {}", counts.join(", "))))
            .bind(COUNTED_TERMS);
    for term in &terms {
        query = query.bind(term.clone()).bind(prefix_end(term));
    }
    let row = query.fetch_one(&db.pool).await?;
    let counts = row.0;
    if counts.contains(&0) {
        return Ok(None);
    }
    // Stable: among equally common words the longest (first) stays first.
    let mut ranked: Vec<(i64, String)> = counts.into_iter().zip(terms.drain(..)).collect();
    ranked.sort_by_key(|(count, _)| *count);
    Ok(Some(ranked.into_iter().map(|(_, term)| term).collect()))
}

/// One count per column, however many columns.
struct CountRow(Vec<i64>);

impl<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> for CountRow {
    fn from_row(row: &'r sqlx::any::AnyRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row;
        (0..row.len())
            .map(|i| row.try_get::<i64, _>(i))
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

/// Customers having a term that starts with `first`, and for each of
/// `others` a term that starts with it. The range of `first` is read in
/// the index's order, so the scan stops at the limit.
async fn prefix_ids(db: &Db, first: &str, others: &[String]) -> AppResult<Vec<i64>> {
    let mut sql = String::from(
        "SELECT t.customer_id FROM customer_terms t WHERE t.term >= $1 AND t.term < $2",
    );
    for i in 0..others.len() {
        let (from, to) = (4 + 2 * i, 5 + 2 * i);
        // A scalar subquery, not EXISTS: PostgreSQL turns an EXISTS into a
        // join that first reads every term of the other word (all 136,000
        // names in "a" at chain scale) where a probe per customer of the
        // rarest word's range costs a few index pages.
        sql.push_str(&format!(
            " AND (SELECT u.customer_id FROM customer_terms u WHERE u.customer_id = t.customer_id \
               AND u.term >= ${from} AND u.term < ${to} LIMIT 1) IS NOT NULL"
        ));
    }
    sql.push_str(" LIMIT $3");
    // Built from placeholders only: every value is bound below.
    let mut query = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
        .bind(first.to_string())
        .bind(prefix_end(first))
        // A customer may match twice (two words with one start).
        .bind(2 * CUSTOMER_SEARCH_LIMIT as i64);
    for other in others {
        query = query.bind(other.clone()).bind(prefix_end(other));
    }
    let mut ids: Vec<i64> = Vec::new();
    for id in query.fetch_all(&db.pool).await? {
        if !ids.contains(&id) && ids.len() < CUSTOMER_SEARCH_LIMIT {
            ids.push(id);
        }
    }
    Ok(ids)
}

type HitRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    Option<i64>,
);

async fn hits(db: &Db, ids: &[i64]) -> AppResult<Vec<CustomerHit>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders = placeholders(1, ids.len());
    // Built from placeholders only: every value is bound below.
    let sql = format!(
        "SELECT c.id, c.first_name, c.last_name, c.city, c.loyalty_tier, c.email, c.phone, \
                (SELECT MAX(o.created_at) FROM orders o WHERE o.customer_id = c.id) \
         FROM customers c WHERE c.id IN ({placeholders}) AND c.erased_at IS NULL"
    );
    let mut query = sqlx::query_as::<_, HitRow>(sqlx::AssertSqlSafe(sql));
    for id in ids {
        query = query.bind(*id);
    }
    let mut rows = query.fetch_all(&db.pool).await?;
    rows.sort_by(|a, b| (&a.2, &a.1, a.0).cmp(&(&b.2, &b.1, b.0)));
    Ok(rows
        .into_iter()
        .map(
            |(id, first_name, last_name, city, tier, email, phone, last)| CustomerHit {
                id,
                first_name,
                last_name,
                city,
                tier: tier.as_deref().and_then(LoyaltyTier::from_code),
                last_activity_ms: last,
                email_masked: mask_email(&email),
                phone_masked: mask_phone(&phone),
            },
        )
        .collect())
}

/// Customers indexed per round: bounds the memory of a first indexing.
const CUSTOMERS_PER_ROUND: i64 = 2_000;

/// Indexes every customer without search terms (all of them after the
/// migration that adds the index, or after a bulk load). Walks the ids
/// once, so a large base is read once. Returns how many were indexed.
pub async fn index_unindexed_customers(conn: &mut AnyConnection) -> Result<usize, sqlx::Error> {
    let mut indexed = 0;
    let mut after = 0i64;
    loop {
        let rows: Vec<(i64, String, String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT c.id, c.first_name, c.last_name, c.email, c.phone, c.loyalty_card FROM customers c \
             WHERE c.id > $1 AND c.erased_at IS NULL \
               AND NOT EXISTS (SELECT 1 FROM customer_terms t WHERE t.customer_id = c.id) \
             ORDER BY c.id LIMIT $2",
        )
        .bind(after)
        .bind(CUSTOMERS_PER_ROUND)
        .fetch_all(&mut *conn)
        .await?;
        let Some(last) = rows.last() else {
            return Ok(indexed);
        };
        after = last.0;
        let mut batch = Batch::new("customer_terms", &["term", "customer_id"]);
        for (id, first, last, email, phone, card) in &rows {
            for term in search_terms(first, last, email, phone, card.as_deref()) {
                batch.push(vec![V::T(term), V::I(*id)]);
            }
        }
        batch.flush(&mut *conn).await?;
        indexed += rows.len();
    }
}

/// Replaces a customer's search terms (after a change), in the change's
/// transaction.
pub(super) async fn reindex(conn: &mut AnyConnection, id: i64) -> AppResult<()> {
    sqlx::query("DELETE FROM customer_terms WHERE customer_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let row: Option<(String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT first_name, last_name, email, phone, loyalty_card FROM customers \
         WHERE id = $1 AND erased_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((first, last, email, phone, card)) = row {
        let mut batch = Batch::new("customer_terms", &["term", "customer_id"]);
        for term in search_terms(&first, &last, &email, &phone, card.as_deref()) {
            batch.push(vec![V::T(term), V::I(id)]);
        }
        batch.flush(&mut *conn).await?;
    }
    Ok(())
}
