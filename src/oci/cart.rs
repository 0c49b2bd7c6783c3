//! The OCI cart: `NEW_ITEM-<FIELD>[n]` fields, read into items and written
//! back as fields or as an auto-submitting form to the HOOK_URL.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::xml::escape_attribute;

/// One cart line. Money is a decimal with its currency; quantities are
/// decimals (OCI writes a decimal point, never a comma).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct OciItem {
    /// `DESCRIPTION` (40).
    pub description: String,
    /// `MATNR`: the buyer's material number.
    pub matnr: Option<String>,
    /// `QUANTITY`.
    pub quantity: Decimal,
    /// `UNIT` (ISO code, e.g. PCE).
    pub unit: String,
    /// `PRICE`, per `PRICEUNIT`.
    pub price: Option<Decimal>,
    /// `PRICEUNIT` (empty means 1).
    pub price_unit: Option<Decimal>,
    /// `CURRENCY`.
    pub currency: Option<String>,
    /// `LEADTIME` in days.
    pub lead_time: Option<u32>,
    /// `VENDOR`.
    pub vendor: Option<String>,
    /// `VENDORMAT`: the supplier's part number.
    pub vendor_material: Option<String>,
    /// `MANUFACTCODE`.
    pub manufacturer_code: Option<String>,
    /// `MANUFACTMAT`.
    pub manufacturer_material: Option<String>,
    /// `MATGROUP`.
    pub material_group: Option<String>,
    /// `CONTRACT`.
    pub contract: Option<String>,
    /// `CONTRACT_ITEM`.
    pub contract_item: Option<String>,
    /// `EXT_QUOTE_ID`.
    pub ext_quote_id: Option<String>,
    /// `EXT_QUOTE_ITEM`.
    pub ext_quote_item: Option<String>,
    /// `EXT_PRODUCT_ID`: the catalog's key for later calls.
    pub ext_product_id: Option<String>,
    /// `LONGTEXT_n:132[]`.
    pub long_text: Option<String>,
    /// `ATTACHMENT`, `ATTACHMENT_TITLE`, `ATTACHMENT_PURPOSE`.
    pub attachment: Option<(String, String, String)>,
    /// `CUST_FIELD1` to `CUST_FIELD5`.
    pub custom: [Option<String>; 5],
    /// `PARENT_ID` and `ITEM_TYPE` (bundles).
    pub parent_id: Option<String>,
    /// `ITEM_TYPE` (`R` bundle, `O` item).
    pub item_type: Option<String>,
    /// Every other field of this line (vendor extensions, OCI 5 fields),
    /// by name, kept.
    pub other: BTreeMap<String, String>,
}

/// A cart: its lines and what was noted reading it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct OciCart {
    /// The lines, by their index.
    pub items: Vec<OciItem>,
    /// Fields that are not NEW_ITEM fields (kept, e.g. `~OkCode`).
    pub other_fields: Vec<(String, String)>,
    /// Notes: vendor-specific fields, lenient reads.
    pub warnings: Vec<String>,
}

/// Why a cart cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OciError {
    /// A field value that must be a number is not.
    #[error("{field}: {value:?} is not a number")]
    NotANumber { field: String, value: String },
    /// A line without a quantity.
    #[error("line {0} has no NEW_ITEM-QUANTITY")]
    NoQuantity(usize),
    /// A line without a description or material number.
    #[error("line {0} has neither NEW_ITEM-DESCRIPTION nor NEW_ITEM-MATNR")]
    NoDescription(usize),
    /// A field name that names no line.
    #[error("{0}: the field names no line index")]
    NoIndex(String),
    /// Missing HOOK_URL in an entry call.
    #[error("the entry call has no HOOK_URL")]
    NoHookUrl,
}

/// The standard fields edigate reads into [`OciItem`]; others stay in
/// `other` with a warning.
const KNOWN: &[&str] = &[
    "DESCRIPTION",
    "MATNR",
    "QUANTITY",
    "UNIT",
    "PRICE",
    "PRICEUNIT",
    "CURRENCY",
    "LEADTIME",
    "VENDOR",
    "VENDORMAT",
    "MANUFACTCODE",
    "MANUFACTMAT",
    "MATGROUP",
    "CONTRACT",
    "CONTRACT_ITEM",
    "EXT_QUOTE_ID",
    "EXT_QUOTE_ITEM",
    "EXT_PRODUCT_ID",
    "ATTACHMENT",
    "ATTACHMENT_TITLE",
    "ATTACHMENT_PURPOSE",
    "CUST_FIELD1",
    "CUST_FIELD2",
    "CUST_FIELD3",
    "CUST_FIELD4",
    "CUST_FIELD5",
    "PARENT_ID",
    "ITEM_TYPE",
];

/// Standard OCI fields edigate keeps without reading them.
const STANDARD_KEPT: &[&str] = &[
    "SERVICE",
    "EXT_SCHEMA_TYPE",
    "EXT_CATEGORY_ID",
    "EXT_CATEGORY",
    "SLD_SYS_NAME",
];

/// Reads a cart from form fields.
pub fn parse_cart(fields: &[(String, String)]) -> Result<OciCart, OciError> {
    let mut lines: BTreeMap<usize, OciItem> = BTreeMap::new();
    let mut quantities_seen: BTreeMap<usize, bool> = BTreeMap::new();
    let mut cart = OciCart::default();
    for (name, value) in fields {
        let Some(rest) = name.strip_prefix("NEW_ITEM-") else {
            cart.other_fields.push((name.clone(), value.clone()));
            continue;
        };
        let (field, index) =
            field_and_index(rest).ok_or_else(|| OciError::NoIndex(name.clone()))?;
        let item = lines.entry(index).or_default();
        if field == "QUANTITY" {
            quantities_seen.insert(index, true);
        }
        set_field(item, &field, value, name, &mut cart.warnings)?;
    }
    for (index, item) in &lines {
        if !quantities_seen.contains_key(index) {
            return Err(OciError::NoQuantity(*index));
        }
        if item.description.is_empty() && item.matnr.is_none() {
            return Err(OciError::NoDescription(*index));
        }
    }
    cart.items = lines.into_values().collect();
    Ok(cart)
}

/// `DESCRIPTION[3]` → (`DESCRIPTION`, 3); `LONGTEXT_3:132[]` → (`LONGTEXT`, 3).
fn field_and_index(rest: &str) -> Option<(String, usize)> {
    if let Some(long) = rest.strip_prefix("LONGTEXT_") {
        let index = long.split(':').next()?.parse().ok()?;
        return Some(("LONGTEXT".into(), index));
    }
    let open = rest.find('[')?;
    let index = rest[open + 1..].strip_suffix(']')?.trim().parse().ok()?;
    Some((rest[..open].to_string(), index))
}

fn number(
    value: &str,
    name: &str,
    warnings: &mut Vec<String>,
) -> Result<Option<Decimal>, OciError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if let Ok(d) = Decimal::from_str(v) {
        return Ok(Some(d.normalize()));
    }
    // Some catalogs write a decimal comma despite the spec.
    if v.matches(',').count() == 1 && !v.contains('.') {
        if let Ok(d) = Decimal::from_str(&v.replace(',', ".")) {
            warnings.push(format!(
                "{name}: {v:?} uses a decimal comma; OCI wants a point"
            ));
            return Ok(Some(d.normalize()));
        }
    }
    Err(OciError::NotANumber {
        field: name.to_string(),
        value: value.to_string(),
    })
}

fn set_field(
    item: &mut OciItem,
    field: &str,
    value: &str,
    name: &str,
    warnings: &mut Vec<String>,
) -> Result<(), OciError> {
    let text = || (!value.is_empty()).then(|| value.to_string());
    match field {
        "DESCRIPTION" => item.description = value.to_string(),
        "MATNR" => item.matnr = text(),
        "QUANTITY" => item.quantity = number(value, name, warnings)?.unwrap_or_default(),
        "UNIT" => item.unit = value.to_string(),
        "PRICE" => item.price = number(value, name, warnings)?,
        "PRICEUNIT" => item.price_unit = number(value, name, warnings)?,
        "CURRENCY" => item.currency = text(),
        "LEADTIME" => {
            item.lead_time = number(value, name, warnings)?
                .and_then(|d| u32::try_from(d.trunc().mantissa()).ok())
        }
        "VENDOR" => item.vendor = text(),
        "VENDORMAT" => item.vendor_material = text(),
        "MANUFACTCODE" => item.manufacturer_code = text(),
        "MANUFACTMAT" => item.manufacturer_material = text(),
        "MATGROUP" => item.material_group = text(),
        "CONTRACT" => item.contract = text(),
        "CONTRACT_ITEM" => item.contract_item = text(),
        "EXT_QUOTE_ID" => item.ext_quote_id = text(),
        "EXT_QUOTE_ITEM" => item.ext_quote_item = text(),
        "EXT_PRODUCT_ID" => item.ext_product_id = text(),
        "LONGTEXT" => {
            // Long text may come in several 132-character fields.
            let joined = item.long_text.take().unwrap_or_default() + value;
            item.long_text = (!joined.is_empty()).then_some(joined);
        }
        "ATTACHMENT" | "ATTACHMENT_TITLE" | "ATTACHMENT_PURPOSE" => {
            let (url, title, purpose) = item.attachment.get_or_insert_with(Default::default);
            match field {
                "ATTACHMENT" => *url = value.to_string(),
                "ATTACHMENT_TITLE" => *title = value.to_string(),
                _ => *purpose = value.to_string(),
            }
        }
        "PARENT_ID" => item.parent_id = text(),
        "ITEM_TYPE" => item.item_type = text(),
        custom if custom.starts_with("CUST_FIELD") && KNOWN.contains(&custom) => {
            let n: usize = custom["CUST_FIELD".len()..].parse().unwrap_or(1);
            item.custom[n - 1] = text();
        }
        other => {
            if !STANDARD_KEPT.contains(&other) {
                warnings.push(format!("{name}: not a standard OCI field; kept"));
            }
            item.other.insert(other.to_string(), value.to_string());
        }
    }
    Ok(())
}

/// The cart as `NEW_ITEM-*` fields, lines numbered from 1.
pub fn cart_fields(items: &[OciItem]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let n = i + 1;
        let mut push = |field: &str, value: Option<String>| {
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                out.push((format!("NEW_ITEM-{field}[{n}]"), v));
            }
        };
        push("DESCRIPTION", Some(item.description.clone()));
        push("MATNR", item.matnr.clone());
        push("QUANTITY", Some(item.quantity.normalize().to_string()));
        push("UNIT", Some(item.unit.clone()));
        push("PRICE", item.price.map(|p| p.to_string()));
        push("PRICEUNIT", item.price_unit.map(|p| p.to_string()));
        push("CURRENCY", item.currency.clone());
        push("LEADTIME", item.lead_time.map(|l| l.to_string()));
        push("VENDOR", item.vendor.clone());
        push("VENDORMAT", item.vendor_material.clone());
        push("MANUFACTCODE", item.manufacturer_code.clone());
        push("MANUFACTMAT", item.manufacturer_material.clone());
        push("MATGROUP", item.material_group.clone());
        push("CONTRACT", item.contract.clone());
        push("CONTRACT_ITEM", item.contract_item.clone());
        push("EXT_QUOTE_ID", item.ext_quote_id.clone());
        push("EXT_QUOTE_ITEM", item.ext_quote_item.clone());
        push("EXT_PRODUCT_ID", item.ext_product_id.clone());
        if let Some((url, title, purpose)) = &item.attachment {
            push("ATTACHMENT", Some(url.clone()));
            push("ATTACHMENT_TITLE", Some(title.clone()));
            push("ATTACHMENT_PURPOSE", Some(purpose.clone()));
        }
        for (k, value) in item.custom.iter().enumerate() {
            push(&format!("CUST_FIELD{}", k + 1), value.clone());
        }
        push("PARENT_ID", item.parent_id.clone());
        push("ITEM_TYPE", item.item_type.clone());
        // Other fields go back as they came, empty ones included.
        for (field, value) in &item.other {
            out.push((format!("NEW_ITEM-{field}[{n}]"), value.clone()));
        }
        if let Some(text) = &item.long_text {
            out.push((format!("NEW_ITEM-LONGTEXT_{n}:132[]"), text.clone()));
        }
    }
    out
}

/// An HTML page that posts the cart to `hook_url` as soon as it loads, in
/// frame `target` (OCI's `~TARGET`, `_top` by default).
pub fn cart_form(hook_url: &str, items: &[OciItem], target: Option<&str>) -> String {
    let mut inputs = String::new();
    for (name, value) in cart_fields(items) {
        inputs.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
            escape_attribute(&name),
            escape_attribute(&value)
        ));
    }
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Returning your cart</title></head>\n\
         <body onload=\"document.forms[0].submit()\">\n\
         <form method=\"post\" action=\"{}\" target=\"{}\">\n{inputs}\
         <noscript><button type=\"submit\">Return the cart to your procurement system</button></noscript>\n\
         </form>\n</body></html>\n",
        escape_attribute(hook_url),
        escape_attribute(target.unwrap_or("_top")),
    )
}

/// The published field lengths of the standard fields (OCI 4.0/5.0).
const LENGTHS: &[(&str, usize)] = &[
    ("DESCRIPTION", 40),
    ("MATNR", 40),
    ("UNIT", 3),
    ("CURRENCY", 5),
    ("VENDOR", 10),
    ("VENDORMAT", 40),
    ("MANUFACTCODE", 10),
    ("MANUFACTMAT", 40),
    ("MATGROUP", 10),
    ("CONTRACT", 10),
    ("CONTRACT_ITEM", 5),
    ("EXT_QUOTE_ID", 35),
    ("EXT_QUOTE_ITEM", 10),
    ("EXT_PRODUCT_ID", 40),
];

/// What makes a cart unusable for the receiving system (errors: missing
/// units, prices without currency, negative quantities) and what it will
/// likely cut (warnings: values longer than their SAP field).
pub fn check_cart(items: &[OciItem]) -> (Vec<String>, Vec<String>) {
    let mut out = Vec::new();
    let mut long = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let n = i + 1;
        if item.unit.trim().is_empty() {
            out.push(format!("line {n}: NEW_ITEM-UNIT is empty"));
        }
        if item.price.is_some() && item.currency.is_none() {
            out.push(format!("line {n}: a price without NEW_ITEM-CURRENCY"));
        }
        if item.quantity.is_sign_negative() {
            out.push(format!("line {n}: the quantity is negative"));
        }
        for (name, value) in cart_fields(std::slice::from_ref(item)) {
            let field = name
                .trim_start_matches("NEW_ITEM-")
                .split('[')
                .next()
                .unwrap_or_default();
            if let Some((_, max)) = LENGTHS.iter().find(|(f, _)| *f == field) {
                if value.chars().count() > *max {
                    long.push(format!(
                        "line {n}: NEW_ITEM-{field} is {} characters; SAP's field holds {max} and cuts the rest",
                        value.chars().count()
                    ));
                }
            }
        }
    }
    (out, long)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn a_cart_reads_and_writes_back() {
        let input = fields(&[
            ("NEW_ITEM-DESCRIPTION[1]", "Schraube M6"),
            ("NEW_ITEM-QUANTITY[1]", "500"),
            ("NEW_ITEM-UNIT[1]", "PCE"),
            ("NEW_ITEM-PRICE[1]", "00000012.000"),
            ("NEW_ITEM-PRICEUNIT[1]", "100"),
            ("NEW_ITEM-CURRENCY[1]", "EUR"),
            ("NEW_ITEM-LONGTEXT_1:132[]", "verzinkt"),
            ("NEW_ITEM-CUST_FIELD3[1]", "X"),
            ("NEW_ITEM-TAX_CODE[1]", "V19"),
            ("~OkCode", "ADDI"),
        ]);
        let cart = parse_cart(&input).unwrap();
        let item = &cart.items[0];
        assert_eq!(item.price, Some(Decimal::new(12, 0)));
        assert_eq!(item.price_unit, Some(Decimal::new(100, 0)));
        assert_eq!(item.custom[2].as_deref(), Some("X"));
        assert_eq!(item.other["TAX_CODE"], "V19");
        assert_eq!(cart.warnings.len(), 1);
        assert_eq!(cart.other_fields, fields(&[("~OkCode", "ADDI")]));
        let again = parse_cart(&cart_fields(&cart.items)).unwrap();
        assert_eq!(again.items, cart.items);
    }

    #[test]
    fn bad_carts_say_what_is_wrong() {
        let no_qty = fields(&[("NEW_ITEM-DESCRIPTION[1]", "x")]);
        assert_eq!(parse_cart(&no_qty), Err(OciError::NoQuantity(1)));
        let bad = fields(&[
            ("NEW_ITEM-DESCRIPTION[1]", "x"),
            ("NEW_ITEM-QUANTITY[1]", "two"),
        ]);
        assert!(matches!(parse_cart(&bad), Err(OciError::NotANumber { .. })));
        let comma = fields(&[
            ("NEW_ITEM-DESCRIPTION[1]", "x"),
            ("NEW_ITEM-QUANTITY[1]", "1,5"),
        ]);
        let cart = parse_cart(&comma).unwrap();
        assert_eq!(cart.items[0].quantity, Decimal::new(15, 1));
        assert!(cart.warnings[0].contains("decimal comma"));
    }
}
