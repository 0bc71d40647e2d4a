//! The live link: server-sent stock events for what is on screen.
//!
//! The browser's `EventSource` reconnects by itself and sends the last
//! event id it saw, so the server replays what was missed. After any gap
//! the page also reloads its figures, so no stale number survives.

use crate::domain::stock::StockEvent;
use crate::i18n::td_string;
use crate::translate::use_locale;
use leptos::prelude::*;
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    Connecting,
    Live,
    Reconnecting,
}

/// Figures pushed since the page loaded, by (SKU, location). A pushed
/// figure wins over a loaded one only when its ledger seq is newer.
pub type LiveFigures = RwSignal<HashMap<(String, String), StockEvent>>;

#[derive(Clone, Copy)]
pub struct LiveStock {
    pub state: ReadSignal<LinkState>,
    pub figures: LiveFigures,
    /// Bumped whenever the page should reload its data: after a
    /// reconnection, or when the server says too much was missed.
    pub resyncs: ReadSignal<u32>,
}

impl LiveStock {
    /// The newest pushed figures for a stock level, if newer than `loaded_seq`.
    pub fn newer(&self, sku: &str, location: &str, loaded_seq: i64) -> Option<StockEvent> {
        self.figures.with(|m| {
            m.get(&(sku.to_string(), location.to_string()))
                .filter(|e| e.seq > loaded_seq)
                .cloned()
        })
    }
}

/// Opens (and keeps open) the live link for one product's stock.
pub fn use_live_stock(product_id: Signal<Option<String>>) -> LiveStock {
    let (state, set_state) = signal(LinkState::Connecting);
    let figures: LiveFigures = RwSignal::new(HashMap::new());
    let (resyncs, set_resyncs) = signal(0u32);
    #[cfg(feature = "hydrate")]
    browser::connect_while_mounted(product_id, set_state, figures, set_resyncs);
    #[cfg(not(feature = "hydrate"))]
    let _ = (product_id, set_state, set_resyncs);
    LiveStock {
        state,
        figures,
        resyncs,
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use send_wrapper::SendWrapper;
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::Closure;
    use web_sys::{EventSource, MessageEvent};

    /// How long to wait before reopening a link the server closed.
    const RETRY_MS: i32 = 2000;

    struct Link {
        source: EventSource,
        _handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    }

    impl Drop for Link {
        fn drop(&mut self) {
            self.source.close();
        }
    }

    pub fn connect_while_mounted(
        product_id: Signal<Option<String>>,
        set_state: WriteSignal<LinkState>,
        figures: LiveFigures,
        set_resyncs: WriteSignal<u32>,
    ) {
        let (attempt, set_attempt) = signal(0u32);
        // Survives reopening, so the server can replay what was missed.
        let last_seq = Rc::new(Cell::new(0i64));
        let last_seq = SendWrapper::new(last_seq);
        Effect::new(move |_| {
            // A reopened link follows a gap: the page reloads once it is up.
            let reopening = attempt.get() > 0;
            let Some(product) = product_id.get() else {
                return;
            };
            let link = open(
                &product,
                reopening,
                (*last_seq).clone(),
                set_state,
                figures,
                set_resyncs,
                set_attempt,
            );
            if let Some(link) = link {
                let link = SendWrapper::new(link);
                on_cleanup(move || drop(link));
            }
        });
    }

    fn open(
        product: &str,
        reopening: bool,
        last_seq: Rc<Cell<i64>>,
        set_state: WriteSignal<LinkState>,
        figures: LiveFigures,
        set_resyncs: WriteSignal<u32>,
        set_attempt: WriteSignal<u32>,
    ) -> Option<Link> {
        if !product
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return None;
        }
        let mut url = format!("/api/events?product={product}");
        if last_seq.get() > 0 {
            url.push_str(&format!("&last_event_id={}", last_seq.get()));
        }
        let source = EventSource::new(&url).ok()?;
        let had_gap = Rc::new(Cell::new(reopening));

        let on_open = {
            let had_gap = had_gap.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                set_state.set(LinkState::Live);
                if had_gap.replace(false) {
                    set_resyncs.update(|n| *n += 1);
                }
            })
        };
        let on_error = {
            let had_gap = had_gap.clone();
            let source = source.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                had_gap.set(true);
                set_state.set(LinkState::Reconnecting);
                // CLOSED: the browser gave up (the server refused or went
                // away for good); open a fresh link after a pause.
                if source.ready_state() == EventSource::CLOSED {
                    set_timeout(
                        move || set_attempt.update(|n| *n += 1),
                        std::time::Duration::from_millis(RETRY_MS as u64),
                    );
                }
            })
        };
        let on_stock = {
            let last_seq = last_seq.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
                let Some(text) = event
                    .dyn_ref::<MessageEvent>()
                    .and_then(|m| m.data().as_string())
                else {
                    return;
                };
                let Ok(event) = serde_json::from_str::<StockEvent>(&text) else {
                    return;
                };
                last_seq.set(last_seq.get().max(event.seq));
                figures.update(|map| {
                    let key = (event.sku.clone(), event.location_id.clone());
                    if map.get(&key).is_none_or(|known| known.seq < event.seq) {
                        map.insert(key, event);
                    }
                });
            })
        };
        let on_resync = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            set_resyncs.update(|n| *n += 1);
        });
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        source
            .add_event_listener_with_callback("stock", on_stock.as_ref().unchecked_ref())
            .ok()?;
        source
            .add_event_listener_with_callback("resync", on_resync.as_ref().unchecked_ref())
            .ok()?;
        Some(Link {
            source,
            _handlers: vec![on_open, on_error, on_stock, on_resync],
        })
    }
}

/// Shows whether figures on screen are live. Without JavaScript there is
/// no live link: only "not live" shows. The stylesheet decides which of the
/// two badges is seen from the `js` class the page's head script puts on
/// `<html>` (`noscript` is not used: a browser with scripting switched off
/// by its automation does not show it).
#[component]
pub fn LiveBadge(state: ReadSignal<LinkState>) -> impl IntoView {
    let locale = use_locale();
    let label = move || match state.get() {
        LinkState::Connecting => td_string!(locale, live.connecting),
        LinkState::Live => td_string!(locale, live.live),
        LinkState::Reconnecting => td_string!(locale, live.reconnecting),
    };
    let kind = move || match state.get() {
        LinkState::Connecting => "connecting",
        LinkState::Live => "live",
        LinkState::Reconnecting => "reconnecting",
    };
    view! {
        <span class="live-badge" data-state=kind role="status" aria-live="polite">
            <span class="dot" aria-hidden="true"></span>
            {label}
        </span>
        <span class="live-off">{td_string!(locale, live.not_live)}</span>
    }
}
