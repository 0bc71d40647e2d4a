//! Data a page loads: fetched on the server while the page is rendered,
//! carried inside the page to the browser, fetched again there when its
//! source changes.
//!
//! Leptos's default resource reads the carried JSON from a `&str` while
//! server functions read their answers from bytes; serde_json compiles its
//! reader once per input kind, so every type came into the bundle twice.
//! Reading both from bytes keeps one copy (about 50 KB of WebAssembly).

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// JSON, read from bytes like a server function's answer.
pub struct JsonBytes;

impl<T: Serialize> Encoder<T> for JsonBytes {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for JsonBytes {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(carried: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(carried.as_bytes())
    }
}

/// Data loaded with the page (see the module's note).
pub type Loaded<T> = Resource<T, JsonBytes>;

/// Loads `fetch(source())` with the page, and again when `source` changes.
#[track_caller]
pub fn load<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetch: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Loaded<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetch, false)
}
