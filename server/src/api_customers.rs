//! `/api/v1/customers`: the web shop reads and writes customers, with the
//! validation of the counter's form. Every read and change is logged in
//! the audit log under the calling system's name.

use crate::api_v1::{ApiCaller, ApiError};
use app::error::AppError;
use app::services::customers::{self, CustomerInput};
use app::state::AppState;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

fn customer_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse()
        .map_err(|_| ApiError(AppError::UnknownCustomer { customer_id: 0 }))
}

/// `GET /customers/{id}`
pub async fn get_customer(
    ApiCaller(client): ApiCaller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = customer_id(&id)?;
    let record = customers::api_record(&state.db, &client.name, id).await?;
    Ok(Json(record).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ByEmail {
    email: Option<String>,
}

/// `GET /customers?email=...`: a list of at most one customer.
pub async fn find_customers(
    ApiCaller(client): ApiCaller,
    State(state): State<AppState>,
    Query(query): Query<ByEmail>,
) -> Result<Response, ApiError> {
    let email = query
        .email
        .filter(|e| !e.trim().is_empty())
        .ok_or(AppError::Malformed {
            detail: "give the e-mail to look for: /api/v1/customers?email=...".to_string(),
        })?;
    let found = customers::api_find_by_email(&state.db, &client.name, &email).await?;
    Ok(Json(serde_json::json!({ "customers": found })).into_response())
}

/// What the web shop sends for a customer.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerBody {
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
    pub top_size: Option<String>,
    #[serde(default)]
    pub bottom_size: Option<String>,
    #[serde(default)]
    pub preferences: String,
    #[serde(default)]
    pub consent_email: bool,
    #[serde(default)]
    pub consent_sms: bool,
}

/// `PUT /customers/{id}`: 201 when created, 200 when changed.
pub async fn put_customer(
    ApiCaller(client): ApiCaller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Result<Json<CustomerBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let id = customer_id(&id)?;
    let Json(body) = body.map_err(|rejection| AppError::Malformed {
        detail: rejection.body_text(),
    })?;
    let input = CustomerInput {
        first_name: body.first_name,
        last_name: body.last_name,
        email: body.email,
        phone: body.phone,
        street: body.street,
        postcode: body.postcode,
        city: body.city,
        top_size: body.top_size,
        bottom_size: body.bottom_size,
        preferences: body.preferences,
        consent_email: body.consent_email,
        consent_sms: body.consent_sms,
    };
    let (record, created) = customers::api_put(&state.db, &client.name, id, &input).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(record)).into_response())
}
