//! The demo chain: a French fashion and textile retailer. Deterministic for
//! a given seed and scale, so tests, benchmarks and screenshots agree.

use super::Actor;
use super::auth::{create_api_key, hash_password};
use super::stock::{MovementRequest, apply_movement};
use crate::db::batch::{Batch, V};
use crate::db::{Backend, Db, now_ms};
use crate::domain::order::{Fulfilment, OrderEvent, OrderStatus};
use crate::domain::search::fold;
use crate::domain::stock::Movement;
use crate::domain::{Ean13, LocationId, Quantity, Sku};
use crate::error::{AppError, AppResult};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use sqlx::AnyConnection;

/// The API key of the demo web shop (documented in the README).
pub const DEMO_API_KEY: &str = "demo-webshop-key-0123456789";
/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "demo";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedParams {
    pub shops: usize,
    pub warehouses: usize,
    pub skus: usize,
    pub customers: usize,
    pub orders: usize,
    pub rng_seed: u64,
}

impl Default for SeedParams {
    /// The demo chain: a dozen shops, one warehouse, thousands of SKUs.
    fn default() -> Self {
        Self {
            shops: 12,
            warehouses: 1,
            skus: 3000,
            customers: 2000,
            orders: 6000,
            rng_seed: 2026,
        }
    }
}

impl SeedParams {
    /// The chain scale of the benchmarks: 200 shops, 2 warehouses, 50,000 SKUs.
    pub fn chain() -> Self {
        Self {
            shops: 200,
            warehouses: 2,
            skus: 50_000,
            customers: 20_000,
            orders: 40_000,
            rng_seed: 2026,
        }
    }

    pub fn validate(&self) -> AppResult<()> {
        let invalid = |m: &str| Err(AppError::Invalid(m.to_string()));
        if self.shops == 0 || self.shops > 2000 {
            return invalid("shops must be between 1 and 2000");
        }
        if self.warehouses == 0 || self.warehouses > WAREHOUSES.len() {
            return invalid("warehouses must be between 1 and 4");
        }
        if self.skus < 10 || self.skus > 500_000 {
            return invalid("skus must be between 10 and 500000");
        }
        if self.customers == 0 && self.orders > 0 {
            return invalid("orders need customers");
        }
        Ok(())
    }
}

/// Prints progress as the seed goes.
pub trait Progress {
    fn step(&mut self, message: &str);
}

impl<F: FnMut(&str)> Progress for F {
    fn step(&mut self, message: &str) {
        self(message)
    }
}

pub async fn is_seeded(db: &Db) -> AppResult<bool> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM locations")
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0)
}

/// Fills an empty database. Refuses a database that already has data.
pub async fn seed(
    db: &Db,
    params: &SeedParams,
    progress: &mut dyn Progress,
) -> AppResult<SeedSummary> {
    params.validate()?;
    if is_seeded(db).await? {
        return Err(AppError::Conflict(
            "The database already holds data: seed only fills an empty one.".into(),
        ));
    }
    let mut rng = StdRng::seed_from_u64(params.rng_seed);
    let started = std::time::Instant::now();

    let locations = plan_locations(params);
    insert_locations(db, &locations).await?;
    progress.step(&format!(
        "locations: {} shops, {} warehouses",
        params.shops, params.warehouses
    ));

    let catalogue = plan_catalogue(params.skus, &mut rng);
    insert_catalogue(db, &catalogue).await?;
    progress.step(&format!(
        "catalogue: {} SKUs in {} products",
        params.skus,
        catalogue.len()
    ));

    crate::db::drop_stock_indexes(db).await?;
    let stock_rows = insert_stock(db, params.skus, &locations, progress).await?;
    crate::db::build_stock_indexes(db).await?;
    progress.step(&format!(
        "stock: {stock_rows} stock levels with their opening ledger lines"
    ));

    insert_staff(db, &locations).await?;
    create_api_key(db, "Demo web shop", DEMO_API_KEY).await?;
    progress.step("staff and API key: 3 accounts per shop, password 'demo'");

    let customers = insert_customers(db, params.customers, &locations, &mut rng).await?;
    progress.step(&format!("customers: {}", customers.len()));

    let orders = insert_orders(
        db, params, &locations, &catalogue, &customers, &mut rng, progress,
    )
    .await?;
    progress.step(&format!(
        "orders: {} ({} open pickups holding stock, {} returns)",
        orders.orders, orders.open_pickups, orders.returns
    ));
    if db.backend == Backend::Postgres {
        reset_identity_sequences(db).await?;
    }
    // Fresh statistics, or the query planners guess (badly) on bulk-loaded
    // tables. On PostgreSQL, VACUUM also marks the loaded pages all-visible,
    // so that covering indexes answer without visiting the table.
    let analyze = match db.backend {
        Backend::Postgres => "VACUUM ANALYZE",
        Backend::Sqlite => "ANALYZE",
    };
    sqlx::query(analyze).execute(&db.pool).await?;
    if db.backend == Backend::Sqlite {
        // Fold the bulk load into the main file: readers would otherwise
        // wade through a large write-ahead log.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&db.pool)
            .await?;
    }
    progress.step(&format!("done in {:.1} s", started.elapsed().as_secs_f64()));
    Ok(SeedSummary { orders })
}

#[derive(Debug, Clone, Default)]
pub struct SeedSummary {
    pub orders: OrderSummary,
}

#[derive(Debug, Clone, Default)]
pub struct OrderSummary {
    pub orders: usize,
    pub open_pickups: usize,
    pub returns: usize,
}

// ---------------------------------------------------------------- locations

struct PlannedLocation {
    id: String,
    ordinal: i64,
    kind: &'static str,
    name: String,
    city: &'static str,
    postcode: &'static str,
    latitude: f64,
    longitude: f64,
}

/// (code, city, postcode, shop name, latitude, longitude): the demo dozen first.
const CITIES: &[(&str, &str, &str, &str, f64, f64)] = &[
    ("PAR", "Paris", "75001", "Paris Rivoli", 48.8606, 2.3470),
    ("LYO", "Lyon", "69002", "Lyon Presqu'île", 45.7597, 4.8320),
    (
        "MRS",
        "Marseille",
        "13001",
        "Marseille Vieux-Port",
        43.2951,
        5.3750,
    ),
    (
        "TLS",
        "Toulouse",
        "31000",
        "Toulouse Capitole",
        43.6045,
        1.4440,
    ),
    ("NCE", "Nice", "06000", "Nice Masséna", 43.6975, 7.2700),
    ("NTE", "Nantes", "44000", "Nantes Graslin", 47.2130, -1.5620),
    (
        "SXB",
        "Strasbourg",
        "67000",
        "Strasbourg Kléber",
        48.5833,
        7.7458,
    ),
    (
        "MPL",
        "Montpellier",
        "34000",
        "Montpellier Comédie",
        43.6085,
        3.8800,
    ),
    (
        "BOD",
        "Bordeaux",
        "33000",
        "Bordeaux Sainte-Catherine",
        44.8400,
        -0.5740,
    ),
    (
        "LIL",
        "Lille",
        "59000",
        "Lille Grand'Place",
        50.6370,
        3.0630,
    ),
    (
        "RNS",
        "Rennes",
        "35000",
        "Rennes République",
        48.1100,
        -1.6790,
    ),
    (
        "RHE",
        "Reims",
        "51100",
        "Reims Drouet-d'Erlon",
        49.2530,
        4.0270,
    ),
    (
        "GRE",
        "Grenoble",
        "38000",
        "Grenoble Victor-Hugo",
        45.1885,
        5.7245,
    ),
    ("DIJ", "Dijon", "21000", "Dijon Liberté", 47.3220, 5.0415),
    (
        "ANG",
        "Angers",
        "49000",
        "Angers Ralliement",
        47.4712,
        -0.5518,
    ),
    ("NIM", "Nîmes", "30000", "Nîmes Arènes", 43.8367, 4.3601),
    (
        "CFE",
        "Clermont-Ferrand",
        "63000",
        "Clermont Jaude",
        45.7772,
        3.0870,
    ),
    (
        "LMN",
        "Le Mans",
        "72000",
        "Le Mans Jacobins",
        48.0061,
        0.1996,
    ),
    (
        "AIX",
        "Aix-en-Provence",
        "13100",
        "Aix Mirabeau",
        43.5297,
        5.4474,
    ),
    ("BES", "Brest", "29200", "Brest Siam", 48.3904, -4.4861),
    ("TUF", "Tours", "37000", "Tours Nationale", 47.3941, 0.6848),
    ("AMI", "Amiens", "80000", "Amiens Gambetta", 49.8941, 2.2958),
    (
        "LIG",
        "Limoges",
        "87000",
        "Limoges Jourdan",
        45.8336,
        1.2611,
    ),
    (
        "ANN",
        "Annecy",
        "74000",
        "Annecy Vieille Ville",
        45.8992,
        6.1294,
    ),
    (
        "PGF",
        "Perpignan",
        "66000",
        "Perpignan Castillet",
        42.6887,
        2.8948,
    ),
    ("MTZ", "Metz", "57000", "Metz Serpenoise", 49.1193, 6.1757),
    (
        "BSN",
        "Besançon",
        "25000",
        "Besançon Granges",
        47.2378,
        6.0241,
    ),
    (
        "ROU",
        "Rouen",
        "76000",
        "Rouen Gros-Horloge",
        49.4431,
        1.0993,
    ),
    ("CAE", "Caen", "14000", "Caen Saint-Jean", 49.1829, -0.3707),
    ("NCY", "Nancy", "54000", "Nancy Stanislas", 48.6921, 6.1844),
    (
        "AVN",
        "Avignon",
        "84000",
        "Avignon République",
        43.9493,
        4.8055,
    ),
    (
        "PIS",
        "Poitiers",
        "86000",
        "Poitiers Gaillards",
        46.5802,
        0.3404,
    ),
    (
        "LRH",
        "La Rochelle",
        "17000",
        "La Rochelle Vieux-Port",
        46.1603,
        -1.1511,
    ),
    ("PUF", "Pau", "64000", "Pau Clemenceau", 43.2951, -0.3708),
    ("TLN", "Toulon", "83000", "Toulon Liberté", 43.1242, 5.9280),
    (
        "ETI",
        "Saint-Étienne",
        "42000",
        "Saint-Étienne Jaurès",
        45.4397,
        4.3872,
    ),
    ("LEH", "Le Havre", "76600", "Le Havre Coty", 49.4944, 0.1079),
    (
        "ORL",
        "Orléans",
        "45000",
        "Orléans Martroi",
        47.9029,
        1.9093,
    ),
    (
        "MLH",
        "Mulhouse",
        "68100",
        "Mulhouse Réunion",
        47.7508,
        7.3359,
    ),
    (
        "CMF",
        "Chambéry",
        "73000",
        "Chambéry Éléphants",
        45.5646,
        5.9178,
    ),
];

const WAREHOUSES: &[(&str, &str, &str, &str, f64, f64)] = &[
    (
        "WH-ORL",
        "Saran",
        "45770",
        "Entrepôt Orléans-Saran",
        47.9500,
        1.8750,
    ),
    (
        "WH-LYS",
        "Saint-Exupéry",
        "69125",
        "Entrepôt Lyon-Saint-Exupéry",
        45.7200,
        5.0800,
    ),
    (
        "WH-LIL",
        "Lesquin",
        "59810",
        "Entrepôt Lille-Lesquin",
        50.5890,
        3.1100,
    ),
    (
        "WH-MRS",
        "Vitrolles",
        "13127",
        "Entrepôt Marseille-Vitrolles",
        43.4550,
        5.2480,
    ),
];

fn plan_locations(params: &SeedParams) -> Vec<PlannedLocation> {
    let mut planned = Vec::with_capacity(params.shops + params.warehouses);
    for n in 0..params.shops {
        let (code, city, postcode, name, lat, lon) = CITIES[n % CITIES.len()];
        let round = n / CITIES.len();
        // Further shops in a city spread a few kilometres around the first.
        let offset = round as f64 * 0.013;
        planned.push(PlannedLocation {
            id: format!("{code}{:02}", round + 1),
            ordinal: n as i64 + 1,
            kind: "store",
            name: if round == 0 {
                name.to_string()
            } else {
                format!("{city} {}", round + 1)
            },
            city,
            postcode,
            latitude: lat + offset,
            longitude: lon - offset,
        });
    }
    for (i, (id, city, postcode, name, lat, lon)) in
        WAREHOUSES.iter().take(params.warehouses).enumerate()
    {
        planned.push(PlannedLocation {
            id: id.to_string(),
            ordinal: (params.shops + i) as i64 + 1,
            kind: "warehouse",
            name: name.to_string(),
            city,
            postcode,
            latitude: *lat,
            longitude: *lon,
        });
    }
    planned
}

async fn insert_locations(db: &Db, locations: &[PlannedLocation]) -> AppResult<()> {
    let mut batch = Batch::new(
        "locations",
        &[
            "id",
            "ordinal",
            "kind",
            "name",
            "city",
            "latitude",
            "longitude",
        ],
    );
    let mut tx = db.pool.begin().await?;
    for l in locations {
        batch.push(vec![
            V::T(l.id.clone()),
            V::I(l.ordinal),
            V::T(l.kind.into()),
            V::T(l.name.clone()),
            V::T(l.city.into()),
            V::F(l.latitude),
            V::F(l.longitude),
        ]);
    }
    batch.flush(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- catalogue

struct PlannedProduct {
    id: String,
    name: String,
    category: &'static str,
    department: &'static str,
    description: String,
    skus: Vec<PlannedSku>,
}

struct PlannedSku {
    sku: String,
    ordinal: i64,
    colour: &'static str,
    size: &'static str,
    size_rank: i64,
    price_cents: i64,
}

const COLOURS: &[(&str, &str)] = &[
    ("NOI", "Noir"),
    ("BLA", "Blanc"),
    ("ECR", "Écru"),
    ("MAR", "Bleu marine"),
    ("ROU", "Rouge"),
    ("SAU", "Vert sauge"),
    ("BEI", "Beige"),
    ("GRI", "Gris chiné"),
    ("ROS", "Rose poudré"),
    ("MOU", "Moutarde"),
    ("TER", "Terracotta"),
    ("BOR", "Bordeaux"),
];

/// (size code in the SKU, size label)
const CLOTHING_SIZES: &[(&str, &str)] = &[
    ("XS", "XS"),
    ("S", "S"),
    ("M", "M"),
    ("L", "L"),
    ("XL", "XL"),
];
const FABRIC_CUTS: &[(&str, &str)] = &[
    ("050", "0,5 m"),
    ("100", "1 m"),
    ("200", "2 m"),
    ("300", "3 m"),
];
const BUTTON_SIZES: &[(&str, &str)] = &[("12MM", "12 mm"), ("15MM", "15 mm"), ("20MM", "20 mm")];
const ZIP_LENGTHS: &[(&str, &str)] = &[
    ("15CM", "15 cm"),
    ("20CM", "20 cm"),
    ("40CM", "40 cm"),
    ("60CM", "60 cm"),
];
const THREAD_LENGTHS: &[(&str, &str)] = &[("100M", "100 m"), ("500M", "500 m")];
const RIBBON_WIDTHS: &[(&str, &str)] = &[("10MM", "10 mm"), ("25MM", "25 mm"), ("40MM", "40 mm")];

struct ProductFamily {
    prefix: &'static str,
    noun: &'static str,
    category: &'static str,
    department: &'static str,
    sizes: &'static [(&'static str, &'static str)],
    /// Price range in cents.
    price: (i64, i64),
}

const FAMILIES: &[ProductFamily] = &[
    ProductFamily {
        prefix: "ROB",
        noun: "Robe",
        category: "Robes",
        department: "Prêt-à-porter",
        sizes: CLOTHING_SIZES,
        price: (3990, 14900),
    },
    ProductFamily {
        prefix: "CHM",
        noun: "Chemise",
        category: "Chemises",
        department: "Prêt-à-porter",
        sizes: CLOTHING_SIZES,
        price: (2990, 8990),
    },
    ProductFamily {
        prefix: "PAN",
        noun: "Pantalon",
        category: "Pantalons",
        department: "Prêt-à-porter",
        sizes: CLOTHING_SIZES,
        price: (3990, 11900),
    },
    ProductFamily {
        prefix: "JUP",
        noun: "Jupe",
        category: "Jupes",
        department: "Prêt-à-porter",
        sizes: CLOTHING_SIZES,
        price: (2990, 8990),
    },
    ProductFamily {
        prefix: "VES",
        noun: "Veste",
        category: "Vestes",
        department: "Prêt-à-porter",
        sizes: CLOTHING_SIZES,
        price: (5990, 18900),
    },
    ProductFamily {
        prefix: "PUL",
        noun: "Pull",
        category: "Mailles",
        department: "Prêt-à-porter",
        sizes: CLOTHING_SIZES,
        price: (3990, 12900),
    },
    ProductFamily {
        prefix: "TSH",
        noun: "T-shirt",
        category: "T-shirts",
        department: "Prêt-à-porter",
        sizes: CLOTHING_SIZES,
        price: (1490, 3990),
    },
    ProductFamily {
        prefix: "MAN",
        noun: "Manteau",
        category: "Manteaux",
        department: "Prêt-à-porter",
        sizes: CLOTHING_SIZES,
        price: (8990, 29900),
    },
    ProductFamily {
        prefix: "BLO",
        noun: "Blouse",
        category: "Blouses",
        department: "Prêt-à-porter",
        sizes: CLOTHING_SIZES,
        price: (2990, 7990),
    },
    ProductFamily {
        prefix: "TIS",
        noun: "Tissu",
        category: "Tissus au mètre",
        department: "Tissus",
        sizes: FABRIC_CUTS,
        price: (690, 4990),
    },
    ProductFamily {
        prefix: "BOU",
        noun: "Boutons",
        category: "Boutons",
        department: "Mercerie",
        sizes: BUTTON_SIZES,
        price: (250, 1290),
    },
    ProductFamily {
        prefix: "ZIP",
        noun: "Fermeture éclair",
        category: "Fermetures",
        department: "Mercerie",
        sizes: ZIP_LENGTHS,
        price: (190, 890),
    },
    ProductFamily {
        prefix: "FIL",
        noun: "Fil à coudre",
        category: "Fils",
        department: "Mercerie",
        sizes: THREAD_LENGTHS,
        price: (290, 990),
    },
    ProductFamily {
        prefix: "RUB",
        noun: "Ruban",
        category: "Rubans",
        department: "Mercerie",
        sizes: RIBBON_WIDTHS,
        price: (150, 790),
    },
];

const GARMENT_STYLES: &[&str] = &[
    "portefeuille",
    "fluide",
    "ajusté",
    "oversize",
    "rayé",
    "à fleurs",
    "cintré",
    "col Claudine",
    "marinière",
    "plissé",
    "droit",
    "évasé",
    "brodé",
    "boutonné",
    "à smocks",
    "col V",
];
const GARMENT_MATERIALS: &[&str] = &[
    "en lin",
    "en coton bio",
    "en viscose",
    "en laine mérinos",
    "en soie",
    "en velours côtelé",
    "en denim",
    "en gaze de coton",
    "en jersey",
    "en crêpe",
    "en tweed",
    "en chambray",
];
const FABRICS: &[&str] = &[
    "lin lavé",
    "popeline de coton",
    "soie sauvage",
    "laine bouillie",
    "velours côtelé",
    "jersey viscose",
    "toile de Jouy",
    "wax imprimé",
    "denim stretch",
    "crêpe de Chine",
    "double gaze",
    "liberty fleuri",
    "sergé de coton",
    "chambray",
    "satin duchesse",
    "molleton",
];
const NOTIONS: &[&str] = &[
    "nacre",
    "bois d'olivier",
    "corozo",
    "métal vieilli",
    "invisible",
    "séparable",
    "polyester",
    "coton mercerisé",
    "gros-grain",
    "satin",
    "velours",
    "vichy",
];

fn plan_catalogue(sku_target: usize, rng: &mut StdRng) -> Vec<PlannedProduct> {
    let mut products = Vec::new();
    let mut per_family = vec![0usize; FAMILIES.len()];
    let mut ordinal = 0i64;
    let mut n = 0usize;
    while (ordinal as usize) < sku_target {
        let family_index = n % FAMILIES.len();
        let family = &FAMILIES[family_index];
        per_family[family_index] += 1;
        let number = per_family[family_index];
        n += 1;
        let id = format!("{}-{:04}", family.prefix, number);
        let name = match family.department {
            "Prêt-à-porter" => {
                let style = GARMENT_STYLES[(number * 7 + family_index) % GARMENT_STYLES.len()];
                let material =
                    GARMENT_MATERIALS[(number * 5 + family_index * 3) % GARMENT_MATERIALS.len()];
                format!("{} {} {}", family.noun, agree(style, family.noun), material)
            }
            "Tissus" => format!("Tissu {}", FABRICS[number % FABRICS.len()]),
            _ => format!(
                "{} {}",
                family.noun,
                NOTIONS[(number + family_index) % NOTIONS.len()]
            ),
        };
        let colour_count = rng.random_range(2..=4usize);
        let mut colours: Vec<&(&str, &str)> = COLOURS.choose_multiple(rng, colour_count).collect();
        colours.sort_by_key(|(code, _)| COLOURS.iter().position(|(c, _)| c == code));
        let (low, high) = family.price;
        // Prices end in ,90 like on a shop label.
        let base = (rng.random_range(low..=high) / 100) * 100 - 10;
        let mut skus = Vec::new();
        for (colour_code, colour) in colours {
            for (rank, (size_code, size)) in family.sizes.iter().enumerate() {
                if ordinal as usize >= sku_target {
                    break;
                }
                ordinal += 1;
                // Larger cuts of fabric cost more; garment sizes cost the same.
                let price_cents = if family.department == "Tissus" {
                    base * (rank as i64 + 1)
                } else {
                    base
                };
                skus.push(PlannedSku {
                    sku: format!("{id}-{colour_code}-{size_code}"),
                    ordinal,
                    colour,
                    size,
                    size_rank: rank as i64 + 1,
                    price_cents: price_cents.max(90),
                });
            }
        }
        let description = format!(
            "{name}. {} de notre collection {}, disponible en magasin et sur le site.",
            family.category,
            family.department.to_lowercase()
        );
        products.push(PlannedProduct {
            id,
            name,
            category: family.category,
            department: family.department,
            description,
            skus,
        });
    }
    products
}

/// French adjectives agree with the noun: "Robe ajustée", "Pull ajusté".
fn agree(style: &str, noun: &str) -> String {
    let feminine = matches!(noun, "Robe" | "Chemise" | "Jupe" | "Veste" | "Blouse");
    if !feminine {
        return style.to_string();
    }
    match style {
        "ajusté" => "ajustée".into(),
        "rayé" => "rayée".into(),
        "cintré" => "cintrée".into(),
        "plissé" => "plissée".into(),
        "droit" => "droite".into(),
        "évasé" => "évasée".into(),
        "brodé" => "brodée".into(),
        "boutonné" => "boutonnée".into(),
        other => other.to_string(),
    }
}

async fn insert_catalogue(db: &Db, catalogue: &[PlannedProduct]) -> AppResult<()> {
    let mut products = Batch::new(
        "products",
        &[
            "id",
            "name",
            "category",
            "department",
            "description",
            "search_text",
        ],
    );
    let mut skus = Batch::new(
        "skus",
        &[
            "sku",
            "ordinal",
            "product_id",
            "ean",
            "colour",
            "size",
            "size_rank",
            "price_cents",
        ],
    );
    let mut tx = db.pool.begin().await?;
    for p in catalogue {
        let colours: Vec<&str> = p.skus.iter().map(|s| s.colour).collect();
        let search_text = fold(&format!(
            "{} {} {} {} {}",
            p.name,
            p.category,
            p.department,
            colours.join(" "),
            p.id
        ));
        products.push(vec![
            V::T(p.id.clone()),
            V::T(p.name.clone()),
            V::T(p.category.into()),
            V::T(p.department.into()),
            V::T(p.description.clone()),
            V::T(search_text),
        ]);
    }
    products.flush(&mut tx).await?;
    for p in catalogue {
        for s in &p.skus {
            // 376: the GS1 prefix range of France.
            let ean = Ean13::from_twelve(376_000_000_000 + s.ordinal as u64);
            skus.push(vec![
                V::T(s.sku.clone()),
                V::I(s.ordinal),
                V::T(p.id.clone()),
                V::T(ean.to_string()),
                V::T(s.colour.into()),
                V::T(s.size.into()),
                V::I(s.size_rank),
                V::I(s.price_cents),
            ]);
        }
    }
    skus.flush(&mut tx).await?;
    crate::db::index_unindexed_products(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------- stock

/// Opening stock: computed in SQL from the SKU and location ordinals (fast
/// at chain scale, same figures on both engines). Inserted SKU by SKU, so
/// that one SKU's levels at every location sit together on disk: the
/// stock lookup reads them all at once.
async fn insert_stock(
    db: &Db,
    sku_count: usize,
    locations: &[PlannedLocation],
    progress: &mut dyn Progress,
) -> AppResult<i64> {
    let at = now_ms();
    let mut total = 0;
    // About fifty thousand rows per statement.
    let per_chunk = (50_000 / locations.len().max(1)).max(1) as i64;
    let sku_count = sku_count as i64;
    let chunks = (sku_count + per_chunk - 1) / per_chunk;
    let report_every = (chunks / 10).max(1);
    for chunk in 0..chunks {
        let (first, last) = (
            chunk * per_chunk + 1,
            ((chunk + 1) * per_chunk).min(sku_count),
        );
        let mut tx = db.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO stock_levels (sku, location_id, on_hand, reserved, safety, last_delta, last_seq) \
             SELECT s.sku, l.id, \
                CASE WHEN l.kind = 'warehouse' THEN 20 + (s.ordinal * 31 + l.ordinal * 17) % 180 \
                     WHEN (s.ordinal * 7 + l.ordinal * 13 + (s.ordinal / 7) * 3) % 11 < 3 THEN 0 \
                     ELSE (s.ordinal * 7 + l.ordinal * 13 + (s.ordinal / 7) * 3) % 11 - 3 END, \
                0, \
                CASE WHEN l.kind = 'warehouse' THEN 5 WHEN (s.ordinal + l.ordinal) % 5 = 0 THEN 1 ELSE 0 END, \
                0, 0 \
             FROM skus s CROSS JOIN locations l WHERE s.ordinal BETWEEN $1 AND $2 \
             ORDER BY s.sku, l.id",
        )
        .bind(first)
        .bind(last)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO stock_movements (sku, location_id, kind, on_hand_delta, reserved_delta, on_hand_after, \
                 reserved_after, reason, reference, actor, device, created_at) \
             SELECT st.sku, st.location_id, 'count', st.on_hand, 0, st.on_hand, 0, 'Opening stock', NULL, \
                 'seed', 'seed', $3 \
             FROM stock_levels st JOIN skus s ON s.sku = st.sku \
             WHERE s.ordinal BETWEEN $1 AND $2 AND st.on_hand > 0 \
             ORDER BY st.sku, st.location_id",
        )
        .bind(first)
        .bind(last)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        total += inserted.rows_affected() as i64;
        if (chunk + 1) % report_every == 0 || chunk + 1 == chunks {
            progress.step(&format!(
                "stock: {last}/{sku_count} SKUs at {} locations",
                locations.len()
            ));
        }
    }
    Ok(total)
}

// ---------------------------------------------------------------- people

async fn insert_staff(db: &Db, locations: &[PlannedLocation]) -> AppResult<()> {
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

const FIRST_NAMES: &[&str] = &[
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Jade", "Louise", "Emma", "Alice", "Lina", "Hugo",
    "Lucas", "Louis", "Gabriel", "Arthur", "Jules", "Nathan", "Théo", "Raphaël", "Sophie",
    "Claire", "Julien", "Nicolas", "Élodie", "Mathilde", "Antoine", "Pauline", "Thomas", "Sarah",
    "Maxime",
];
const LAST_NAMES: &[&str] = &[
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

struct PlannedCustomer {
    id: i64,
    home_location: String,
}

async fn insert_customers(
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

fn ascii_slug(text: &str) -> String {
    fold(text)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

// ---------------------------------------------------------------- orders

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

const RETURN_REASONS: &[&str] = &[
    "Taille trop petite",
    "Taille trop grande",
    "Couleur différente de la photo",
    "Défaut de fabrication",
    "Ne correspond pas à mes attentes",
    "Reçu en double",
];

/// The events that lead from `placed` to `target`, checked against the
/// state machine (a path it refuses is a bug in this seed).
fn path_to(target: OrderStatus, fulfilment: Fulfilment) -> Vec<OrderEvent> {
    use OrderEvent as E;
    use OrderStatus as S;
    let events: &[OrderEvent] = match (fulfilment, target) {
        (_, S::Placed) => &[],
        (Fulfilment::Carry, S::Completed) => &[E::HandOverAll],
        (_, S::Cancelled) => &[E::Cancel],
        (_, S::Picking) => &[E::StartPicking],
        (Fulfilment::Collect, S::Ready) => &[E::StartPicking, E::MarkReady],
        (Fulfilment::Collect, S::PartiallyCollected) => {
            &[E::StartPicking, E::MarkReady, E::HandOverSome]
        }
        (Fulfilment::Collect, S::Completed) => &[E::StartPicking, E::MarkReady, E::HandOverAll],
        (Fulfilment::Collect, S::Expired) => &[E::StartPicking, E::MarkReady, E::Expire],
        (Fulfilment::Ship, S::Shipped) => &[E::StartPicking, E::Ship],
        (Fulfilment::Ship, S::Completed) => &[E::StartPicking, E::Ship, E::Deliver],
        _ => &[],
    };
    events.to_vec()
}

fn pick_status(fulfilment: Fulfilment, age_days: i64, rng: &mut StdRng) -> OrderStatus {
    use OrderStatus as S;
    let roll: f64 = rng.random();
    match fulfilment {
        Fulfilment::Carry => S::Completed,
        Fulfilment::Ship if age_days > 7 => {
            if roll < 0.93 {
                S::Completed
            } else {
                S::Cancelled
            }
        }
        Fulfilment::Ship => match roll {
            r if r < 0.25 => S::Placed,
            r if r < 0.45 => S::Picking,
            r if r < 0.75 => S::Shipped,
            r if r < 0.95 => S::Completed,
            _ => S::Cancelled,
        },
        Fulfilment::Collect if age_days > 10 => match roll {
            r if r < 0.85 => S::Completed,
            r if r < 0.95 => S::Expired,
            _ => S::Cancelled,
        },
        Fulfilment::Collect => match roll {
            r if r < 0.15 => S::Placed,
            r if r < 0.30 => S::Picking,
            r if r < 0.55 => S::Ready,
            r if r < 0.62 => S::PartiallyCollected,
            r if r < 0.90 => S::Completed,
            r if r < 0.96 => S::Expired,
            _ => S::Cancelled,
        },
    }
}

#[allow(clippy::too_many_arguments)]
async fn insert_orders(
    db: &Db,
    params: &SeedParams,
    locations: &[PlannedLocation],
    catalogue: &[PlannedProduct],
    customers: &[PlannedCustomer],
    rng: &mut StdRng,
    progress: &mut dyn Progress,
) -> AppResult<OrderSummary> {
    let skus: Vec<&PlannedSku> = catalogue.iter().flat_map(|p| p.skus.iter()).collect();
    let warehouse = locations
        .iter()
        .find(|l| l.kind == "warehouse")
        .map(|l| l.id.clone())
        .unwrap_or_default();
    let now = now_ms();
    let mut orders = Batch::new(
        "orders",
        &[
            "id",
            "reference",
            "customer_id",
            "channel",
            "fulfilment",
            "status",
            "selling_location_id",
            "pickup_location_id",
            "ship_address",
            "pickup_code",
            "total_cents",
            "idempotency_key",
            "created_by",
            "device",
            "created_at",
            "updated_at",
            "ready_at",
            "pickup_expires_at",
        ],
    );
    let mut lines = Batch::new(
        "order_lines",
        &[
            "id",
            "order_id",
            "line_no",
            "sku",
            "quantity",
            "unit_price_cents",
            "source_location_id",
            "handed_over_qty",
            "returned_qty",
        ],
    );
    let mut events = Batch::new(
        "order_events",
        &[
            "order_id",
            "from_status",
            "to_status",
            "actor",
            "device",
            "note",
            "created_at",
        ],
    );
    let mut reservations = Batch::new(
        "reservations",
        &[
            "id",
            "order_line_id",
            "sku",
            "location_id",
            "quantity",
            "status",
            "created_at",
        ],
    );
    let mut returns = Batch::new(
        "returns",
        &[
            "id",
            "order_id",
            "location_id",
            "refund_cents",
            "refund_method",
            "created_by",
            "device",
            "created_at",
        ],
    );
    let mut return_lines = Batch::new(
        "return_lines",
        &[
            "return_id",
            "order_line_id",
            "quantity",
            "reason",
            "item_condition",
            "refund_cents",
        ],
    );
    let mut summary = OrderSummary::default();
    let mut line_id = 0i64;
    let mut reservation_id = 0i64;
    let report_every = (params.orders / 5).max(1);
    let seeder = Actor::new("seed", "seed");
    let mut tx = db.pool.begin().await?;
    for order_id in 1..=params.orders as i64 {
        let Some(customer) = customers.choose(rng) else {
            break;
        };
        let channel = match rng.random_range(0..100) {
            0..55 => "web",
            55..90 => "store",
            _ => "kiosk",
        };
        let fulfilment = match (channel, rng.random_range(0..100)) {
            ("web", 0..60) => Fulfilment::Ship,
            ("web", _) => Fulfilment::Collect,
            ("store", 0..80) => Fulfilment::Carry,
            ("store", 80..90) => Fulfilment::Ship,
            ("store", _) => Fulfilment::Collect,
            (_, 0..60) => Fulfilment::Collect,
            _ => Fulfilment::Ship,
        };
        let age_days = rng.random_range(0..365i64);
        let created_at = now - age_days * DAY_MS - rng.random_range(0..DAY_MS);
        let mut status = pick_status(fulfilment, age_days, rng);
        let shop = customer.home_location.clone();
        let (actor, device) = match channel {
            "web" => ("web".to_string(), "web-shop".to_string()),
            "store" => ("associate".to_string(), format!("tablet-{shop}")),
            _ => ("kiosk".to_string(), format!("kiosk-{shop}")),
        };
        // Collect orders are prepared in the pickup shop; shipped ones come
        // from the warehouse; carried ones leave the selling shop.
        let source = match fulfilment {
            Fulfilment::Ship => warehouse.clone(),
            _ => shop.clone(),
        };
        let line_count = rng.random_range(1..=3usize);
        let mut total = 0i64;
        let mut planned_lines = Vec::new();
        for line_no in 1..=line_count as i64 {
            let Some(sku) = skus.choose(rng) else { break };
            let quantity = if rng.random_bool(0.85) { 1 } else { 2 };
            line_id += 1;
            total += sku.price_cents * quantity;
            planned_lines.push((line_id, line_no, sku.sku.clone(), quantity, sku.price_cents));
        }
        // Open pickups hold their stock, through the real movement rules.
        if fulfilment == Fulfilment::Collect && status.holds_stock() {
            let savepoint_ok =
                reserve_lines(&mut tx, &planned_lines, &source, status, order_id, &seeder).await?;
            if savepoint_ok {
                summary.open_pickups += 1;
                for (i, (lid, _, sku, qty, _)) in planned_lines.iter().enumerate() {
                    if handed_over(status, fulfilment, i) {
                        continue;
                    }
                    reservation_id += 1;
                    reservations.push(vec![
                        V::I(reservation_id),
                        V::I(*lid),
                        V::T(sku.clone()),
                        V::T(source.clone()),
                        V::I(*qty),
                        V::T("held".into()),
                        V::I(created_at),
                    ]);
                }
            } else {
                // Not enough stock left in the shop: this order was cancelled.
                status = OrderStatus::Cancelled;
            }
        }
        let is_collect = fulfilment == Fulfilment::Collect;
        let code = is_collect.then(|| format!("{:06}", rng.random_range(0..1_000_000)));
        let ready_at = matches!(
            status,
            OrderStatus::Ready
                | OrderStatus::PartiallyCollected
                | OrderStatus::Completed
                | OrderStatus::Expired
        )
        .then_some(created_at + DAY_MS)
        .filter(|_| is_collect);
        orders.push(vec![
            V::I(order_id),
            V::T(format!("{}-{:07}", channel.to_uppercase(), order_id)),
            V::I(customer.id),
            V::T(channel.into()),
            V::T(fulfilment.as_str().into()),
            V::T(status.as_str().into()),
            if channel == "web" {
                V::Null
            } else {
                V::T(shop.clone())
            },
            if is_collect {
                V::T(shop.clone())
            } else {
                V::Null
            },
            if fulfilment == Fulfilment::Ship {
                V::T(format!("{} (adresse du client)", shop))
            } else {
                V::Null
            },
            code.map(V::T).unwrap_or(V::Null),
            V::I(total),
            V::Null,
            V::T(actor.clone()),
            V::T(device.clone()),
            V::I(created_at),
            V::I(created_at + DAY_MS),
            ready_at.map(V::I).unwrap_or(V::NullInt),
            ready_at.map(|r| V::I(r + 7 * DAY_MS)).unwrap_or(V::NullInt),
        ]);
        let handed = |i: usize| handed_over(status, fulfilment, i);
        let may_return = status == OrderStatus::Completed
            && channel == "web"
            && age_days > 5
            && rng.random_bool(0.12);
        for (i, (lid, line_no, sku, qty, price)) in planned_lines.iter().enumerate() {
            let returned = if may_return && i == 0 { 1 } else { 0 };
            lines.push(vec![
                V::I(*lid),
                V::I(order_id),
                V::I(*line_no),
                V::T(sku.clone()),
                V::I(*qty),
                V::I(*price),
                V::T(source.clone()),
                V::I(if handed(i) { *qty } else { 0 }),
                V::I(returned),
            ]);
        }
        // The order's history, walked through the state machine.
        let mut current = OrderStatus::Placed;
        let mut at = created_at;
        let mut history = vec![(None, current, at)];
        for event in path_to(status, fulfilment) {
            let Some(next) = current.next(fulfilment, event) else {
                return Err(AppError::Internal);
            };
            at += rng.random_range(1..DAY_MS);
            history.push((Some(current), next, at));
            current = next;
        }
        for (from, to, at) in history {
            events.push(vec![
                V::I(order_id),
                from.map(|s: OrderStatus| V::T(s.as_str().into()))
                    .unwrap_or(V::Null),
                V::T(to.as_str().into()),
                V::T(actor.clone()),
                V::T(device.clone()),
                V::Null,
                V::I(at),
            ]);
        }
        if may_return {
            summary.returns += 1;
            let (lid, _, _, _, price) = &planned_lines[0];
            let return_id = summary.returns as i64;
            let method = if rng.random_bool(0.8) {
                "original_payment"
            } else {
                "store_credit"
            };
            returns.push(vec![
                V::I(return_id),
                V::I(order_id),
                V::T(customer.home_location.clone()),
                V::I(*price),
                V::T(method.into()),
                V::T("associate".into()),
                V::T(format!("tablet-{}", customer.home_location)),
                V::I(created_at + 5 * DAY_MS),
            ]);
            let condition = if rng.random_bool(0.85) {
                "sellable"
            } else {
                "damaged"
            };
            let reason = RETURN_REASONS.choose(rng).copied().unwrap_or("Autre");
            return_lines.push(vec![
                V::I(return_id),
                V::I(*lid),
                V::I(1),
                V::T(reason.into()),
                V::T(condition.into()),
                V::I(*price),
            ]);
        }
        summary.orders += 1;
        // Parents before children: the foreign keys are checked at once.
        if order_id % 200 == 0 {
            for batch in [
                &mut orders,
                &mut lines,
                &mut events,
                &mut reservations,
                &mut returns,
                &mut return_lines,
            ] {
                batch.flush(&mut tx).await?;
            }
        }
        if (order_id as usize).is_multiple_of(report_every) {
            progress.step(&format!("orders: {order_id}/{}", params.orders));
        }
    }
    for batch in [
        &mut orders,
        &mut lines,
        &mut events,
        &mut reservations,
        &mut returns,
        &mut return_lines,
    ] {
        batch.flush(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(summary)
}

/// Whether an order's line (by index) was handed to the customer: every
/// line of a completed order collected or bought in the shop, the first
/// line of a partially collected one. Lines handed over hold no stock.
fn handed_over(status: OrderStatus, fulfilment: Fulfilment, line_index: usize) -> bool {
    match status {
        OrderStatus::Completed => fulfilment != Fulfilment::Ship,
        OrderStatus::PartiallyCollected => line_index == 0,
        _ => false,
    }
}

/// Reserves the open lines of a pickup order at its shop. Returns false
/// (and reserves nothing) when the shop lacks stock for any line.
async fn reserve_lines(
    conn: &mut AnyConnection,
    lines: &[(i64, i64, String, i64, i64)],
    location: &str,
    status: OrderStatus,
    order_id: i64,
    actor: &Actor,
) -> AppResult<bool> {
    let location = LocationId::parse(location).map_err(AppError::Invalid)?;
    let mut done: Vec<(Sku, Quantity)> = Vec::new();
    for (i, (_, _, sku, qty, _)) in lines.iter().enumerate() {
        if handed_over(status, Fulfilment::Collect, i) {
            continue;
        }
        let sku = Sku::parse(sku).map_err(AppError::Invalid)?;
        let quantity = Quantity::new(*qty).map_err(AppError::Invalid)?;
        let request = MovementRequest {
            sku: sku.clone(),
            location: location.clone(),
            movement: Movement::Reservation(quantity),
            reason: None,
            reference: Some(format!("order {order_id}")),
        };
        match apply_movement(conn, &request, None, request.reference.as_deref(), actor).await {
            Ok(_) => done.push((sku, quantity)),
            Err(AppError::Conflict(_)) => {
                // Undo what this order reserved, through the ledger too.
                for (sku, quantity) in done {
                    let undo = MovementRequest {
                        sku,
                        location: location.clone(),
                        movement: Movement::Release(quantity),
                        reason: Some("Order cancelled".into()),
                        reference: Some(format!("order {order_id}")),
                    };
                    apply_movement(
                        conn,
                        &undo,
                        undo.reason.as_deref(),
                        undo.reference.as_deref(),
                        actor,
                    )
                    .await?;
                }
                return Ok(false);
            }
            Err(other) => return Err(other),
        }
    }
    Ok(true)
}

/// Rows inserted with explicit ids leave PostgreSQL's identity sequences
/// behind; move them past the highest id.
async fn reset_identity_sequences(db: &Db) -> AppResult<()> {
    for (table, column) in [
        ("customers", "id"),
        ("orders", "id"),
        ("order_lines", "id"),
        ("reservations", "id"),
        ("returns", "id"),
    ] {
        let sql = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), (SELECT COALESCE(MAX({column}), 0) + 1 FROM {table}), false)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&db.pool)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_has_exactly_the_requested_skus_with_unique_codes() {
        let mut rng = StdRng::seed_from_u64(7);
        let catalogue = plan_catalogue(1234, &mut rng);
        let skus: Vec<&PlannedSku> = catalogue.iter().flat_map(|p| p.skus.iter()).collect();
        assert_eq!(skus.len(), 1234);
        let mut codes: Vec<&str> = skus.iter().map(|s| s.sku.as_str()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 1234);
        assert!(codes.iter().all(|c| Sku::parse(c).is_ok()));
    }

    #[test]
    fn the_catalogue_is_deterministic() {
        let names = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            plan_catalogue(300, &mut rng)
                .into_iter()
                .map(|p| (p.name, p.skus.len()))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(1), names(1));
    }

    #[test]
    fn every_seeded_order_path_is_allowed_by_the_state_machine() {
        for fulfilment in [Fulfilment::Carry, Fulfilment::Ship, Fulfilment::Collect] {
            let mut rng = StdRng::seed_from_u64(3);
            for age in [0, 3, 30] {
                for _ in 0..200 {
                    let target = pick_status(fulfilment, age, &mut rng);
                    let end = path_to(target, fulfilment)
                        .into_iter()
                        .try_fold(OrderStatus::Placed, |s, e| s.next(fulfilment, e));
                    assert_eq!(end, Some(target), "{fulfilment:?} -> {target:?}");
                }
            }
        }
    }

    #[test]
    fn locations_have_unique_ids_at_chain_scale() {
        let planned = plan_locations(&SeedParams::chain());
        assert_eq!(planned.len(), 202);
        let mut ids: Vec<&str> = planned.iter().map(|l| l.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 202);
        assert_eq!(planned[0].id, "PAR01");
    }

    #[test]
    fn adjectives_agree_with_feminine_nouns() {
        assert_eq!(agree("ajusté", "Robe"), "ajustée");
        assert_eq!(agree("ajusté", "Pull"), "ajusté");
    }
}
