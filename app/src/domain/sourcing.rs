//! Where the goods of a basket line come from, and when they arrive.
//!
//! A line taken now leaves this shop's shelf. A line shipped home or
//! collected in a shop is sourced from the pickup shop itself when it has
//! the goods, otherwise from the warehouse, otherwise from the nearest shop
//! that has enough available. Any other location that has enough may be
//! chosen instead; each option says how many it has, how far it is and how
//! many shop days the goods take (`LeadTimes`, rules kept as data).

use super::geo::distance_km;
use super::order::Fulfilment;
use super::time::add_shop_days;
use crate::model::LocationKind;
use serde::{Deserialize, Serialize};

/// What the sourcing needs to know about one location.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place<'a> {
    pub id: &'a str,
    pub kind: LocationKind,
    pub latitude: f64,
    pub longitude: f64,
    /// Units of the SKU that may be promised there now.
    pub available: i64,
}

/// Where a fulfilment ends, as the lead-time rules tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Destination {
    /// The customer's address.
    Home,
    /// A shop other than the one that holds the goods.
    Store,
    /// The shop that holds the goods: nothing travels.
    SameStore,
}

impl Destination {
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "home" => Some(Self::Home),
            "store" => Some(Self::Store),
            "same_store" => Some(Self::SameStore),
            _ => None,
        }
    }
}

/// One rule: goods from a kind of location to a destination, up to a
/// distance between the two, take `days` shop days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeadTime {
    pub source_kind: LocationKind,
    pub destination: Destination,
    pub up_to_km: i64,
    pub days: i64,
}

/// The chain's lead-time rules (table `lead_times`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LeadTimes(pub Vec<LeadTime>);

impl LeadTimes {
    /// The days of the rule with the smallest reach that covers `km`;
    /// `None` when no rule does (the chain does not send goods that way).
    pub fn days(
        &self,
        source_kind: LocationKind,
        destination: Destination,
        km: i64,
    ) -> Option<i64> {
        self.0
            .iter()
            .filter(|r| r.source_kind == source_kind && r.destination == destination)
            .filter(|r| r.up_to_km >= km)
            .min_by_key(|r| r.up_to_km)
            .map(|r| r.days)
    }
}

/// A location able to supply a line, as the associate sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceOption {
    pub location_id: String,
    pub kind: LocationKind,
    pub available: i64,
    /// From the shop where the basket is sold; `None` for that shop.
    pub distance_km: Option<i64>,
    /// Shop days until the goods reach the customer or the pickup shop.
    pub lead_days: i64,
}

impl SourceOption {
    /// The promised day for goods leaving at `now_ms`.
    pub fn promised_at(&self, now_ms: i64) -> i64 {
        add_shop_days(now_ms, self.lead_days)
    }
}

/// What is to be sourced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need<'a> {
    pub fulfilment: Fulfilment,
    /// The shop where the customer collects (collect only).
    pub pickup: Option<&'a str>,
    /// The shop where the basket is sold (`None` for the web shop).
    pub selling: Option<&'a str>,
    pub quantity: i64,
}

fn km_between(a: &Place, b: &Place) -> i64 {
    distance_km(a.latitude, a.longitude, b.latitude, b.longitude).round() as i64
}

/// Every location with enough available for the line, best first: the
/// first is the proposed source. Empty when none has enough.
pub fn source_options(places: &[Place], need: Need, leads: &LeadTimes) -> Vec<SourceOption> {
    let find = |id: Option<&str>| id.and_then(|id| places.iter().find(|p| p.id == id));
    let selling = find(need.selling);
    let pickup = find(need.pickup);
    let from_selling = |p: &Place| selling.filter(|s| s.id != p.id).map(|s| km_between(s, p));
    let enough = |p: &&Place| p.available >= need.quantity;
    let option = |p: &Place, lead_days: i64| SourceOption {
        location_id: p.id.to_string(),
        kind: p.kind,
        available: p.available,
        distance_km: from_selling(p),
        lead_days,
    };
    match need.fulfilment {
        // Taken now: this shop's shelf, or nothing.
        Fulfilment::Carry => selling
            .filter(enough)
            .map(|s| option(s, 0))
            .into_iter()
            .collect(),
        Fulfilment::Collect => {
            let Some(pickup) = pickup else {
                return Vec::new();
            };
            let mut ranked: Vec<(u8, i64, SourceOption)> = places
                .iter()
                .filter(enough)
                .filter_map(|p| {
                    let (rank, destination, km) = if p.id == pickup.id {
                        (0, Destination::SameStore, 0)
                    } else {
                        let km = km_between(p, pickup);
                        let rank = if p.kind == LocationKind::Warehouse {
                            1
                        } else {
                            2
                        };
                        (rank, Destination::Store, km)
                    };
                    let days = leads.days(p.kind, destination, km)?;
                    Some((rank, km, option(p, days)))
                })
                .collect();
            ranked.sort_by(|a, b| (a.0, a.1, &a.2.location_id).cmp(&(b.0, b.1, &b.2.location_id)));
            ranked.into_iter().map(|(_, _, o)| o).collect()
        }
        Fulfilment::Ship => {
            let mut ranked: Vec<(u8, i64, SourceOption)> = places
                .iter()
                .filter(enough)
                .filter_map(|p| {
                    let days = leads.days(p.kind, Destination::Home, 0)?;
                    let rank = if p.kind == LocationKind::Warehouse {
                        0
                    } else {
                        1
                    };
                    // Nearest the selling shop first; for the web shop, the
                    // one with the most to spare.
                    let order =
                        from_selling(p).unwrap_or(if selling.is_some() { 0 } else { -p.available });
                    Some((rank, order, option(p, days)))
                })
                .collect();
            ranked.sort_by(|a, b| (a.0, a.1, &a.2.location_id).cmp(&(b.0, b.1, &b.2.location_id)));
            ranked.into_iter().map(|(_, _, o)| o).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_leads() -> LeadTimes {
        use Destination as D;
        use LocationKind as K;
        let rule = |source_kind, destination, up_to_km, days| LeadTime {
            source_kind,
            destination,
            up_to_km,
            days,
        };
        LeadTimes(vec![
            rule(K::Warehouse, D::Home, 100_000, 2),
            rule(K::Warehouse, D::Store, 100_000, 2),
            rule(K::Store, D::Home, 100_000, 3),
            rule(K::Store, D::Store, 150, 1),
            rule(K::Store, D::Store, 100_000, 2),
            rule(K::Store, D::SameStore, 100_000, 0),
        ])
    }

    fn place(id: &str, kind: LocationKind, lat: f64, lon: f64, available: i64) -> Place<'_> {
        Place {
            id,
            kind,
            latitude: lat,
            longitude: lon,
            available,
        }
    }

    fn chain(paris: i64, lyon: i64, versailles: i64, warehouse: i64) -> Vec<Place<'static>> {
        use LocationKind::*;
        vec![
            place("PAR01", Store, 48.8566, 2.3522, paris),
            place("LYO01", Store, 45.7640, 4.8357, lyon),
            place("VER01", Store, 48.8049, 2.1204, versailles),
            place("WH01", Warehouse, 47.9, 1.9, warehouse),
        ]
    }

    fn need(fulfilment: Fulfilment, pickup: Option<&str>, quantity: i64) -> Need<'_> {
        Need {
            fulfilment,
            pickup,
            selling: Some("PAR01"),
            quantity,
        }
    }

    fn ids(options: &[SourceOption]) -> Vec<&str> {
        options.iter().map(|o| o.location_id.as_str()).collect()
    }

    #[test]
    fn taken_now_comes_from_this_shelf_or_nowhere() {
        let leads = demo_leads();
        let here = source_options(&chain(2, 9, 9, 9), need(Fulfilment::Carry, None, 2), &leads);
        assert_eq!(ids(&here), ["PAR01"]);
        assert_eq!(here[0].lead_days, 0);
        assert_eq!(here[0].distance_km, None);
        let short = source_options(&chain(1, 9, 9, 9), need(Fulfilment::Carry, None, 2), &leads);
        assert!(short.is_empty());
    }

    #[test]
    fn shipped_home_from_the_warehouse_then_the_nearest_shop() {
        let leads = demo_leads();
        let options = source_options(
            &chain(0, 5, 5, 118),
            need(Fulfilment::Ship, None, 1),
            &leads,
        );
        assert_eq!(ids(&options), ["WH01", "VER01", "LYO01"]);
        assert_eq!(options[0].lead_days, 2);
        assert_eq!(options[1].lead_days, 3);
        let lyon = &options[2];
        assert!(
            (385..=400).contains(&lyon.distance_km.unwrap_or_default()),
            "{lyon:?}"
        );
        let no_warehouse =
            source_options(&chain(0, 5, 5, 0), need(Fulfilment::Ship, None, 1), &leads);
        assert_eq!(ids(&no_warehouse), ["VER01", "LYO01"]);
    }

    #[test]
    fn collected_from_the_pickup_shop_itself_first() {
        let leads = demo_leads();
        let options = source_options(
            &chain(0, 4, 3, 118),
            need(Fulfilment::Collect, Some("LYO01"), 2),
            &leads,
        );
        assert_eq!(ids(&options), ["LYO01", "WH01", "VER01"]);
        assert_eq!(options[0].lead_days, 0);
        assert_eq!(options[1].lead_days, 2);
        // Versailles to Lyon is beyond the next-day reach.
        assert_eq!(options[2].lead_days, 2);
    }

    #[test]
    fn a_nearby_shop_sends_to_another_by_the_next_day() {
        let leads = demo_leads();
        let options = source_options(
            &chain(0, 0, 3, 0),
            need(Fulfilment::Collect, Some("PAR01"), 1),
            &leads,
        );
        assert_eq!(ids(&options), ["VER01"]);
        assert_eq!(options[0].lead_days, 1);
    }

    #[test]
    fn only_locations_with_enough_are_offered() {
        let leads = demo_leads();
        let options = source_options(&chain(0, 2, 1, 1), need(Fulfilment::Ship, None, 2), &leads);
        assert_eq!(ids(&options), ["LYO01"]);
        let none = source_options(&chain(0, 1, 1, 1), need(Fulfilment::Ship, None, 2), &leads);
        assert!(none.is_empty());
    }

    #[test]
    fn a_way_without_a_rule_is_not_offered() {
        let leads = LeadTimes(vec![LeadTime {
            source_kind: LocationKind::Warehouse,
            destination: Destination::Home,
            up_to_km: 100_000,
            days: 2,
        }]);
        let options = source_options(&chain(0, 5, 5, 5), need(Fulfilment::Ship, None, 1), &leads);
        assert_eq!(ids(&options), ["WH01"]);
    }

    #[test]
    fn the_smallest_reach_that_covers_the_distance_applies() {
        let leads = demo_leads();
        use Destination as D;
        use LocationKind as K;
        assert_eq!(leads.days(K::Store, D::Store, 20), Some(1));
        assert_eq!(leads.days(K::Store, D::Store, 150), Some(1));
        assert_eq!(leads.days(K::Store, D::Store, 151), Some(2));
        assert_eq!(leads.days(K::Warehouse, D::SameStore, 0), None);
    }

    #[test]
    fn the_web_shop_ships_from_the_shop_with_most_to_spare() {
        let leads = demo_leads();
        let web = Need {
            fulfilment: Fulfilment::Ship,
            pickup: None,
            selling: None,
            quantity: 1,
        };
        let options = source_options(&chain(3, 7, 5, 0), web, &leads);
        assert_eq!(ids(&options), ["LYO01", "VER01", "PAR01"]);
        assert!(options.iter().all(|o| o.distance_km.is_none()));
    }
}
