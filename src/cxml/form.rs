//! The browser side of punchout: the cart travels back as a form field,
//! `cXML-base64` or `cXML-urlencoded`, posted by an auto-submitting page.

use base64::Engine;

use crate::xml::escape_attribute;

/// A form field: name and (decoded) value.
pub type FormField = (String, String);

/// Why a posted form holds no cart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// Neither field is present.
    #[error("the form has neither a cXML-base64 nor a cXML-urlencoded field")]
    NoCart,
    /// The base64 field does not decode.
    #[error("the cXML-base64 field is not valid base64: {0}")]
    BadBase64(String),
}

/// Decodes an `application/x-www-form-urlencoded` body into fields, in
/// order (`+` is a space; invalid escapes are kept as written).
pub fn parse_form_body(body: &[u8]) -> Vec<FormField> {
    body.split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &b""[..]),
            };
            (form_decode(name), form_decode(value))
        })
        .collect()
}

fn form_decode(bytes: &[u8]) -> String {
    let spaced: Vec<u8> = bytes
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_encoding::percent_decode(&spaced)
        .decode_utf8_lossy()
        .into_owned()
}

/// The cart document from a posted form: `cXML-base64` first (the
/// reference guide's order), else `cXML-urlencoded`; names compare
/// case-insensitively.
pub fn cart_from_form(fields: &[FormField]) -> Result<Vec<u8>, FormError> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    };
    if let Some(encoded) = field("cXML-base64") {
        let compact: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
        return base64::engine::general_purpose::STANDARD
            .decode(compact.as_bytes())
            .map_err(|e| FormError::BadBase64(e.to_string()));
    }
    field("cXML-urlencoded")
        .map(|v| v.as_bytes().to_vec())
        .ok_or(FormError::NoCart)
}

/// An HTML page whose form posts `document` to `action` as soon as it
/// loads (with a button for browsers without JavaScript).
/// `base64` chooses `cXML-base64`; otherwise `cXML-urlencoded`, for which
/// the document is made US-ASCII with character references, as receivers
/// read that field as us-ascii.
pub fn auto_submit_form(action: &str, document: &str, base64: bool) -> String {
    let (name, value) = if base64 {
        (
            "cXML-base64",
            base64::engine::general_purpose::STANDARD.encode(document.as_bytes()),
        )
    } else {
        ("cXML-urlencoded", ascii_with_references(document))
    };
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Returning your cart</title></head>\n\
         <body onload=\"document.forms[0].submit()\">\n\
         <form method=\"post\" action=\"{}\">\n\
         <input type=\"hidden\" name=\"{name}\" value=\"{}\">\n\
         <noscript><button type=\"submit\">Return the cart to your procurement system</button></noscript>\n\
         </form>\n</body></html>\n",
        escape_attribute(action),
        escape_attribute(&value)
    )
}

/// Non-ASCII characters as numeric character references (valid in XML
/// text and attribute values alike).
fn ascii_with_references(document: &str) -> String {
    let mut out = String::with_capacity(document.len());
    for c in document.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("&#{};", c as u32));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_wins_over_urlencoded_and_names_ignore_case() {
        let doc = "<cXML/>";
        let b64 = base64::engine::general_purpose::STANDARD.encode(doc);
        let fields = vec![
            ("cxml-urlencoded".to_string(), "<other/>".to_string()),
            ("CXML-BASE64".to_string(), b64),
        ];
        assert_eq!(cart_from_form(&fields).unwrap(), doc.as_bytes());
        let only_url = vec![("cXML-urlencoded".to_string(), doc.to_string())];
        assert_eq!(cart_from_form(&only_url).unwrap(), doc.as_bytes());
        assert_eq!(cart_from_form(&[]), Err(FormError::NoCart));
    }

    #[test]
    fn form_bodies_decode() {
        let fields = parse_form_body(b"a=1+2&cXML-urlencoded=%3CcXML%2F%3E&empty=&flag");
        assert_eq!(fields[0], ("a".into(), "1 2".into()));
        assert_eq!(fields[1].1, "<cXML/>");
        assert_eq!(fields[2], ("empty".into(), "".into()));
        assert_eq!(fields[3], ("flag".into(), "".into()));
    }

    #[test]
    fn urlencoded_forms_are_ascii() {
        let page = auto_submit_form("https://buyer/return?a=1&b=2", "<a>Müller \"x\"</a>", false);
        assert!(page.contains("action=\"https://buyer/return?a=1&amp;b=2\""));
        assert!(page.contains("&lt;a&gt;M&amp;#252;ller &quot;x&quot;&lt;/a&gt;"));
        assert!(page.is_ascii());
    }
}
