//! Staff accounts (three per shop) and customers.

use super::profiles::{SIZES, STREETS, TASTES};
use super::*;
use crate::domain::customer::card_number;

pub(super) async fn insert_staff(db: &Db, locations: &[PlannedLocation]) -> AppResult<()> {
    // One hash for every demo account: they share the documented password,
    // and hashing hundreds of times would only slow the seed down.
    let hash = hash_password(DEMO_PASSWORD)?;
    let mut batch = Batch::new(
        "staff",
        &[
            "username",
            "display_name",
            "role",
            "location_id",
            "password_hash",
            "active",
        ],
    );
    let mut tx = db.pool.begin().await?;
    for (i, l) in locations.iter().filter(|l| l.kind == "store").enumerate() {
        let accounts = [
            (
                "associate",
                format!(
                    "{} {}",
                    FIRST_NAMES[i % FIRST_NAMES.len()],
                    LAST_NAMES[i % LAST_NAMES.len()]
                ),
            ),
            (
                "manager",
                format!(
                    "{} {}",
                    FIRST_NAMES[(i + 7) % FIRST_NAMES.len()],
                    LAST_NAMES[(i + 3) % LAST_NAMES.len()]
                ),
            ),
            ("kiosk", format!("Borne {}", l.name)),
        ];
        for (role, display_name) in accounts {
            let username = if i == 0 {
                role.to_string()
            } else {
                format!("{role}.{}", l.id.to_lowercase())
            };
            batch.push(vec![
                V::T(username),
                V::T(display_name),
                V::T(role.into()),
                V::T(l.id.clone()),
                V::T(hash.clone()),
                V::I(1),
            ]);
        }
    }
    // Each warehouse has one account, which receives the goods returned
    // in the shops (and sends the goods of orders to collect).
    for (i, l) in locations
        .iter()
        .filter(|l| l.kind == "warehouse")
        .enumerate()
    {
        let username = if i == 0 {
            "entrepot".to_string()
        } else {
            format!("entrepot.{}", l.id.to_lowercase())
        };
        batch.push(vec![
            V::T(username),
            V::T(format!("Réception {}", l.name)),
            V::T("associate".into()),
            V::T(l.id.clone()),
            V::T(hash.clone()),
            V::I(1),
        ]);
    }
    batch.flush(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

/// The chain's return rules beyond the migration's defaults: every fifth
/// shop sells only ready-to-wear (returns of fabrics and haberdashery go
/// to the warehouse), and the eighth sends all its returns there.
pub(super) async fn insert_return_rules(db: &Db, locations: &[PlannedLocation]) -> AppResult<()> {
    let mut tx = db.pool.begin().await?;
    for (i, l) in locations.iter().filter(|l| l.kind == "store").enumerate() {
        if i % 5 == 4 {
            for department in ["Tissus", "Mercerie"] {
                sqlx::query(
                    "INSERT INTO departments_not_carried (location_id, department) VALUES ($1, $2)",
                )
                .bind(&l.id)
                .bind(department)
                .execute(&mut *tx)
                .await?;
            }
        }
        if i == 7 {
            sqlx::query("UPDATE locations SET restock_returns = 0 WHERE id = $1")
                .bind(&l.id)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

pub(super) const FIRST_NAMES: &[&str] = &[
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Jade", "Louise", "Emma", "Alice", "Lina", "Hugo",
    "Lucas", "Louis", "Gabriel", "Arthur", "Jules", "Nathan", "Théo", "Raphaël", "Sophie",
    "Claire", "Julien", "Nicolas", "Élodie", "Mathilde", "Antoine", "Pauline", "Thomas", "Sarah",
    "Maxime",
];
pub(super) const LAST_NAMES: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefèvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
];

pub(super) struct PlannedCustomer {
    pub(super) id: i64,
    pub(super) home_location: String,
    pub(super) created_at: i64,
}

/// E-mail domains of the demo customers (reserved for examples: no message
/// can reach a real person).
const EMAIL_DOMAINS: &[&str] = &["example.com", "example.fr", "example.net", "example.org"];

/// The `n`-th customer's mobile number: one of the hundred million `06`
/// numbers, never twice (a multiplication modulo 10^8 by a number prime
/// to it is a permutation), and never one a test types (`07...`).
pub(super) fn demo_phone(n: i64) -> String {
    let body = (n.rem_euclid(100_000_000) * 48_271 + 12_345_678) % 100_000_000;
    format!("+336{body:08}")
}

pub(super) async fn insert_customers(
    db: &Db,
    count: usize,
    locations: &[PlannedLocation],
    rng: &mut StdRng,
) -> AppResult<Vec<PlannedCustomer>> {
    let shops: Vec<&PlannedLocation> = locations.iter().filter(|l| l.kind == "store").collect();
    let mut batch = Batch::new(
        "customers",
        &[
            "id",
            "email",
            "first_name",
            "last_name",
            "phone",
            "street",
            "city",
            "postcode",
            "home_location_id",
            "loyalty_card",
            "top_size",
            "bottom_size",
            "preferences",
            "created_at",
            "updated_at",
        ],
    );
    let now = now_ms();
    let mut customers = Vec::with_capacity(count);
    let mut cards = 0u64;
    let mut tx = db.pool.begin().await?;
    for n in 1..=count as i64 {
        let first = *FIRST_NAMES.choose(rng).unwrap_or(&"Camille");
        let last = *LAST_NAMES.choose(rng).unwrap_or(&"Martin");
        let Some(home) = shops.choose(rng) else { break };
        let domain = EMAIL_DOMAINS.choose(rng).copied().unwrap_or("example.com");
        let email = format!("{}.{}.{n}@{domain}", ascii_slug(first), ascii_slug(last));
        let created_at = now - rng.random_range(30..1500i64) * DAY_MS;
        let street = format!(
            "{} {}",
            rng.random_range(1..120),
            STREETS.choose(rng).copied().unwrap_or("rue de la Gare")
        );
        // Nearly half carry the chain's card, numbered in the order given.
        let card = if rng.random_bool(0.45) {
            cards += 1;
            V::T(card_number(cards).as_str().to_string())
        } else {
            V::Null
        };
        let top = SIZES.choose(rng).copied().unwrap_or("M");
        let bottom = SIZES.choose(rng).copied().unwrap_or("M");
        let tastes = if rng.random_bool(0.5) {
            TASTES.choose(rng).copied().unwrap_or_default()
        } else {
            ""
        };
        batch.push(vec![
            V::I(n),
            V::T(email),
            V::T(first.into()),
            V::T(last.into()),
            V::T(demo_phone(n)),
            V::T(street),
            V::T(home.city.into()),
            V::T(home.postcode.into()),
            V::T(home.id.clone()),
            card,
            V::T(top.into()),
            V::T(bottom.into()),
            V::T(tastes.into()),
            V::I(created_at),
            V::I(created_at),
        ]);
        customers.push(PlannedCustomer {
            id: n,
            home_location: home.id.clone(),
            created_at,
        });
        if n % 5_000 == 0 {
            batch.flush(&mut tx).await?;
        }
    }
    batch.flush(&mut tx).await?;
    tx.commit().await?;
    Ok(customers)
}

pub(super) fn ascii_slug(text: &str) -> String {
    fold(text)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_phones_are_mobile_numbers_never_given_twice() {
        let mut seen: Vec<String> = (1..=20_000).map(demo_phone).collect();
        assert!(
            seen.iter()
                .all(|p| crate::domain::customer::Phone::parse(p).is_ok())
        );
        assert!(seen.iter().all(|p| p.starts_with("+336")));
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 20_000);
    }
}
