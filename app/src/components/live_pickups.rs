//! The live link of a shop's orders to collect: each change bumps a
//! counter the queue reloads on, and a customer checking in or a new order
//! rings a short tone (the visible cue is the screen itself). The server
//! keeps nothing to replay: the queue reloads whenever the link reopens.

use super::live::LinkState;
use crate::model::pickup::{PickupChange, PickupEvent};
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct LivePickups {
    pub state: ReadSignal<LinkState>,
    /// Bumped on every change, and when the link (re)opens.
    pub changes: ReadSignal<u32>,
    /// The last change heard.
    pub last: ReadSignal<Option<PickupEvent>>,
}

/// Opens (and keeps open) the live link of the signed-in shop's pickups.
pub fn use_live_pickups() -> LivePickups {
    let (state, set_state) = signal(LinkState::Connecting);
    let (changes, set_changes) = signal(0u32);
    let (last, set_last) = signal(None::<PickupEvent>);
    #[cfg(feature = "hydrate")]
    browser::connect_while_mounted(set_state, set_changes, set_last);
    #[cfg(not(feature = "hydrate"))]
    let _ = (set_state, set_changes, set_last);
    LivePickups {
        state,
        changes,
        last,
    }
}

/// Whether a change calls for the tone.
pub fn rings(change: PickupChange) -> bool {
    matches!(change, PickupChange::New | PickupChange::CustomerWaiting)
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::*;
    use send_wrapper::SendWrapper;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::Closure;
    use web_sys::{EventSource, MessageEvent};

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
        set_state: WriteSignal<LinkState>,
        set_changes: WriteSignal<u32>,
        set_last: WriteSignal<Option<PickupEvent>>,
    ) {
        let (attempt, set_attempt) = signal(0u32);
        Effect::new(move |_| {
            attempt.track();
            if let Some(link) = open(set_state, set_changes, set_last, set_attempt) {
                let link = SendWrapper::new(link);
                on_cleanup(move || drop(link));
            }
        });
    }

    fn open(
        set_state: WriteSignal<LinkState>,
        set_changes: WriteSignal<u32>,
        set_last: WriteSignal<Option<PickupEvent>>,
        set_attempt: WriteSignal<u32>,
    ) -> Option<Link> {
        let source = EventSource::new("/api/pickups/events").ok()?;
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            set_state.set(LinkState::Live);
            set_changes.update(|n| *n += 1);
        });
        let on_error = {
            let source = source.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                set_state.set(LinkState::Reconnecting);
                if source.ready_state() == EventSource::CLOSED {
                    set_timeout(
                        move || set_attempt.update(|n| *n += 1),
                        std::time::Duration::from_millis(2000),
                    );
                }
            })
        };
        let on_pickup = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
            let Some(text) = event
                .dyn_ref::<MessageEvent>()
                .and_then(|m| m.data().as_string())
            else {
                return;
            };
            let Ok(event) = serde_json::from_str::<PickupEvent>(&text) else {
                return;
            };
            if rings(event.change) {
                tone();
            }
            set_last.set(Some(event));
            set_changes.update(|n| *n += 1);
        });
        let on_resync = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            set_changes.update(|n| *n += 1);
        });
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        source
            .add_event_listener_with_callback("pickup", on_pickup.as_ref().unchecked_ref())
            .ok()?;
        source
            .add_event_listener_with_callback("resync", on_resync.as_ref().unchecked_ref())
            .ok()?;
        Some(Link {
            source,
            _handlers: vec![on_open, on_error, on_pickup, on_resync],
        })
    }

    /// Two short notes. Silently nothing where the browser allows no sound
    /// yet (before the first touch on the page).
    fn tone() {
        let Ok(context) = web_sys::AudioContext::new() else {
            return;
        };
        let start = context.current_time();
        for (i, frequency) in [880.0_f32, 1320.0].into_iter().enumerate() {
            let (Ok(oscillator), Ok(gain)) = (context.create_oscillator(), context.create_gain())
            else {
                return;
            };
            oscillator.frequency().set_value(frequency);
            gain.gain().set_value(0.15);
            let at = start + i as f64 * 0.18;
            let _ = oscillator
                .connect_with_audio_node(&gain)
                .and_then(|_| gain.connect_with_audio_node(&context.destination()));
            let _ = oscillator.start_with_when(at);
            let _ = oscillator.stop_with_when(at + 0.15);
        }
    }
}
