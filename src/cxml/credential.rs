//! Checking the Sender credential of an inbound document against what the
//! connector expects.

use subtle::ConstantTimeEq;

use super::envelope::{Envelope, Secret};

/// What a connector expects of a partner's Sender credential.
#[derive(Clone)]
pub struct ExpectedCredential {
    /// `Credential@domain` (compared case-insensitively: partners send
    /// `NetworkID`, `NetworkId`, `networkid`).
    pub domain: String,
    /// `Identity`.
    pub identity: String,
    /// `SharedSecret`.
    pub shared_secret: String,
}

impl std::fmt::Debug for ExpectedCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ExpectedCredential({}:{}, <secret>)",
            self.domain, self.identity
        )
    }
}

/// The outcome of a credential check, with the status to answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CredentialCheck {
    /// The Sender is who it says.
    Accepted,
    /// 401: unknown identity or wrong secret (the message does not say
    /// which, to give a guesser nothing).
    Unauthorized(String),
    /// 400: no header or no Sender credential at all.
    Malformed(String),
}

impl CredentialCheck {
    /// The cXML status code to answer with (200, 401 or 400).
    pub fn status_code(&self) -> u16 {
        match self {
            CredentialCheck::Accepted => 200,
            CredentialCheck::Unauthorized(_) => 401,
            CredentialCheck::Malformed(_) => 400,
        }
    }
}

/// Checks the Sender credentials of `envelope` against `expected`; the
/// secrets are compared in constant time.
pub fn check_sender(envelope: &Envelope, expected: &ExpectedCredential) -> CredentialCheck {
    let Some(header) = &envelope.header else {
        return CredentialCheck::Malformed("the document has no Header".into());
    };
    if header.sender.is_empty() {
        return CredentialCheck::Malformed("the Sender has no Credential".into());
    }
    let mut matched = false;
    for credential in &header.sender {
        let same_party = credential
            .domain
            .trim()
            .eq_ignore_ascii_case(expected.domain.trim())
            && credential.identity.trim() == expected.identity.trim();
        if !same_party {
            continue;
        }
        matched = true;
        if let Some(Secret::Shared(secret)) = &credential.secret {
            let equal: bool = secret
                .trim()
                .as_bytes()
                .ct_eq(expected.shared_secret.as_bytes())
                .into();
            if equal && !expected.shared_secret.is_empty() {
                return CredentialCheck::Accepted;
            }
        }
    }
    let why = if matched {
        "the shared secret does not match"
    } else {
        "the Sender credential is not known"
    };
    CredentialCheck::Unauthorized(why.into())
}
