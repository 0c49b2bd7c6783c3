//! cXML status codes, the one function that builds every Response, and
//! `StatusUpdateRequest`.

use super::codec::{in_dtd_order, Codec, Cx, CxmlError, Extended, Extensions, Parts, XNode};
use super::envelope::{Body, Envelope, ResponseContent};
use super::values::DateTimeValue;
use crate::xml::Element;

/// `<Status code text>message</Status>`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Status {
    /// The code (`200`, `401`, `406` …).
    pub code: u16,
    /// The `text` attribute (`OK`, `Unauthorized`).
    pub text: String,
    /// The element's content: a human explanation.
    pub message: String,
}

impl Status {
    /// A status with the standard text for `code` and an explanation.
    pub fn new(code: u16, message: &str) -> Self {
        Status {
            code,
            text: status_text(code).to_string(),
            message: message.to_string(),
        }
    }

    /// Whether the request succeeded (2xx).
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.code)
    }

    /// Whether the failure is transient: the client retries 5xx (with the
    /// same payloadID and timestamp), never 4xx.
    pub fn is_transient(&self) -> bool {
        retry_class(self.code) == Retry::Transient
    }
}

/// Whether to send a request again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Retry {
    /// Success: nothing to retry.
    Done,
    /// 4xx: the request itself is wrong; retrying cannot help.
    Permanent,
    /// 5xx, or no readable cXML answer at all: try again later.
    Transient,
}

/// How a client treats `code`. Unknown codes count by class, as the
/// reference guide says (a new 4xx is permanent).
pub fn retry_class(code: u16) -> Retry {
    match code {
        200..=299 => Retry::Done,
        400..=499 => Retry::Permanent,
        _ => Retry::Transient,
    }
}

/// What came back from sending a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendOutcome {
    /// A cXML Response with this status code.
    Status(u16),
    /// No readable cXML answer: connection refused, timeout, an HTTP error
    /// page. The reference guide counts these as transient.
    Transport,
}

/// How a client sends a request again: only after a transient failure,
/// the same document each time (its payloadID and timestamp unchanged, so
/// the receiver can tell a resend from a new request), a bounded number of
/// times. The default follows the reference guide: ten tries an hour
/// apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// Time between attempts.
    pub interval: std::time::Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 10,
            interval: std::time::Duration::from_secs(3600),
        }
    }
}

impl RetryPolicy {
    /// After `attempts_made` attempts ending in `outcome`: how long to wait
    /// before sending the same document again, or `None` to stop (success,
    /// a permanent error, or no attempts left).
    pub fn next(&self, attempts_made: u32, outcome: SendOutcome) -> Option<std::time::Duration> {
        let transient = match outcome {
            SendOutcome::Transport => true,
            SendOutcome::Status(code) => retry_class(code) == Retry::Transient,
        };
        (transient && attempts_made < self.max_attempts).then_some(self.interval)
    }
}

/// The standard text of a status code (unknown codes by their class).
pub fn status_text(code: u16) -> &'static str {
    const TEXTS: &[(u16, &str)] = &[
        (200, "OK"),
        (201, "Accepted"),
        (204, "No Content"),
        (280, "Forwarded"),
        (281, "Forwarded"),
        (400, "Bad Request"),
        (401, "Unauthorized"),
        (402, "Payment Required"),
        (403, "Forbidden"),
        (406, "Not Acceptable"),
        (409, "Conflict"),
        (412, "Precondition Failed"),
        (417, "Expectation Failed"),
        (450, "Not Implemented"),
        (475, "Signature Required"),
        (476, "Signature Verification Failed"),
        (477, "Signature Unacceptable"),
        (500, "Internal Server Error"),
        (550, "Unable to reach cXML server"),
        (551, "Unable to forward request"),
        (560, "Temporary server error"),
    ];
    if let Some((_, text)) = TEXTS.iter().find(|(c, _)| *c == code) {
        return text;
    }
    match retry_class(code) {
        Retry::Done => "OK",
        Retry::Permanent => "Bad Request",
        Retry::Transient => "Internal Server Error",
    }
}

/// Builds the Response every endpoint sends: `status` answering the
/// document `in_reply_to` (its payloadID, when known), with `content`
/// only on success (the reference guide forbids content on errors).
pub fn response(
    status: Status,
    content: Option<ResponseContent>,
    payload_id: String,
    timestamp: DateTimeValue,
) -> Envelope {
    let content = if status.is_success() { content } else { None };
    Envelope {
        payload_id,
        timestamp,
        version: None,
        lang: Some("en-US".into()),
        header: None,
        body: Body::Response { status, content },
        extensions: Extensions::default(),
    }
}

impl Codec for Status {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let code_text = p.required_attr("code", cx)?;
        let code = code_text
            .trim()
            .parse()
            .map_err(|_| cx.error(format!("status code {code_text:?} is not a number")))?;
        let text = match p.attr("text").filter(|t| !t.is_empty()) {
            Some(t) => t,
            None => {
                cx.warn("Status has no text; read as the standard text of its code");
                status_text(code).to_string()
            }
        };
        let message = p.text();
        p.rest(&[], cx);
        Ok(Status {
            code,
            text,
            message,
        })
    }

    fn encode(&self) -> Element {
        Element::new("Status")
            .attr("code", self.code.to_string())
            .attr(
                "text",
                if self.text.is_empty() {
                    status_text(self.code).to_string()
                } else {
                    self.text.clone()
                },
            )
            .attr("xml:lang", "en-US")
            .text(self.message.clone())
    }
}

/// `<StatusUpdateRequest>`: the asynchronous outcome of an earlier request.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct StatusUpdateRequest {
    /// `DocumentReference@payloadID`: the document this is about.
    pub document_payload_id: Option<String>,
    /// `Status`.
    pub status: Status,
    /// Elements not modelled (PaymentStatus, DocumentStatus …), kept.
    pub extensions: Extensions,
}

const STATUS_UPDATE: &[&str] = &[
    "DocumentReference",
    "Status",
    "PaymentStatus",
    "SourcingStatus",
    "InvoiceStatus",
    "DocumentStatus",
    "IntegrationStatus",
    "Extrinsic",
];

impl Codec for StatusUpdateRequest {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let document_payload_id = p
            .one("DocumentReference")
            .and_then(|d| d.attribute("payloadID").map(str::to_string));
        Ok(StatusUpdateRequest {
            document_payload_id,
            status: p.decode_required("Status", cx)?,
            extensions: p.rest(STATUS_UPDATE, cx),
        })
    }

    fn encode(&self) -> Element {
        let e = Element::new("StatusUpdateRequest")
            .child_opt(
                self.document_payload_id
                    .as_ref()
                    .map(|id| Element::new("DocumentReference").attr("payloadID", id.clone())),
            )
            .child(self.status.encode())
            .extended(&self.extensions);
        in_dtd_order(e, STATUS_UPDATE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_hundreds_are_permanent_five_hundreds_transient() {
        assert_eq!(retry_class(200), Retry::Done);
        assert_eq!(retry_class(406), Retry::Permanent);
        assert_eq!(retry_class(499), Retry::Permanent);
        assert_eq!(retry_class(500), Retry::Transient);
        assert_eq!(retry_class(560), Retry::Transient);
        assert!(Status::new(503, "").is_transient());
        assert_eq!(Status::new(406, "bad").text, "Not Acceptable");
    }

    #[test]
    fn only_transient_failures_are_sent_again_and_not_forever() {
        let policy = RetryPolicy::default();
        let hour = std::time::Duration::from_secs(3600);
        assert_eq!(policy.next(1, SendOutcome::Status(200)), None);
        assert_eq!(policy.next(1, SendOutcome::Status(406)), None);
        assert_eq!(policy.next(1, SendOutcome::Status(503)), Some(hour));
        assert_eq!(policy.next(3, SendOutcome::Transport), Some(hour));
        assert_eq!(policy.next(10, SendOutcome::Status(500)), None);
    }

    #[test]
    fn error_responses_carry_no_content() {
        let content = ResponseContent::PunchOutSetup {
            start_page: "https://x".into(),
        };
        let r = response(
            Status::new(401, "who are you"),
            Some(content),
            "1@edigate".into(),
            DateTimeValue::Unreadable(String::new()),
        );
        assert!(matches!(r.body, Body::Response { content: None, .. }));
    }
}
