//! The cXML envelope: `cXML` with its Header (From, To, Sender credentials)
//! and one Request, Response or Message.

use super::codec::{
    in_dtd_order, text_element, Codec, Cx, CxmlError, Extended, Extensions, Parts, XNode,
};
use super::fulfill::{ConfirmationRequest, ShipNoticeRequest};
use super::invoice::InvoiceDetailRequest;
use super::order::OrderRequest;
use super::profile::ProfileResponse;
use super::punchout::{PunchOutOrderMessage, PunchOutSetupRequest};
use super::status::{Status, StatusUpdateRequest};
use super::values::DateTimeValue;
use crate::xml::Element;

/// A whole cXML document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// `payloadID`: unique per document, kept on retries.
    pub payload_id: String,
    /// `timestamp`.
    pub timestamp: DateTimeValue,
    /// `version` (deprecated; the DOCTYPE carries the version).
    pub version: Option<String>,
    /// `xml:lang`.
    pub lang: Option<String>,
    /// The header (absent in a Response).
    pub header: Option<Header>,
    /// What the document carries.
    pub body: Body,
    /// Elements not modelled (`ds:Signature`), kept.
    pub extensions: Extensions,
}

/// `<Header>`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Header {
    /// `From` credentials: the logical sender.
    pub from: Vec<Credential>,
    /// `To` credentials: the logical recipient.
    pub to: Vec<Credential>,
    /// `Sender` credentials: who opened the connection (authenticates).
    pub sender: Vec<Credential>,
    /// `Sender/UserAgent`.
    pub user_agent: String,
    /// Elements not modelled (Path, OriginalDocument, Correspondent), kept.
    pub extensions: Extensions,
}

/// `<Credential domain="…">`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Credential {
    /// `domain` (`NetworkID`, `DUNS`): compared case-insensitively.
    pub domain: String,
    /// `type` (`marketplace`), if any.
    pub credential_type: Option<String>,
    /// `Identity`.
    pub identity: String,
    /// The proof of identity, if any.
    pub secret: Option<Secret>,
}

/// How a credential proves itself.
#[derive(Clone, PartialEq, Eq)]
pub enum Secret {
    /// `SharedSecret`: a password the receiver issued.
    Shared(String),
    /// `CredentialMac` (or `DigitalSignature`), kept as received.
    Other(Element),
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Secret::Shared(_) => f.write_str("Shared(<redacted>)"),
            Secret::Other(e) => write!(f, "Other(<{}>)", e.name),
        }
    }
}

/// What the envelope carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// A request, answered by a Response.
    Request {
        /// `deploymentMode` (`production`, `test`).
        deployment_mode: Option<String>,
        /// The request.
        request: Request,
    },
    /// A response: its status and, on success, its content.
    Response {
        /// `Status`.
        status: Status,
        /// The response content.
        content: Option<ResponseContent>,
    },
    /// A one-way message.
    Message {
        /// `deploymentMode`.
        deployment_mode: Option<String>,
        /// `inReplyTo`.
        in_reply_to: Option<String>,
        /// The message.
        message: MessageContent,
    },
}

/// The requests edigate reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// `PunchOutSetupRequest`.
    PunchOutSetup(Box<PunchOutSetupRequest>),
    /// `OrderRequest`.
    Order(Box<OrderRequest>),
    /// `ConfirmationRequest`.
    Confirmation(Box<ConfirmationRequest>),
    /// `ShipNoticeRequest`.
    ShipNotice(Box<ShipNoticeRequest>),
    /// `InvoiceDetailRequest`.
    InvoiceDetail(Box<InvoiceDetailRequest>),
    /// `StatusUpdateRequest`.
    StatusUpdate(Box<StatusUpdateRequest>),
    /// `ProfileRequest` (empty).
    Profile,
    /// Any other request, kept as received.
    Other(Element),
}

/// The response contents edigate reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResponseContent {
    /// `PunchOutSetupResponse` with its StartPage URL.
    PunchOutSetup {
        /// `StartPage/URL`.
        start_page: String,
    },
    /// `ProfileResponse`.
    Profile(Box<ProfileResponse>),
    /// Any other response content, kept as received.
    Other(Element),
}

/// The messages edigate reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MessageContent {
    /// `PunchOutOrderMessage`: the cart.
    PunchOutOrder(Box<PunchOutOrderMessage>),
    /// Any other message, kept as received.
    Other(Element),
}

impl Envelope {
    /// The document's kind as its element name (`OrderRequest`,
    /// `Response`, `PunchOutOrderMessage`).
    pub fn kind(&self) -> String {
        match &self.body {
            Body::Request { request, .. } => match request {
                Request::PunchOutSetup(_) => "PunchOutSetupRequest".into(),
                Request::Order(_) => "OrderRequest".into(),
                Request::Confirmation(_) => "ConfirmationRequest".into(),
                Request::ShipNotice(_) => "ShipNoticeRequest".into(),
                Request::InvoiceDetail(_) => "InvoiceDetailRequest".into(),
                Request::StatusUpdate(_) => "StatusUpdateRequest".into(),
                Request::Profile => "ProfileRequest".into(),
                Request::Other(e) => e.name.to_string(),
            },
            Body::Response { content, .. } => match content {
                Some(ResponseContent::PunchOutSetup { .. }) => "PunchOutSetupResponse".into(),
                Some(ResponseContent::Profile(_)) => "ProfileResponse".into(),
                Some(ResponseContent::Other(e)) => e.name.to_string(),
                None => "Response".into(),
            },
            Body::Message { message, .. } => match message {
                MessageContent::PunchOutOrder(_) => "PunchOutOrderMessage".into(),
                MessageContent::Other(e) => e.name.to_string(),
            },
        }
    }
}

impl Codec for Envelope {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        if element.name() != "cXML" {
            if element.name().eq_ignore_ascii_case("cxml") {
                cx.warn(format!(
                    "the root element is <{}>; cXML writes <cXML>",
                    element.name()
                ));
            } else {
                return Err(cx.error(format!(
                    "the root element is <{}>, not <cXML>",
                    element.name()
                )));
            }
        }
        let mut p = Parts::of(element);
        let payload_id = p.attr("payloadID").unwrap_or_else(|| {
            cx.warn("payloadID is missing");
            String::new()
        });
        let timestamp = match p.attr("timestamp") {
            Some(t) => DateTimeValue::read(&t, cx),
            None => {
                cx.warn("timestamp is missing");
                DateTimeValue::Unreadable(String::new())
            }
        };
        let version = p.attr("version");
        let lang = p.attr("xml:lang");
        let header = p.decode_one("Header", cx)?;
        let body = if let Some(r) = p.one("Request") {
            cx.within("Request", |cx| read_request(r, cx))?
        } else if let Some(r) = p.one("Response") {
            cx.within("Response", |cx| read_response(r, cx))?
        } else if let Some(m) = p.one("Message") {
            cx.within("Message", |cx| read_message(m, cx))?
        } else {
            return Err(cx.error("the document holds no Request, Response or Message"));
        };
        if header.is_none() && !matches!(body, Body::Response { .. }) {
            return Err(cx.error("the element Header is required"));
        }
        let one_way = matches!(body, Body::Message { .. });
        if one_way && header.as_ref().is_some_and(Header::has_secret) {
            cx.warn("a one-way message carries a secret in its Header; it is never written back");
        }
        Ok(Envelope {
            payload_id,
            timestamp,
            version,
            lang,
            header,
            body,
            extensions: p.rest(&["ds:Signature"], cx),
        })
    }

    fn encode(&self) -> Element {
        let body = match &self.body {
            Body::Request {
                deployment_mode,
                request,
            } => Element::new("Request")
                .attr_opt("deploymentMode", deployment_mode.as_ref())
                .child(write_request(request)),
            Body::Response { status, content } => Element::new("Response")
                .child(status.encode())
                .child_opt(content.as_ref().map(write_response_content)),
            Body::Message {
                deployment_mode,
                in_reply_to,
                message,
            } => Element::new("Message")
                .attr_opt("deploymentMode", deployment_mode.as_ref())
                .attr_opt("inReplyTo", in_reply_to.as_ref())
                .child(match message {
                    MessageContent::PunchOutOrder(m) => m.encode(),
                    MessageContent::Other(e) => e.clone(),
                }),
        };
        let strip_secrets = matches!(self.body, Body::Message { .. });
        Element::new("cXML")
            .attr("payloadID", self.payload_id.clone())
            .attr("timestamp", self.timestamp.to_cxml())
            .attr_opt("version", self.version.as_ref())
            .attr_opt("xml:lang", self.lang.as_ref())
            .child_opt(self.header.as_ref().map(|h| h.write(strip_secrets)))
            .child(body)
            .extended(&self.extensions)
    }
}

fn read_request(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Body, CxmlError> {
    let mut p = Parts::of(element);
    let deployment_mode = p.attr("deploymentMode");
    check_attributes(&p, &["Id"], cx);
    let Some(inner) = p.next_child() else {
        return Err(cx.error("the Request is empty"));
    };
    let name = inner.name().to_string();
    let request = cx.within_named(name.clone(), |cx| {
        Ok::<_, CxmlError>(match name.as_str() {
            "PunchOutSetupRequest" => Request::PunchOutSetup(Box::new(Codec::decode(inner, cx)?)),
            "OrderRequest" => Request::Order(Box::new(Codec::decode(inner, cx)?)),
            "ConfirmationRequest" => Request::Confirmation(Box::new(Codec::decode(inner, cx)?)),
            "ShipNoticeRequest" => Request::ShipNotice(Box::new(Codec::decode(inner, cx)?)),
            "InvoiceDetailRequest" => Request::InvoiceDetail(Box::new(Codec::decode(inner, cx)?)),
            "StatusUpdateRequest" => Request::StatusUpdate(Box::new(Codec::decode(inner, cx)?)),
            "ProfileRequest" => Request::Profile,
            _ if REQUESTS.contains(&name.as_str()) => {
                cx.warn(format!("{name} is not modelled; kept as received"));
                Request::Other(inner.to_element())
            }
            _ => {
                cx.invalid(format!("<{name}> is not a cXML request"));
                Request::Other(inner.to_element())
            }
        })
    })?;
    Ok(Body::Request {
        deployment_mode,
        request,
    })
}

fn write_request(request: &Request) -> Element {
    match request {
        Request::PunchOutSetup(r) => r.encode(),
        Request::Order(r) => r.encode(),
        Request::Confirmation(r) => r.encode(),
        Request::ShipNotice(r) => r.encode(),
        Request::InvoiceDetail(r) => r.encode(),
        Request::StatusUpdate(r) => r.encode(),
        Request::Profile => Element::new("ProfileRequest"),
        Request::Other(e) => e.clone(),
    }
}

/// Every request element the cXML DTDs define; others are not cXML.
const REQUESTS: &[&str] = &[
    "ProfileRequest",
    "OrderRequest",
    "MasterAgreementRequest",
    "PurchaseRequisitionRequest",
    "PunchOutSetupRequest",
    "ProviderSetupRequest",
    "StatusUpdateRequest",
    "GetPendingRequest",
    "SubscriptionListRequest",
    "SubscriptionContentRequest",
    "SupplierListRequest",
    "SupplierDataRequest",
    "SubscriptionStatusUpdateRequest",
    "CopyRequest",
    "CatalogUploadRequest",
    "AuthRequest",
    "DataRequest",
    "OrganizationDataRequest",
    "ConfirmationRequest",
    "ShipNoticeRequest",
    "InvoiceDetailRequest",
    "PaymentRemittanceRequest",
    "PaymentRemittanceStatusUpdateRequest",
    "ReceiptRequest",
    "ServiceEntryRequest",
    "QuoteRequest",
    "ComponentConsumptionRequest",
    "TimeCardRequest",
    "ApprovalRequest",
    "PaymentProposalRequest",
    "ProductReplenishmentRequest",
    "ProductActivityRequest",
    "SourcingRequest",
    "ControlKeysRequest",
];

/// Attributes the DTD gives an envelope element: anything else breaks it.
fn check_attributes(p: &Parts<'_, '_>, allowed: &[&str], cx: &mut Cx) {
    let unknown: Vec<String> = p
        .leftover_attributes()
        .filter(|a| !allowed.contains(a) && !a.starts_with("xmlns"))
        .map(str::to_string)
        .collect();
    for a in unknown {
        cx.invalid(format!(
            "<{}> has no attribute {a} in the cXML DTD",
            p.name()
        ));
    }
}

fn read_response(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Body, CxmlError> {
    let mut p = Parts::of(element);
    check_attributes(&p, &["Id"], cx);
    let status: Status = p.decode_required("Status", cx)?;
    let content = match p.next_child() {
        None => None,
        Some(inner) => {
            let name = inner.name().to_string();
            Some(cx.within_named(name.clone(), |cx| {
                Ok::<_, CxmlError>(match name.as_str() {
                    "PunchOutSetupResponse" => {
                        let start_page = inner
                            .first("StartPage")
                            .and_then(|s| s.first("URL"))
                            .map(|u| u.text_content())
                            .ok_or_else(|| cx.error("StartPage/URL is required"))?;
                        ResponseContent::PunchOutSetup { start_page }
                    }
                    "ProfileResponse" => {
                        ResponseContent::Profile(Box::new(Codec::decode(inner, cx)?))
                    }
                    _ => {
                        cx.warn(format!("{name} is not modelled; kept as received"));
                        ResponseContent::Other(inner.to_element())
                    }
                })
            })?)
        }
    };
    Ok(Body::Response { status, content })
}

fn write_response_content(content: &ResponseContent) -> Element {
    match content {
        ResponseContent::PunchOutSetup { start_page } => Element::new("PunchOutSetupResponse")
            .child(Element::new("StartPage").child(text_element("URL", start_page))),
        ResponseContent::Profile(p) => p.encode(),
        ResponseContent::Other(e) => e.clone(),
    }
}

fn read_message(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Body, CxmlError> {
    let mut p = Parts::of(element);
    let deployment_mode = p.attr("deploymentMode");
    let in_reply_to = p.attr("inReplyTo");
    check_attributes(&p, &["Id"], cx);
    let _status = p.one("Status");
    let Some(inner) = p.next_child() else {
        return Err(cx.error("the Message is empty"));
    };
    let name = inner.name().to_string();
    let message = cx.within_named(name.clone(), |cx| {
        Ok::<_, CxmlError>(match name.as_str() {
            "PunchOutOrderMessage" => {
                MessageContent::PunchOutOrder(Box::new(Codec::decode(inner, cx)?))
            }
            _ => {
                cx.warn(format!("{name} is not modelled; kept as received"));
                MessageContent::Other(inner.to_element())
            }
        })
    })?;
    Ok(Body::Message {
        deployment_mode,
        in_reply_to,
        message,
    })
}

const HEADER: &[&str] = &["From", "To", "Sender", "Path", "OriginalDocument"];

impl Codec for Header {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let mut credentials = |name: &'static str,
                               cx: &mut Cx|
         -> Result<(Vec<Credential>, Option<String>), CxmlError> {
            let Some(e) = p.one(name) else {
                return Err(cx.error(format!("the element {name} is required")));
            };
            cx.within(name, |cx| {
                let mut party = Parts::of(e);
                let credentials = party.decode_all("Credential", cx)?;
                let user_agent = party.text_of("UserAgent");
                Ok((credentials, user_agent))
            })
        };
        let (from, _) = credentials("From", cx)?;
        let (to, _) = credentials("To", cx)?;
        let (sender, user_agent) = credentials("Sender", cx)?;
        Ok(Header {
            from,
            to,
            sender,
            user_agent: user_agent.unwrap_or_default(),
            extensions: p.rest(HEADER, cx),
        })
    }

    fn encode(&self) -> Element {
        self.write(false)
    }
}

impl Header {
    /// Whether any credential carries a secret.
    pub fn has_secret(&self) -> bool {
        self.from
            .iter()
            .chain(&self.to)
            .chain(&self.sender)
            .any(|c| c.secret.is_some())
    }

    /// The header without secrets, as one-way messages are written.
    pub fn without_secrets(&self) -> Header {
        let strip = |list: &[Credential]| {
            list.iter()
                .map(|c| Credential {
                    secret: None,
                    ..c.clone()
                })
                .collect()
        };
        Header {
            from: strip(&self.from),
            to: strip(&self.to),
            sender: strip(&self.sender),
            ..self.clone()
        }
    }

    /// Writes the header; `strip_secrets` leaves out every secret (one-way
    /// messages travel through the user's browser).
    pub fn write(&self, strip_secrets: bool) -> Element {
        let party = |name: &'static str, list: &[Credential]| {
            Element::new(name).children(list.iter().map(|c| c.write(strip_secrets)))
        };
        let e = Element::new("Header")
            .child(party("From", &self.from))
            .child(party("To", &self.to))
            .child(party("Sender", &self.sender).child(text_element("UserAgent", &self.user_agent)))
            .extended(&self.extensions);
        in_dtd_order(e, HEADER)
    }
}

impl Codec for Credential {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let domain = p.required_attr("domain", cx)?;
        let credential_type = p.attr("type");
        let identity = p.text_of("Identity").unwrap_or_default();
        let secret = if let Some(s) = p.one("SharedSecret") {
            Some(Secret::Shared(s.text_content()))
        } else {
            p.one("CredentialMac")
                .or_else(|| p.one("DigitalSignature"))
                .map(|n| Secret::Other(n.to_element()))
        };
        Ok(Credential {
            domain,
            credential_type,
            identity,
            secret,
        })
    }

    fn encode(&self) -> Element {
        self.write(false)
    }
}

impl Credential {
    /// A credential without a secret.
    pub fn new(domain: &str, identity: &str) -> Self {
        Credential {
            domain: domain.to_string(),
            identity: identity.to_string(),
            ..Credential::default()
        }
    }

    fn write(&self, strip_secret: bool) -> Element {
        let secret = match (&self.secret, strip_secret) {
            (Some(Secret::Shared(s)), false) => Some(text_element("SharedSecret", s)),
            (Some(Secret::Other(e)), false) => Some(e.clone()),
            _ => None,
        };
        Element::new("Credential")
            .attr("domain", self.domain.clone())
            .attr_opt("type", self.credential_type.as_ref())
            .child(text_element("Identity", &self.identity))
            .child_opt(secret)
    }
}
