//! `ProfileResponse`: which requests a party serves, and where.

use super::codec::{text_element, Codec, Cx, CxmlError, Parts, XNode};
use super::values::DateTimeValue;
use crate::xml::Element;

/// `<ProfileResponse effectiveDate>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileResponse {
    /// `effectiveDate`.
    pub effective_date: DateTimeValue,
    /// `Option name` values for the whole profile.
    pub options: Vec<(String, String)>,
    /// The requests served.
    pub transactions: Vec<Transaction>,
}

/// `<Transaction requestName>`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Transaction {
    /// `requestName` (`OrderRequest`).
    pub request_name: String,
    /// `URL`.
    pub url: String,
    /// `Option`s.
    pub options: Vec<(String, String)>,
}

fn take_options(p: &mut Parts<'_, '_>) -> Vec<(String, String)> {
    p.all("Option")
        .iter()
        .map(|o| {
            (
                o.attribute("name").unwrap_or_default().to_string(),
                o.text_content(),
            )
        })
        .collect()
}

fn option_elements(options: &[(String, String)]) -> impl Iterator<Item = Element> + '_ {
    options.iter().map(|(n, v)| {
        Element::new("Option")
            .attr("name", n.clone())
            .text(v.clone())
    })
}

impl Codec for ProfileResponse {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let effective_date = DateTimeValue::read(&p.required_attr("effectiveDate", cx)?, cx);
        let options = take_options(&mut p);
        let mut transactions = Vec::new();
        for t in p.all("Transaction") {
            let mut tp = Parts::of(t);
            transactions.push(Transaction {
                request_name: tp.attr("requestName").unwrap_or_default(),
                url: tp.text_of("URL").unwrap_or_default(),
                options: take_options(&mut tp),
            });
        }
        p.rest(&[], cx);
        Ok(ProfileResponse {
            effective_date,
            options,
            transactions,
        })
    }

    fn encode(&self) -> Element {
        Element::new("ProfileResponse")
            .attr("effectiveDate", self.effective_date.to_cxml())
            .children(option_elements(&self.options))
            .children(self.transactions.iter().map(|t| {
                Element::new("Transaction")
                    .attr("requestName", t.request_name.clone())
                    .child(text_element("URL", &t.url))
                    .children(option_elements(&t.options))
            }))
    }
}
