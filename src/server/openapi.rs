//! The OpenAPI document served at `/openapi.json`. It is a data file
//! (`openapi.json` beside this one) so that it reads as what clients see;
//! a test checks that it names every route the router has.

use axum::http::header;
use axum::response::IntoResponse;

/// The document's text.
pub const DOCUMENT: &str = include_str!("openapi.json");

pub(crate) async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT)
}
