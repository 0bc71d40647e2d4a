//! The location directory: every shop and warehouse with its name, city and
//! coordinates, kept in memory. Each stock lookup lists all locations (202 at
//! chain scale); reading their text from the database for every lookup cost
//! more than the figures themselves. Locations change rarely, so the copy is
//! reloaded after a short while, or at once when a figure names a location
//! the copy does not know.

use crate::model::{Location, LocationKind};
use sqlx::AnyPool;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long a loaded directory is trusted before it is read again: a renamed
/// shop shows under its new name within this delay.
const FRESH_FOR: Duration = Duration::from_secs(30);

/// All locations in their ordinal order (shops, then warehouses, as seeded).
#[derive(Debug)]
pub struct Directory {
    pub locations: Vec<Location>,
    index: HashMap<String, usize>,
    loaded_at: Instant,
}

impl Directory {
    /// The position of a location in `locations`.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }
}

#[derive(Debug, Default)]
pub struct LocationDirectory {
    current: RwLock<Option<Arc<Directory>>>,
}

impl LocationDirectory {
    /// The directory, read from the database when missing or old.
    pub async fn get(&self, pool: &AnyPool) -> Result<Arc<Directory>, sqlx::Error> {
        if let Some(current) = self.cached()
            && current.loaded_at.elapsed() < FRESH_FOR
        {
            return Ok(current);
        }
        self.reload(pool).await
    }

    /// Reads the directory again (a location was added or changed).
    pub async fn reload(&self, pool: &AnyPool) -> Result<Arc<Directory>, sqlx::Error> {
        let rows: Vec<(String, String, String, String, f64, f64)> = sqlx::query_as(
            "SELECT id, kind, name, city, latitude, longitude FROM locations ORDER BY ordinal",
        )
        .fetch_all(pool)
        .await?;
        let locations: Vec<Location> = rows
            .into_iter()
            .map(|(id, kind, name, city, latitude, longitude)| Location {
                id,
                kind: LocationKind::from_code(&kind),
                name,
                city,
                latitude,
                longitude,
            })
            .collect();
        let index = locations
            .iter()
            .enumerate()
            .map(|(i, l)| (l.id.clone(), i))
            .collect();
        let fresh = Arc::new(Directory {
            locations,
            index,
            loaded_at: Instant::now(),
        });
        // A poisoned lock only means another reader panicked: the data
        // inside is a whole `Option<Arc>`, never half written.
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(fresh.clone());
        Ok(fresh)
    }

    fn cached(&self) -> Option<Arc<Directory>> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}
