//! The catalogue: garments, fabrics and haberdashery, in colours and sizes,
//! with valid EAN-13 codes and prices ending in ,90.

use super::*;

pub(super) struct PlannedProduct {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) category: &'static str,
    pub(super) department: &'static str,
    pub(super) description: String,
    pub(super) skus: Vec<PlannedSku>,
}

pub(super) struct PlannedSku {
    pub(super) sku: String,
    pub(super) ordinal: i64,
    pub(super) colour: &'static str,
    pub(super) size: &'static str,
    pub(super) size_rank: i64,
    pub(super) price_cents: i64,
}

pub(super) const COLOURS: &[(&str, &str)] = &[
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
pub(super) const CLOTHING_SIZES: &[(&str, &str)] = &[
    ("XS", "XS"),
    ("S", "S"),
    ("M", "M"),
    ("L", "L"),
    ("XL", "XL"),
];
pub(super) const FABRIC_CUTS: &[(&str, &str)] = &[
    ("050", "0,5 m"),
    ("100", "1 m"),
    ("200", "2 m"),
    ("300", "3 m"),
];
pub(super) const BUTTON_SIZES: &[(&str, &str)] =
    &[("12MM", "12 mm"), ("15MM", "15 mm"), ("20MM", "20 mm")];
pub(super) const ZIP_LENGTHS: &[(&str, &str)] = &[
    ("15CM", "15 cm"),
    ("20CM", "20 cm"),
    ("40CM", "40 cm"),
    ("60CM", "60 cm"),
];
pub(super) const THREAD_LENGTHS: &[(&str, &str)] = &[("100M", "100 m"), ("500M", "500 m")];
pub(super) const RIBBON_WIDTHS: &[(&str, &str)] =
    &[("10MM", "10 mm"), ("25MM", "25 mm"), ("40MM", "40 mm")];

pub(super) struct ProductFamily {
    pub(super) prefix: &'static str,
    pub(super) noun: &'static str,
    pub(super) category: &'static str,
    pub(super) department: &'static str,
    pub(super) sizes: &'static [(&'static str, &'static str)],
    /// Price range in cents.
    pub(super) price: (i64, i64),
}

pub(super) const FAMILIES: &[ProductFamily] = &[
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

pub(super) const GARMENT_STYLES: &[&str] = &[
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
pub(super) const GARMENT_MATERIALS: &[&str] = &[
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
pub(super) const FABRICS: &[&str] = &[
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
pub(super) const NOTIONS: &[&str] = &[
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

pub(super) fn plan_catalogue(sku_target: usize, rng: &mut StdRng) -> Vec<PlannedProduct> {
    let mut products = Vec::new();
    let mut per_family = vec![0usize; FAMILIES.len()];
    let mut ordinal = 0i64;
    let mut n = 0usize;
    let mut names_used: std::collections::HashMap<String, usize> = Default::default();
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
        // Two products never share a name: the second of a name is told
        // apart by its model number (and so is every later one).
        let uses = names_used.entry(name.clone()).or_insert(0usize);
        *uses += 1;
        let name = if *uses > 1 {
            format!("{name}, modèle {uses}")
        } else {
            name
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
pub(super) fn agree(style: &str, noun: &str) -> String {
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

pub(super) async fn insert_catalogue(db: &Db, catalogue: &[PlannedProduct]) -> AppResult<()> {
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
