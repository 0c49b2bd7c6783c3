//! Building blocks shared by the messages: extrinsics, addresses, contacts,
//! item identification and detail, accounting distribution.

use rust_decimal::Decimal;

use super::codec::{
    in_dtd_order, text_element, Codec, Cx, CxmlError, Extended, Extensions, Parts, XNode,
};
use super::values::{decimal, money_in, Money};
use crate::xml::Element;

/// `<Extrinsic name="…">`: a named value the partners agreed on; may nest.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Extrinsic {
    /// The name (`UserEmail`, `CostCenter`).
    pub name: String,
    /// The text value (empty when the content is nested elements).
    pub value: String,
    /// Nested extrinsics, in order.
    pub nested: Vec<Extrinsic>,
    /// Other nested elements, kept as received.
    pub other: Extensions,
}

impl Codec for Extrinsic {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let name = p.required_attr("name", cx)?;
        let value = p.text();
        let nested = p.decode_all("Extrinsic", cx)?;
        let other = p.rest(&[], &mut Cx::default());
        Ok(Extrinsic {
            name,
            value,
            nested,
            other,
        })
    }

    fn encode(&self) -> Element {
        Element::new("Extrinsic")
            .attr("name", self.name.clone())
            .text(self.value.clone())
            .children(self.nested.iter().map(Codec::encode))
            .extended(&self.other)
    }
}

/// Finds an extrinsic by name (case-insensitive), depth first.
pub fn extrinsic<'a>(list: &'a [Extrinsic], name: &str) -> Option<&'a Extrinsic> {
    list.iter().find_map(|e| {
        if e.name.eq_ignore_ascii_case(name) {
            Some(e)
        } else {
            extrinsic(&e.nested, name)
        }
    })
}

/// `<PostalAddress>`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PostalAddress {
    /// The `name` attribute.
    pub name: Option<String>,
    /// `DeliverTo` lines.
    pub deliver_to: Vec<String>,
    /// `Street` lines.
    pub street: Vec<String>,
    /// `City`.
    pub city: String,
    /// `State`.
    pub state: Option<String>,
    /// `PostalCode`.
    pub postal_code: Option<String>,
    /// `Country@isoCountryCode`.
    pub country_code: String,
    /// `Country` text.
    pub country: String,
    /// Elements not modelled, kept.
    pub extensions: Extensions,
}

const POSTAL_ADDRESS: &[&str] = &[
    "DeliverTo",
    "Street",
    "City",
    "Municipality",
    "State",
    "PostalCode",
    "Country",
    "Extrinsic",
];

impl Codec for PostalAddress {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let name = p.attr("name");
        let deliver_to = p.all("DeliverTo").iter().map(XNode::text_content).collect();
        let street = p.all("Street").iter().map(XNode::text_content).collect();
        let city = p.text_of("City").unwrap_or_default();
        let state = p.text_of("State");
        let postal_code = p.text_of("PostalCode");
        let (country_code, country) = match p.one("Country") {
            Some(c) => (
                c.attribute("isoCountryCode")
                    .unwrap_or_default()
                    .to_string(),
                c.text_content(),
            ),
            None => return Err(cx.error("the element Country is required")),
        };
        Ok(PostalAddress {
            name,
            deliver_to,
            street,
            city,
            state,
            postal_code,
            country_code,
            country,
            extensions: p.rest(POSTAL_ADDRESS, cx),
        })
    }

    fn encode(&self) -> Element {
        let e = Element::new("PostalAddress")
            .attr_opt("name", self.name.as_ref())
            .children(self.deliver_to.iter().map(|d| text_element("DeliverTo", d)))
            .children(self.street.iter().map(|s| text_element("Street", s)))
            .child(text_element("City", &self.city))
            .child_opt(self.state.as_ref().map(|s| text_element("State", s)))
            .child_opt(
                self.postal_code
                    .as_ref()
                    .map(|s| text_element("PostalCode", s)),
            )
            .child(
                Element::new("Country")
                    .attr("isoCountryCode", self.country_code.clone())
                    .text(self.country.clone()),
            )
            .extended(&self.extensions);
        in_dtd_order(e, POSTAL_ADDRESS)
    }
}

/// `<Address>`: a named location, as inside `ShipTo` and `BillTo`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Address {
    /// `addressID`.
    pub address_id: Option<String>,
    /// `addressIDDomain`.
    pub address_id_domain: Option<String>,
    /// `isoCountryCode`.
    pub iso_country_code: Option<String>,
    /// `Name` text.
    pub name: String,
    /// `PostalAddress`.
    pub postal: Option<PostalAddress>,
    /// `Email`.
    pub email: Option<String>,
    /// Elements not modelled (Phone, Fax, URL), kept.
    pub extensions: Extensions,
}

const ADDRESS: &[&str] = &["Name", "PostalAddress", "Email", "Phone", "Fax", "URL"];

impl Codec for Address {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        Ok(Address {
            address_id: p.attr("addressID"),
            address_id_domain: p.attr("addressIDDomain"),
            iso_country_code: p.attr("isoCountryCode"),
            name: p.text_of("Name").unwrap_or_default(),
            postal: p.decode_one("PostalAddress", cx)?,
            email: p.text_of("Email"),
            extensions: p.rest(ADDRESS, cx),
        })
    }

    fn encode(&self) -> Element {
        let e = Element::new("Address")
            .attr_opt("isoCountryCode", self.iso_country_code.as_ref())
            .attr_opt("addressID", self.address_id.as_ref())
            .attr_opt("addressIDDomain", self.address_id_domain.as_ref())
            .child(
                Element::new("Name")
                    .attr("xml:lang", "en")
                    .text(self.name.clone()),
            )
            .child_opt(self.postal.as_ref().map(Codec::encode))
            .child_opt(self.email.as_ref().map(|m| text_element("Email", m)))
            .extended(&self.extensions);
        in_dtd_order(e, ADDRESS)
    }
}

/// `ShipTo` or `BillTo`: an address and what travels with it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Location {
    /// The address.
    pub address: Address,
    /// Elements not modelled (CarrierIdentifier, IdReference …), kept.
    pub extensions: Extensions,
}

const LOCATION: &[&str] = &[
    "Address",
    "CarrierIdentifier",
    "TransportInformation",
    "IdReference",
];

impl Location {
    /// Reads a `ShipTo`/`BillTo` element.
    pub fn read(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        Ok(Location {
            address: p.decode_required("Address", cx)?,
            extensions: p.rest(LOCATION, cx),
        })
    }

    /// Writes it as `name` (`ShipTo`, `BillTo`).
    pub fn write(&self, name: &'static str) -> Element {
        in_dtd_order(
            Element::new(name)
                .child(self.address.encode())
                .extended(&self.extensions),
            LOCATION,
        )
    }
}

/// Reads the optional location child `name` of `p`.
pub fn location(
    p: &mut Parts,
    name: &'static str,
    cx: &mut Cx,
) -> Result<Option<Location>, CxmlError> {
    match p.one(name) {
        Some(e) => cx.within(name, |cx| Location::read(e, cx)).map(Some),
        None => Ok(None),
    }
}

/// `<Contact>`: a person or role.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Contact {
    /// `role` (`endUser`, `buyer`, …).
    pub role: Option<String>,
    /// `Name`.
    pub name: String,
    /// `Email` addresses.
    pub emails: Vec<String>,
    /// Extrinsics.
    pub extrinsics: Vec<Extrinsic>,
    /// Elements not modelled (PostalAddress, Phone …), kept.
    pub extensions: Extensions,
}

const CONTACT: &[&str] = &[
    "Name",
    "PostalAddress",
    "Email",
    "Phone",
    "Fax",
    "URL",
    "IdReference",
    "Extrinsic",
];

impl Codec for Contact {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        Ok(Contact {
            role: p.attr("role"),
            name: p.text_of("Name").unwrap_or_default(),
            emails: p.all("Email").iter().map(XNode::text_content).collect(),
            extrinsics: p.decode_all("Extrinsic", cx)?,
            extensions: p.rest(CONTACT, cx),
        })
    }

    fn encode(&self) -> Element {
        let e = Element::new("Contact")
            .attr_opt("role", self.role.as_ref())
            .child(
                Element::new("Name")
                    .attr("xml:lang", "en")
                    .text(self.name.clone()),
            )
            .children(self.emails.iter().map(|m| text_element("Email", m)))
            .children(self.extrinsics.iter().map(Codec::encode))
            .extended(&self.extensions);
        in_dtd_order(e, CONTACT)
    }
}

/// `<ItemID>`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ItemId {
    /// `SupplierPartID`.
    pub supplier_part_id: String,
    /// `SupplierPartAuxiliaryID`: the supplier's cookie for this line,
    /// returned unchanged in edits and orders.
    pub supplier_part_auxiliary_id: Option<String>,
    /// `BuyerPartID`.
    pub buyer_part_id: Option<String>,
    /// Elements not modelled (IdReference), kept.
    pub extensions: Extensions,
}

const ITEM_ID: &[&str] = &[
    "SupplierPartID",
    "SupplierPartAuxiliaryID",
    "BuyerPartID",
    "IdReference",
];

impl Codec for ItemId {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let supplier_part_id = p
            .text_of("SupplierPartID")
            .ok_or_else(|| cx.error("the element SupplierPartID is required"))?;
        Ok(ItemId {
            supplier_part_id,
            // The auxiliary ID is the supplier's to read: kept exactly,
            // whitespace included.
            supplier_part_auxiliary_id: p
                .one("SupplierPartAuxiliaryID")
                .map(|e| e.raw_text().to_string()),
            buyer_part_id: p.text_of("BuyerPartID"),
            extensions: p.rest(ITEM_ID, cx),
        })
    }

    fn encode(&self) -> Element {
        let e = Element::new("ItemID")
            .child(text_element("SupplierPartID", &self.supplier_part_id))
            .child_opt(
                self.supplier_part_auxiliary_id
                    .as_ref()
                    .map(|a| text_element("SupplierPartAuxiliaryID", a)),
            )
            .child_opt(
                self.buyer_part_id
                    .as_ref()
                    .map(|b| text_element("BuyerPartID", b)),
            )
            .extended(&self.extensions);
        in_dtd_order(e, ITEM_ID)
    }
}

/// `<Description xml:lang="…">` with an optional `ShortName`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Description {
    /// `xml:lang`.
    pub lang: String,
    /// The text.
    pub text: String,
    /// `ShortName`.
    pub short_name: Option<String>,
}

impl Codec for Description {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let lang = p.attr("xml:lang").unwrap_or_else(|| {
            cx.warn("Description has no xml:lang; read as en");
            "en".into()
        });
        Ok(Description {
            lang,
            text: p.text(),
            short_name: p.text_of("ShortName"),
        })
    }

    fn encode(&self) -> Element {
        Element::new("Description")
            .attr("xml:lang", self.lang.clone())
            .text(self.text.clone())
            .child_opt(
                self.short_name
                    .as_ref()
                    .map(|s| text_element("ShortName", s)),
            )
    }
}

/// `<Classification domain="UNSPSC">43211503</Classification>`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Classification {
    /// The domain (`UNSPSC`, `eClass`).
    pub domain: String,
    /// The code.
    pub code: String,
}

impl Codec for Classification {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let domain = p.attr("domain").unwrap_or_default();
        if domain.is_empty() {
            cx.warn("Classification has an empty domain");
        }
        Ok(Classification {
            domain,
            code: p.text(),
        })
    }

    fn encode(&self) -> Element {
        // The DTD requires the attribute; an empty domain stays empty
        // rather than being guessed.
        let mut e = Element::new("Classification").text(self.code.clone());
        e.attributes.push(("domain".into(), self.domain.clone()));
        e
    }
}

/// `<ItemDetail>`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ItemDetail {
    /// `UnitPrice`.
    pub unit_price: Option<Money>,
    /// `Description`s (one per language).
    pub descriptions: Vec<Description>,
    /// `UnitOfMeasure` (UN/CEFACT Rec 20 code).
    pub unit_of_measure: String,
    /// `Classification`s.
    pub classifications: Vec<Classification>,
    /// `ManufacturerPartID`.
    pub manufacturer_part_id: Option<String>,
    /// `ManufacturerName`.
    pub manufacturer_name: Option<String>,
    /// `URL`.
    pub url: Option<String>,
    /// `LeadTime` in days.
    pub lead_time: Option<Decimal>,
    /// Extrinsics.
    pub extrinsics: Vec<Extrinsic>,
    /// Elements not modelled (PriceBasisQuantity, Dimension …), kept.
    pub extensions: Extensions,
}

const ITEM_DETAIL: &[&str] = &[
    "UnitPrice",
    "Description",
    "OverallLimit",
    "ExpectedLimit",
    "UnitOfMeasure",
    "PriceBasisQuantity",
    "Classification",
    "ManufacturerPartID",
    "ManufacturerName",
    "URL",
    "LeadTime",
    "Dimension",
    "ItemDetailIndustry",
    "AttachmentReference",
    "PlannedAcceptanceDays",
    "Extrinsic",
];

impl Codec for ItemDetail {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let unit_price = match p.one("UnitPrice") {
            Some(e) => Some(cx.within("UnitPrice", |cx| money_in(e, cx))?),
            None => None,
        };
        let lead_time = match p.text_of("LeadTime") {
            Some(t) => Some(decimal(&t, cx)?),
            None => None,
        };
        Ok(ItemDetail {
            unit_price,
            descriptions: p.decode_all("Description", cx)?,
            unit_of_measure: p.text_of("UnitOfMeasure").unwrap_or_default(),
            classifications: p.decode_all("Classification", cx)?,
            manufacturer_part_id: p.text_of("ManufacturerPartID"),
            manufacturer_name: p.text_of("ManufacturerName"),
            url: p.text_of("URL"),
            lead_time,
            extrinsics: p.decode_all("Extrinsic", cx)?,
            extensions: p.rest(ITEM_DETAIL, cx),
        })
    }

    fn encode(&self) -> Element {
        let e = Element::new("ItemDetail")
            .child_opt(
                self.unit_price
                    .as_ref()
                    .map(|m| Element::new("UnitPrice").child(m.encode())),
            )
            .children(self.descriptions.iter().map(Codec::encode))
            .child(text_element("UnitOfMeasure", &self.unit_of_measure))
            .children(self.classifications.iter().map(Codec::encode))
            .child_opt(
                self.manufacturer_part_id
                    .as_ref()
                    .map(|m| text_element("ManufacturerPartID", m)),
            )
            .child_opt(
                self.manufacturer_name
                    .as_ref()
                    .map(|m| text_element("ManufacturerName", m)),
            )
            .child_opt(self.url.as_ref().map(|u| text_element("URL", u)))
            .child_opt(
                self.lead_time
                    .map(|l| text_element("LeadTime", &l.to_string())),
            )
            .children(self.extrinsics.iter().map(Codec::encode))
            .extended(&self.extensions);
        in_dtd_order(e, ITEM_DETAIL)
    }
}

/// One accounting segment: cost center, GL account, project … Read from
/// `AccountingSegment id` (`Name`, `Description`) or the older
/// `Segment type id description`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct AccountingSegment {
    /// The value (`id`).
    pub id: String,
    /// What it is (`Name`, or the older `type`): `Cost Center`, `GL Account`.
    pub name: String,
    /// `Description`.
    pub description: String,
    /// Whether it came as the older `Segment` element (written back so).
    pub legacy: bool,
}

/// `<Distribution>`: how a line's cost is split over accounts.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Distribution {
    /// `Accounting@name`.
    pub accounting_name: String,
    /// The segments.
    pub segments: Vec<AccountingSegment>,
    /// `Charge`.
    pub charge: Option<Money>,
}

impl Codec for Distribution {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let mut accounting = Parts::of(
            p.one("Accounting")
                .ok_or_else(|| cx.error("the element Accounting is required"))?,
        );
        let accounting_name = accounting.attr("name").unwrap_or_default();
        let mut segments = Vec::new();
        for s in accounting.all("AccountingSegment") {
            let mut sp = Parts::of(s);
            segments.push(AccountingSegment {
                id: sp.attr("id").unwrap_or_default(),
                name: sp.text_of("Name").unwrap_or_default(),
                description: sp.text_of("Description").unwrap_or_default(),
                legacy: false,
            });
        }
        for s in accounting.all("Segment") {
            segments.push(AccountingSegment {
                id: s.attribute("id").unwrap_or_default().to_string(),
                name: s.attribute("type").unwrap_or_default().to_string(),
                description: s.attribute("description").unwrap_or_default().to_string(),
                legacy: true,
            });
        }
        let charge = match p.one("Charge") {
            Some(e) => Some(cx.within("Charge", |cx| money_in(e, cx))?),
            None => None,
        };
        Ok(Distribution {
            accounting_name,
            segments,
            charge,
        })
    }

    fn encode(&self) -> Element {
        let segments = self.segments.iter().map(|s| {
            if s.legacy {
                Element::new("Segment")
                    .attr("type", s.name.clone())
                    .attr("id", s.id.clone())
                    .attr("description", s.description.clone())
            } else {
                Element::new("AccountingSegment")
                    .attr("id", s.id.clone())
                    .child(
                        Element::new("Name")
                            .attr("xml:lang", "en")
                            .text(s.name.clone()),
                    )
                    .child(
                        Element::new("Description")
                            .attr("xml:lang", "en")
                            .text(s.description.clone()),
                    )
            }
        });
        Element::new("Distribution")
            .child(
                Element::new("Accounting")
                    .attr("name", self.accounting_name.clone())
                    .children(segments),
            )
            .child_opt(
                self.charge
                    .as_ref()
                    .map(|m| Element::new("Charge").child(m.encode())),
            )
    }
}

/// The first segment whose name contains `kind` (case-insensitive), e.g.
/// `cost center`, `gl`, `project`.
pub fn accounting_value<'a>(distributions: &'a [Distribution], kind: &str) -> Option<&'a str> {
    let kind = kind.to_ascii_lowercase();
    distributions
        .iter()
        .flat_map(|d| &d.segments)
        .find(|s| s.name.to_ascii_lowercase().contains(&kind))
        .map(|s| s.id.as_str())
}

/// `Shipping` or `Tax`: an amount, what it is for, and the rest kept.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Charge {
    /// The amount.
    pub money: Money,
    /// `Description`.
    pub description: Option<Description>,
    /// Attributes and elements not modelled (TaxDetail, tracking), kept.
    pub extensions: Extensions,
}

const CHARGE: &[&str] = &[
    "Money",
    "Description",
    "TaxDetail",
    "TaxAdjustment",
    "Modifications",
    "Extrinsic",
];

impl Charge {
    /// Reads a `Shipping` or `Tax` element.
    pub fn read(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        Ok(Charge {
            money: p.decode_required("Money", cx)?,
            description: p.decode_one("Description", cx)?,
            extensions: p.rest(CHARGE, cx),
        })
    }

    /// Writes it as `name` (`Shipping`, `Tax`).
    pub fn write(&self, name: &'static str) -> Element {
        in_dtd_order(
            Element::new(name)
                .child(self.money.encode())
                .child_opt(self.description.as_ref().map(Codec::encode))
                .extended(&self.extensions),
            CHARGE,
        )
    }
}

/// Reads the optional charge child `name` of `p`.
pub fn charge(
    p: &mut Parts<'_, '_>,
    name: &'static str,
    cx: &mut Cx,
) -> Result<Option<Charge>, CxmlError> {
    match p.one(name) {
        Some(e) => cx.within(name, |cx| Charge::read(e, cx)).map(Some),
        None => Ok(None),
    }
}

/// `Payment`: how the order is paid, here a purchasing card.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Payment {
    /// `PCard@number`.
    pub card_number: Option<String>,
    /// `PCard@expiration` (a date).
    pub expiration: Option<String>,
    /// `PCard@name`: the name on the card.
    pub name: Option<String>,
    /// What else the PCard holds (its PostalAddress), kept.
    pub card_extensions: Extensions,
    /// Other payment forms and details, kept.
    pub extensions: Extensions,
}

impl std::fmt::Debug for Payment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A card number is not for logs: its last four digits only.
        let masked = self.card_number.as_ref().map(|n| {
            let digits: Vec<char> = n.chars().collect();
            let tail: String = digits[digits.len().saturating_sub(4)..].iter().collect();
            format!("****{tail}")
        });
        f.debug_struct("Payment")
            .field("card_number", &masked)
            .field("expiration", &self.expiration)
            .field("name", &self.name)
            .finish()
    }
}

impl Codec for Payment {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let mut payment = Payment::default();
        if let Some(card) = p.one("PCard") {
            let mut c = Parts::of(card);
            payment.card_number = c.attr("number");
            payment.expiration = c.attr("expiration");
            payment.name = c.attr("name");
            payment.card_extensions = cx.within("PCard", |cx| c.rest(&["PostalAddress"], cx));
        }
        payment.extensions = p.rest(&["PCard", "PaymentToken"], cx);
        Ok(payment)
    }

    fn encode(&self) -> Element {
        let has_card =
            self.card_number.is_some() || self.name.is_some() || !self.card_extensions.is_empty();
        let card = has_card.then(|| {
            Element::new("PCard")
                .attr_opt("number", self.card_number.as_ref())
                .attr_opt("expiration", self.expiration.as_ref())
                .attr_opt("name", self.name.as_ref())
                .extended(&self.card_extensions)
        });
        Element::new("Payment")
            .child_opt(card)
            .extended(&self.extensions)
    }
}
