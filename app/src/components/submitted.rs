//! A submitted form's fields, read in the browser by name. Every form also
//! posts without JavaScript (the server reads it then); with JavaScript,
//! pages read the fields one by one rather than through the framework's
//! generic form decoder, which costs the bundle 13 KB.

/// The fields of the form a submit event came from.
pub struct Submitted {
    #[cfg(feature = "hydrate")]
    fields: web_sys::FormData,
}

impl Submitted {
    /// The form behind `event`; `None` outside a browser.
    pub fn of(event: &leptos::ev::SubmitEvent) -> Option<Self> {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let form = event
                .target()?
                .dyn_into::<web_sys::HtmlFormElement>()
                .ok()?;
            let fields = web_sys::FormData::new_with_form(&form).ok()?;
            Some(Self { fields })
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = event;
            None
        }
    }

    /// A field's text; `None` when the form has no such field (an unticked
    /// box sends nothing).
    pub fn text(&self, name: &str) -> Option<String> {
        #[cfg(feature = "hydrate")]
        {
            self.fields.get(name).as_string()
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = name;
            None
        }
    }
}
