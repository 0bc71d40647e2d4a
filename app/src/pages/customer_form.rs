//! A customer at the counter: new, or their details and consents changed.
//! Consent boxes start unticked for a new customer. The server checks
//! every field (e-mail, phone in one form, French postcode) and refuses an
//! e-mail or phone already known, with a link to that customer. The
//! browser's own checks are off (`novalidate`): they speak the browser's
//! language, not the person's, and the server says the same in theirs.

use crate::api::customers::{CreateCustomer, CustomerForm, UpdateCustomer, customer_form_values};
use crate::components::feedback::{ErrorMessage, Loading, Loads};
use crate::components::request_key::RequestKeyField;
use crate::components::submitted::Submitted;
use crate::i18n::td_string;
use crate::loaded::load;
use crate::translate::use_locale;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn NewCustomerPage() -> impl IntoView {
    let locale = use_locale();
    let create = ServerAction::<CreateCustomer>::new();
    let outcome = create.value();
    let pending = create.pending();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(form) = form_of(&ev) {
            let request_key = Submitted::of(&ev).and_then(|form| form.text("request_key"));
            create.dispatch(CreateCustomer { form, request_key });
        }
    };
    view! {
        <Title text=td_string!(locale, customer_form.new_title).to_string()/>
        <p class="back"><a href="/customers">{td_string!(locale, customer.back)}</a></p>
        <section class="panel">
            <h1>{td_string!(locale, customer_form.new_title)}</h1>
            <form method="post" action=CreateCustomer::url() class="form customer-form" novalidate on:submit=on_submit>
                <RequestKeyField outcome/>
                <CustomerFields current=CustomerForm::default()/>
                <button type="submit" class="primary" disabled=move || pending.get()>
                    {td_string!(locale, customer_form.create)}
                </button>
            </form>
            <div aria-live="polite">
                {move || outcome.get().and_then(Result::err).map(|error| view! { <ErrorMessage error/> })}
            </div>
        </section>
    }
}

#[component]
pub fn EditCustomerPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0))
    });
    let current = load(move || id.get(), customer_form_values);
    let update = ServerAction::<UpdateCustomer>::new();
    let outcome = update.value();
    let pending = update.pending();
    view! {
        <Title text=td_string!(locale, customer_form.edit_title).to_string()/>
        <p class="back"><a href=move || format!("/customers/{}", id.get())>{td_string!(locale, customer_form.back)}</a></p>
        <section class="panel">
            <h1>{td_string!(locale, customer_form.edit_title)}</h1>
            <Transition fallback=|| view! { <Loading what=Loads::Customer/> }>
                {move || Suspend::new(async move {
                    match current.await {
                        Err(error) => view! { <ErrorMessage error/> }.into_any(),
                        Ok(current) => {
                            let customer = id.get_untracked();
                            view! {
                                <form method="post" action=UpdateCustomer::url() class="form customer-form" novalidate
                                    on:submit=move |ev| {
                                        ev.prevent_default();
                                        if let Some(form) = form_of(&ev) {
                                            update.dispatch(UpdateCustomer { id: customer, form });
                                        }
                                    }
                                >
                                    <input type="hidden" name="id" value=customer/>
                                    <CustomerFields current/>
                                    <button type="submit" class="primary" disabled=move || pending.get()>
                                        {td_string!(locale, customer_form.save)}
                                    </button>
                                </form>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
            <div aria-live="polite">
                {move || outcome.get().and_then(Result::err).map(|error| view! { <ErrorMessage error/> })}
            </div>
        </section>
    }
}

/// The fields, named as the server function reads them from a plain form
/// (`form[first_name]`), so that the form works without JavaScript.
#[component]
fn CustomerFields(current: CustomerForm) -> impl IntoView {
    let locale = use_locale();
    let text = |id: &'static str,
                label: String,
                value: String,
                kind: &'static str,
                autocomplete: &'static str,
                required: bool| {
        view! {
            <label for=id>{label}</label>
            <input id=id name=format!("form[{id}]") type=kind value=value autocomplete=autocomplete required=required/>
        }
    };
    view! {
        <div class="form-grid">
            <div>
                {text("first_name", td_string!(locale, customer_form.first_name).to_string(), current.first_name.clone(), "text", "given-name", true)}
                {text("last_name", td_string!(locale, customer_form.last_name).to_string(), current.last_name.clone(), "text", "family-name", true)}
                {text("email", td_string!(locale, customer_form.email).to_string(), current.email.clone(), "email", "email", true)}
                {text("phone", td_string!(locale, customer_form.phone).to_string(), current.phone.clone(), "tel", "tel", false)}
                <p class="hint">{td_string!(locale, customer_form.phone_hint)}</p>
            </div>
            <div>
                {text("street", td_string!(locale, customer_form.street).to_string(), current.street.clone(), "text", "street-address", false)}
                {text("postcode", td_string!(locale, customer_form.postcode).to_string(), current.postcode.clone(), "text", "postal-code", false)}
                {text("city", td_string!(locale, customer_form.city).to_string(), current.city.clone(), "text", "address-level2", false)}
                {text("top_size", td_string!(locale, customer_form.top_size).to_string(), current.top_size.clone(), "text", "off", false)}
                {text("bottom_size", td_string!(locale, customer_form.bottom_size).to_string(), current.bottom_size.clone(), "text", "off", false)}
            </div>
        </div>
        <label for="preferences">{td_string!(locale, customer_form.preferences)}</label>
        <textarea id="preferences" name="form[preferences]" rows="2" maxlength="500">{current.preferences.clone()}</textarea>
        <fieldset>
            <legend>{td_string!(locale, customer_form.consents)}</legend>
            <label class="choice">
                <input type="checkbox" name="form[consent_email]" value="yes" checked=current.consent_email.is_some()/>
                {td_string!(locale, customer_form.consent_email)}
            </label>
            <label class="choice">
                <input type="checkbox" name="form[consent_sms]" value="yes" checked=current.consent_sms.is_some()/>
                {td_string!(locale, customer_form.consent_sms)}
            </label>
        </fieldset>
    }
}

/// The form's fields as the server function takes them (names `form[...]`).
fn form_of(event: &leptos::ev::SubmitEvent) -> Option<CustomerForm> {
    let submitted = Submitted::of(event)?;
    let field = |name: &str| submitted.text(&format!("form[{name}]"));
    let text = |name: &str| field(name).unwrap_or_default();
    Some(CustomerForm {
        first_name: text("first_name"),
        last_name: text("last_name"),
        email: text("email"),
        phone: text("phone"),
        street: text("street"),
        postcode: text("postcode"),
        city: text("city"),
        top_size: text("top_size"),
        bottom_size: text("bottom_size"),
        preferences: text("preferences"),
        consent_email: field("consent_email"),
        consent_sms: field("consent_sms"),
    })
}
