//! What the chain knows of its customers beyond their orders: address,
//! loyalty card, sizes, tastes, marketing consent per channel, staff notes;
//! then the search index, the loyalty tiers earned by spend, and the
//! co-purchase counts behind "goes well with".

use super::*;

pub(super) const STREETS: &[&str] = &[
    "rue de la République",
    "avenue Jean-Jaurès",
    "rue Victor-Hugo",
    "boulevard Gambetta",
    "rue du Moulin",
    "place de la Mairie",
    "rue des Lilas",
    "allée des Tisserands",
    "quai de la Loire",
    "rue Émile-Zola",
];

pub(super) const SIZES: &[&str] = &["XS", "S", "M", "L", "XL"];

pub(super) const TASTES: &[&str] = &[
    "Couleurs sobres, lin et coton",
    "Aime les imprimés fleuris",
    "Coupe ajustée, longueur genou",
    "Entre deux tailles : préfère essayer",
    "Matières naturelles uniquement",
    "Couture : achète tissus et mercerie pour ses créations",
    "Cherche des basiques qui durent",
];

const NOTES: &[&str] = &[
    "Cherche une tenue pour un mariage en juin : la rappeler à l'arrivage des robes longues.",
    "Allergique à la laine : proposer coton, lin ou soie.",
    "Cliente fidèle, aime être conseillée sur les associations de couleurs.",
    "A demandé à être prévenue quand le manteau camel revient en taille M.",
    "Préfère le retrait en magasin à la livraison.",
    "Coud beaucoup : intéressée par les ateliers du samedi.",
];

/// Profiles, consents and notes for the planned customers, then the
/// derived data (search terms, tiers, co-purchases).
pub(super) async fn insert_profiles(
    db: &Db,
    customers: &[PlannedCustomer],
    rng: &mut StdRng,
    progress: &mut dyn Progress,
) -> AppResult<()> {
    let now = now_ms();
    let mut consents = Batch::new(
        "customer_consents",
        &[
            "customer_id",
            "channel",
            "granted",
            "changed_at",
            "source",
            "changed_by",
        ],
    );
    let mut notes = Batch::new(
        "customer_notes",
        &[
            "customer_id",
            "body",
            "author",
            "author_name",
            "location_id",
            "created_at",
        ],
    );
    let mut tx = db.pool.begin().await?;
    for (n, customer) in customers.iter().enumerate() {
        // Flushed as it goes: a million customers' rows would not fit.
        if n % 5_000 == 4_999 {
            consents.flush(&mut tx).await?;
            notes.flush(&mut tx).await?;
        }
        let web = rng.random_bool(0.5);
        let since = customer.created_at;
        for (channel, granted) in [
            ("email", rng.random_bool(0.6)),
            ("sms", rng.random_bool(0.3)),
        ] {
            let (source, by) = if web {
                ("web".to_string(), "customer".to_string())
            } else {
                (customer.home_location.clone(), "associate".to_string())
            };
            consents.push(vec![
                V::I(customer.id),
                V::T(channel.into()),
                V::I(i64::from(granted)),
                V::I(since),
                V::T(source),
                V::T(by),
            ]);
        }
        if rng.random_bool(0.12) {
            notes.push(vec![
                V::I(customer.id),
                V::T(NOTES.choose(rng).copied().unwrap_or_default().into()),
                V::T("associate".into()),
                V::T("Conseiller de vente".into()),
                V::T(customer.home_location.clone()),
                V::I(now - rng.random_range(1..200i64) * DAY_MS),
            ]);
        }
    }
    consents.flush(&mut tx).await?;
    notes.flush(&mut tx).await?;
    // Tiers and points from what each card holder spent (1 point a euro).
    sqlx::query(
        "UPDATE customers SET loyalty_points = COALESCE((SELECT SUM(o.total_cents) / 100 FROM orders o \
                 WHERE o.customer_id = customers.id AND o.status NOT IN ('cancelled', 'expired')), 0) \
         WHERE loyalty_card IS NOT NULL",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE customers SET loyalty_tier = CASE WHEN loyalty_points >= 1000 THEN 'gold' \
                 WHEN loyalty_points >= 300 THEN 'silver' ELSE 'member' END \
         WHERE loyalty_card IS NOT NULL",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    progress.step("customer profiles: consents, notes, loyalty tiers");
    let mut conn = db.pool.acquire().await?;
    let indexed = crate::services::customers::index_unindexed_customers(&mut conn).await?;
    drop(conn);
    let pairs = crate::services::advice::refresh_co_purchases(db).await?;
    progress.step(&format!(
        "customer search: {indexed} customers indexed; advice: {pairs} product pairs"
    ));
    Ok(())
}
