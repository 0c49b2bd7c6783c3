//! SAP OCI (Open Catalog Interface 4.0 / 5.0): the catalog entry call and
//! the cart return as `NEW_ITEM-*` form fields.

mod cart;
mod entry;

pub use cart::{cart_fields, cart_form, check_cart, parse_cart, OciCart, OciError, OciItem};
pub use entry::{parse_entry, EntryParameters};

/// Form fields from an HTML page: every `<input name=… value=…>`, in
/// order, attribute values unescaped (the cart return as a page).
pub fn fields_from_html(html: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<input") {
        let start = from + at;
        let end = lower[start..].find('>').map_or(html.len(), |e| start + e);
        let tag = &html[start..end];
        if let Some(name) = attribute(tag, "name") {
            fields.push((name, attribute(tag, "value").unwrap_or_default()));
        }
        from = end;
    }
    fields
}

/// An attribute of an HTML start tag, unescaped.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut search = 0;
    loop {
        let at = lower[search..].find(name)? + search;
        search = at + name.len();
        let before_ok = at > 0 && lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = tag[at + name.len()..].trim_start();
        let (Some(rest), true) = (rest.strip_prefix('='), before_ok) else {
            continue;
        };
        let rest = rest.trim_start();
        let value = match rest.chars().next()? {
            q @ ('"' | '\'') => rest[1..].split(q).next()?.to_string(),
            _ => rest
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()?
                .to_string(),
        };
        return Some(unescape_html(&value));
    }
}

fn unescape_html(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" | "#39" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_are_read_from_html() {
        let html = r#"<form><INPUT type="hidden" name="NEW_ITEM-DESCRIPTION[1]" value="A &amp; B &#252;"/>
            <input name='NEW_ITEM-QUANTITY[1]' value=2><input type=submit></form>"#;
        assert_eq!(
            fields_from_html(html),
            vec![
                ("NEW_ITEM-DESCRIPTION[1]".to_string(), "A & B ü".to_string()),
                ("NEW_ITEM-QUANTITY[1]".to_string(), "2".to_string()),
            ]
        );
    }
}
