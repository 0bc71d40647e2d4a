//! Customer 360 for associates and managers. A kiosk calling any of these
//! gets 403: customer data never reaches a kiosk. Every opening and change
//! is written to the audit log by the service, in the same request.

use crate::error::AppError;
use crate::model::customer::{
    AccessEntry, CustomerNote, CustomerProfile, CustomerSearchResults, HistoryCursor, HistoryPage,
    OrderDetail, Suggestion,
};
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use {
    super::guard::{require, state},
    crate::domain::Role,
    crate::services,
    crate::services::customers::CustomerInput,
};

/// Search as you type: a name (any order, accents ignored), an e-mail, a
/// phone in any usual form, a card number or an order reference. Contacts
/// come masked; nothing is logged (nothing personal is shown).
#[server(endpoint = "search_customers")]
pub async fn search_customers(query: String) -> Result<CustomerSearchResults, AppError> {
    require(Role::is_staff).await?;
    services::customers::search(&state()?.db, &query).await
}

/// Opens a customer's profile (logged).
#[server(endpoint = "get_customer")]
pub async fn get_customer(id: i64) -> Result<CustomerProfile, AppError> {
    let caller = require(Role::is_staff).await?;
    services::customers::profile(&state()?.db, &caller.staff()?, id).await
}

/// Older orders of the timeline, or those of one channel (logged).
#[server(endpoint = "customer_history")]
pub async fn customer_history(
    id: i64,
    channel: Option<String>,
    before: Option<HistoryCursor>,
) -> Result<HistoryPage, AppError> {
    let caller = require(Role::is_staff).await?;
    let channel = channel_of(channel.as_deref())?;
    services::customers::history(&state()?.db, &caller.staff()?, id, channel, before).await
}

/// A channel filter as the timeline's links write it (`web`, `store`,
/// `kiosk`; nothing or `all` for every channel).
#[cfg(feature = "ssr")]
fn channel_of(code: Option<&str>) -> Result<Option<crate::domain::order::Channel>, AppError> {
    use crate::domain::order::Channel;
    match code.map(str::trim) {
        None | Some("") | Some("all") => Ok(None),
        Some("web") => Ok(Some(Channel::Web)),
        Some("store") => Ok(Some(Channel::Store)),
        Some("kiosk") => Ok(Some(Channel::Kiosk)),
        Some(other) => Err(AppError::Malformed {
            detail: format!("unknown channel '{other}'"),
        }),
    }
}

/// The profile page's read-only parts, rendered on the server in the
/// person's language (`components::customer_html`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CustomerPageHtml {
    pub id: i64,
    pub erased: bool,
    pub head: String,
    pub notes: String,
    pub filters: String,
    pub orders: OrdersHtml,
    /// For managers: the latest openings of this customer's data.
    pub access: Option<String>,
}

/// A page of the timeline's orders, as HTML, and where the next starts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OrdersHtml {
    pub html: String,
    pub more: Option<HistoryCursor>,
}

/// Opens a customer's profile page (logged, with the orders shown).
#[server(endpoint = "customer_page")]
pub async fn customer_page(
    id: i64,
    channel: Option<String>,
    before: Option<HistoryCursor>,
) -> Result<CustomerPageHtml, AppError> {
    use crate::components::customer_html as html;
    let caller = require(Role::is_staff).await?;
    let (db, staff, lang) = (
        state()?.db,
        caller.staff()?,
        crate::shell::request_language(),
    );
    let code = channel.unwrap_or_default();
    let channel = channel_of(Some(&code))?;
    let profile = services::customers::profile(&db, &staff, id).await?;
    let history = if channel.is_some() || before.is_some() {
        services::customers::history(&db, &staff, id, channel, before).await?
    } else {
        profile.history.clone()
    };
    Ok(CustomerPageHtml {
        id,
        erased: profile.erased,
        notes: html::notes(profile.notes.clone(), lang),
        filters: html::history_filters(id, &code, lang),
        orders: OrdersHtml {
            html: html::orders(history.orders, lang),
            more: history.more,
        },
        access: profile
            .recent_access
            .clone()
            .map(|entries| html::access(entries, "access-heading", false, lang)),
        head: html::profile(profile, lang),
    })
}

/// Older orders for the timeline, as HTML (logged).
#[server(endpoint = "customer_orders")]
pub async fn customer_orders(
    id: i64,
    channel: Option<String>,
    before: Option<HistoryCursor>,
) -> Result<OrdersHtml, AppError> {
    let page = customer_history(id, channel, before).await?;
    Ok(OrdersHtml {
        html: crate::components::customer_html::orders(
            page.orders,
            crate::shell::request_language(),
        ),
        more: page.more,
    })
}

/// "Goes well with", as HTML.
#[server(endpoint = "customer_advice")]
pub async fn customer_advice(id: i64) -> Result<String, AppError> {
    let list = customer_suggestions(id).await?;
    Ok(crate::components::customer_html::advice(
        list,
        crate::shell::request_language(),
    ))
}

/// One order's page, as HTML (logged).
#[server(endpoint = "order_page")]
pub async fn order_page(reference: String) -> Result<String, AppError> {
    let detail = get_order(reference).await?;
    Ok(crate::components::customer_html::order(
        detail,
        crate::shell::request_language(),
    ))
}

/// The access log page's filter and table, as HTML.
#[server(endpoint = "access_log_page")]
pub async fn access_log_page(
    staff: Option<String>,
    customer: Option<i64>,
) -> Result<String, AppError> {
    let chosen = staff.clone().unwrap_or_default();
    let entries = access_log(staff, customer).await?;
    let people = shop_staff().await?;
    Ok(crate::components::customer_html::access_log(
        entries,
        people,
        chosen,
        customer,
        crate::shell::request_language(),
    ))
}

/// A customer's details as the edit form shows them (logged as an opening).
#[server(endpoint = "customer_form_values")]
pub async fn customer_form_values(id: i64) -> Result<CustomerForm, AppError> {
    use crate::domain::customer::ConsentChannel;
    let profile = get_customer(id).await?;
    let granted = |channel| {
        profile
            .consents
            .iter()
            .any(|c| c.channel == channel && c.granted)
            .then(|| "yes".to_string())
    };
    Ok(CustomerForm {
        consent_email: granted(ConsentChannel::Email),
        consent_sms: granted(ConsentChannel::Sms),
        first_name: profile.first_name,
        last_name: profile.last_name,
        email: profile.email,
        phone: profile.phone,
        street: profile.street,
        postcode: profile.postcode,
        city: profile.city,
        top_size: profile.top_size.unwrap_or_default(),
        bottom_size: profile.bottom_size.unwrap_or_default(),
        preferences: profile.preferences,
    })
}

/// One order: lines, events, and each line's stock here (logged).
#[server(endpoint = "get_order")]
pub async fn get_order(reference: String) -> Result<OrderDetail, AppError> {
    let caller = require(Role::is_staff).await?;
    services::customers::order_detail(&state()?.db, &caller.staff()?, &reference).await
}

/// "Goes well with" for a customer, with stock in the caller's shop.
#[server(endpoint = "customer_suggestions")]
pub async fn customer_suggestions(id: i64) -> Result<Vec<Suggestion>, AppError> {
    let caller = require(Role::is_staff).await?;
    services::advice::suggestions(&state()?.db, id, &caller.location()?).await
}

#[server(endpoint = "add_customer_note")]
pub async fn add_customer_note(id: i64, body: String) -> Result<CustomerNote, AppError> {
    let caller = require(Role::is_staff).await?;
    services::customers::add_note(&state()?.db, &caller.staff()?, id, &body).await
}

/// The counter's form for a customer: new, or changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CustomerForm {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub street: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub top_size: String,
    #[serde(default)]
    pub bottom_size: String,
    #[serde(default)]
    pub preferences: String,
    /// A ticked box sends a value; an unticked one sends nothing.
    #[serde(default)]
    pub consent_email: Option<String>,
    #[serde(default)]
    pub consent_sms: Option<String>,
}

#[cfg(feature = "ssr")]
impl CustomerForm {
    fn input(&self) -> CustomerInput {
        CustomerInput {
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            street: self.street.clone(),
            postcode: self.postcode.clone(),
            city: self.city.clone(),
            top_size: Some(self.top_size.clone()),
            bottom_size: Some(self.bottom_size.clone()),
            preferences: self.preferences.clone(),
            consent_email: self.consent_email.is_some(),
            consent_sms: self.consent_sms.is_some(),
        }
    }
}

/// Creates a customer and opens their profile. The form's `request_key`
/// makes a double tap or a resend create one customer.
#[server(endpoint = "create_customer")]
pub async fn create_customer(
    form: CustomerForm,
    request_key: Option<String>,
) -> Result<i64, AppError> {
    use services::request_keys::RequestKey;
    let caller = require(Role::is_staff).await?;
    let once = match request_key.as_deref().filter(|k| !k.trim().is_empty()) {
        None => None,
        Some(key) => {
            let owner = format!("staff:{}", caller.user.username);
            let what = serde_json::to_string(&form).unwrap_or_default();
            Some(RequestKey::new(&owner, key, &what)?.from_a_form())
        }
    };
    let id =
        services::customers::create(&state()?.db, &caller.staff()?, &form.input(), once.as_ref())
            .await?;
    leptos_axum::redirect(&format!("/customers/{id}"));
    Ok(id)
}

/// Changes a customer's details and consents, then shows the profile.
#[server(endpoint = "update_customer")]
pub async fn update_customer(id: i64, form: CustomerForm) -> Result<i64, AppError> {
    let caller = require(Role::is_staff).await?;
    services::customers::update(&state()?.db, &caller.staff()?, id, &form.input()).await?;
    leptos_axum::redirect(&format!("/customers/{id}"));
    Ok(id)
}

/// Erases a customer (right to erasure), once confirmed. Managers only.
#[server(endpoint = "erase_customer")]
pub async fn erase_customer(id: i64, confirm: Option<String>) -> Result<(), AppError> {
    let caller = require(|role| role == Role::Manager).await?;
    if confirm.as_deref() != Some("yes") {
        return Err(AppError::ErasureNotConfirmed);
    }
    services::customers::erase(&state()?.db, &caller.staff()?, id).await?;
    leptos_axum::redirect(&format!("/customers/{id}"));
    Ok(())
}

/// Who looked at which customer from the manager's shop.
#[server(endpoint = "access_log")]
pub async fn access_log(
    staff: Option<String>,
    customer: Option<i64>,
) -> Result<Vec<AccessEntry>, AppError> {
    use services::audit::AccessFilter;
    let caller = require(|role| role == Role::Manager).await?;
    let filter = AccessFilter {
        staff: staff.filter(|s| !s.trim().is_empty()),
        customer_id: customer,
    };
    services::audit::access_log(&state()?.db, &caller.location()?, &filter).await
}

/// The members of staff of the manager's shop (for the access log's filter).
#[server(endpoint = "shop_staff")]
pub async fn shop_staff() -> Result<Vec<(String, String)>, AppError> {
    let caller = require(|role| role == Role::Manager).await?;
    services::auth::staff_of_location(&state()?.db, &caller.location()?).await
}
