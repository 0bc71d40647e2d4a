//! Distances between shops, to list the nearest first.

const EARTH_RADIUS_KM: f64 = 6371.0;

/// Great-circle distance in kilometres (haversine formula).
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
}

/// A distance as people read it between shops: whole kilometres (`12 km`,
/// the same in French and English), and `< 1 km` for next door.
pub fn format_km(km: f64) -> String {
    if km < 0.5 {
        "< 1 km".to_string()
    } else {
        format!("{} km", km.round() as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_to_lyon_is_about_392_km() {
        let d = distance_km(48.8566, 2.3522, 45.7640, 4.8357);
        assert!((385.0..400.0).contains(&d), "{d}");
    }

    #[test]
    fn distances_read_in_whole_kilometres() {
        assert_eq!(format_km(12.4), "12 km");
        assert_eq!(format_km(391.6), "392 km");
        assert_eq!(format_km(0.2), "< 1 km");
    }

    #[test]
    fn same_place_is_zero() {
        assert!(distance_km(43.3, 5.4, 43.3, 5.4).abs() < 1e-9);
    }
}
