//! The demo chain's shops (French cities, the demo dozen first) and warehouses.

use super::*;

pub(super) struct PlannedLocation {
    pub(super) id: String,
    pub(super) ordinal: i64,
    pub(super) kind: &'static str,
    pub(super) name: String,
    pub(super) city: &'static str,
    pub(super) postcode: &'static str,
    pub(super) street: String,
    pub(super) latitude: f64,
    pub(super) longitude: f64,
}

/// Streets of the demo shops (a number is put before each).
const STREETS: &[&str] = &[
    "rue de la République",
    "rue du Commerce",
    "place de l'Hôtel-de-Ville",
    "rue Nationale",
    "cours Victor-Hugo",
    "rue des Drapiers",
    "avenue Jean-Jaurès",
];

fn street_of(n: usize) -> String {
    format!("{} {}", 3 + (n * 7) % 80, STREETS[n % STREETS.len()])
}

/// (code, city, postcode, shop name, latitude, longitude): the demo dozen first.
pub(super) const CITIES: &[(&str, &str, &str, &str, f64, f64)] = &[
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

pub(super) const WAREHOUSES: &[(&str, &str, &str, &str, f64, f64)] = &[
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

pub(super) fn plan_locations(params: &SeedParams) -> Vec<PlannedLocation> {
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
            street: street_of(n),
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
            street: street_of(params.shops + i),
            latitude: *lat,
            longitude: *lon,
        });
    }
    planned
}

pub(super) async fn insert_locations(db: &Db, locations: &[PlannedLocation]) -> AppResult<()> {
    let mut batch = Batch::new(
        "locations",
        &[
            "id",
            "ordinal",
            "kind",
            "name",
            "city",
            "postcode",
            "street",
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
            V::T(l.postcode.into()),
            V::T(l.street.clone()),
            V::F(l.latitude),
            V::F(l.longitude),
        ]);
    }
    batch.flush(&mut tx).await?;
    tx.commit().await?;
    Ok(())
}
