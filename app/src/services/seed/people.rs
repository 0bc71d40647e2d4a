//! Staff accounts (three per shop) and customers.

use super::*;

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
    batch.flush(&mut tx).await?;
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
            "city",
            "postcode",
            "home_location_id",
            "consent_marketing",
            "created_at",
        ],
    );
    let now = now_ms();
    let mut customers = Vec::with_capacity(count);
    let mut tx = db.pool.begin().await?;
    for n in 1..=count as i64 {
        let first = *FIRST_NAMES.choose(rng).unwrap_or(&"Camille");
        let last = *LAST_NAMES.choose(rng).unwrap_or(&"Martin");
        let Some(home) = shops.choose(rng) else { break };
        let email = format!("{}.{}.{n}@example.com", ascii_slug(first), ascii_slug(last));
        let phone = format!(
            "06 {:02} {:02} {:02} {:02}",
            rng.random_range(0..100),
            rng.random_range(0..100),
            rng.random_range(0..100),
            rng.random_range(0..100)
        );
        let created_at = now - rng.random_range(30..1500i64) * DAY_MS;
        batch.push(vec![
            V::I(n),
            V::T(email),
            V::T(first.into()),
            V::T(last.into()),
            V::T(phone),
            V::T(home.city.into()),
            V::T(home.postcode.into()),
            V::T(home.id.clone()),
            V::I(i64::from(rng.random_bool(0.6))),
            V::I(created_at),
        ]);
        customers.push(PlannedCustomer {
            id: n,
            home_location: home.id.clone(),
        });
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
