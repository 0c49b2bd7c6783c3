//! Connectors: one file under `connectors/` per trading partner or system.
//! A connector says who the partner is in every syntax it speaks (X12
//! sender, EDIFACT UNB identity, cXML credential), which core company or
//! brand it stands for, how it is acknowledged, and how messages reach it.
//! The runtime reads these files at start and refuses to run with one that
//! does not load; nothing here knows how a message is parsed or delivered.

mod file;

pub use file::{load_dir, LoadError};

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What a partner is to us.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sends orders (a procurement system or a customer's EDI).
    Buyer,
    /// Receives orders and answers with acknowledgments, ship notices,
    /// invoices and inventory (a supplier or warehouse ERP).
    Supplier,
}

/// Which X12 functional acknowledgment a partner gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FunctionalAck {
    /// 997 before 005010, 999 from it on.
    #[default]
    Auto,
    /// Always a 997.
    #[serde(rename = "997")]
    Ack997,
    /// Always a 999.
    #[serde(rename = "999")]
    Ack999,
    /// No functional acknowledgment.
    None,
}

/// When a TA1 interchange acknowledgment is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ta1Policy {
    /// When ISA14 asks for one (and always when the interchange is refused).
    #[default]
    OnRequest,
    /// Never, except for a refused interchange.
    Never,
}

/// The partner's X12 identity and rules.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct X12Identity {
    /// ISA05/07 qualifier (`ZZ`, `01`, `12`).
    pub qualifier: String,
    /// ISA06/08 identifier (without padding).
    pub id: String,
    /// GS02/03 application code; the ISA id when absent.
    #[serde(default)]
    pub group_id: Option<String>,
    /// The version we write to it (`004010`).
    #[serde(default = "default_x12_version")]
    pub version: String,
    /// 997, 999, auto or none.
    #[serde(default)]
    pub ack: FunctionalAck,
    /// When a TA1 is sent.
    #[serde(default)]
    pub ta1: Ta1Policy,
}

fn default_x12_version() -> String {
    "004010".into()
}

/// The partner's EDIFACT identity and rules.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EdifactIdentity {
    /// UNB sender/recipient identification.
    pub id: String,
    /// Its code qualifier (`14` EAN, `ZZZ` mutually defined).
    #[serde(default)]
    pub qualifier: Option<String>,
    /// The directory we write to it (`D96A`).
    #[serde(default = "default_edifact_version")]
    pub version: String,
    /// Whether inbound interchanges are answered with a CONTRL.
    #[serde(default = "yes")]
    pub contrl: bool,
}

fn default_edifact_version() -> String {
    "D96A".into()
}

fn yes() -> bool {
    true
}

/// The partner's cXML credential.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CxmlIdentity {
    /// Credential domain (`NetworkID`, `DUNS`).
    pub domain: String,
    /// Credential identity.
    pub identity: String,
    /// The environment variable holding the shared secret; never the
    /// secret itself.
    pub secret_env: String,
}

/// How a buyer's procurement system punches out to us.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Punchout {
    /// Minutes a shopping session lives after its setup.
    #[serde(default = "session_minutes")]
    pub session_minutes: u32,
    /// Minutes the one-time start URL may be opened in.
    #[serde(default = "start_minutes")]
    pub start_minutes: u32,
    /// The form field the cXML cart goes back in.
    #[serde(default)]
    pub cart_field: CartField,
    /// Origins allowed to show the pages in a frame (CSP
    /// `frame-ancestors`); none: the pages may not be framed.
    #[serde(default)]
    pub frame_ancestors: Vec<String>,
    /// OCI entry: the login the procurement system sends.
    #[serde(default)]
    pub oci: Option<OciLogin>,
}

fn session_minutes() -> u32 {
    60
}

fn start_minutes() -> u32 {
    5
}

impl Default for Punchout {
    fn default() -> Punchout {
        Punchout {
            session_minutes: session_minutes(),
            start_minutes: start_minutes(),
            cart_field: CartField::default(),
            frame_ancestors: Vec::new(),
            oci: None,
        }
    }
}

/// The form field a PunchOutOrderMessage is posted in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CartField {
    /// `cXML-urlencoded` (the document as US-ASCII text).
    #[default]
    Urlencoded,
    /// `cXML-base64`.
    Base64,
}

/// The login an OCI entry call carries (`USERNAME`, `PASSWORD`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OciLogin {
    /// `USERNAME`.
    pub username: String,
    /// The environment variable holding the password; never the password.
    pub password_env: String,
    /// Our vendor number in the buyer's system (`NEW_ITEM-VENDOR`).
    #[serde(default)]
    pub vendor: Option<String>,
}

/// A partner's SFTP server and the directory we use on it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SftpEndpoint {
    /// Host name or address.
    pub host: String,
    /// Port.
    #[serde(default = "default_ssh_port")]
    pub port: u16,
    /// The user we log in as.
    pub user: String,
    /// Our private key (OpenSSH format), relative to where serve runs.
    pub key_file: PathBuf,
    /// The environment variable holding the key's passphrase, if it has one.
    #[serde(default)]
    pub key_passphrase_env: Option<String>,
    /// The server's public host key (`ssh-ed25519 AAAA…`, as in
    /// known_hosts): the connection is refused unless the server shows it.
    pub host_key: String,
    /// The remote directory: polled for files (inbound) or written to
    /// (outbound).
    pub dir: String,
    /// How often to poll, in milliseconds (inbound).
    #[serde(default = "default_poll_ms")]
    pub poll_ms: u64,
}

fn default_ssh_port() -> u16 {
    22
}

fn default_poll_ms() -> u64 {
    5000
}

/// How messages arrive from a partner.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "transport", rename_all = "snake_case", deny_unknown_fields)]
pub enum Inbound {
    /// HTTP POST of raw X12 or EDIFACT to `/edi/{connector}`, or cXML to
    /// `/cxml`.
    Http,
    /// Files dropped into a directory; each is moved to `done/` or
    /// `error/` beside it once journalled and processed.
    File {
        /// The watched directory.
        dir: PathBuf,
    },
    /// Messages consumed from a RabbitMQ queue (`AMQP_URL`), acknowledged
    /// once journalled and processed; an acknowledgment (997, CONTRL) goes
    /// to the message's `reply_to` queue when it names one.
    Amqp {
        /// The queue.
        queue: String,
        /// Messages in flight at once.
        #[serde(default = "default_prefetch")]
        prefetch: u16,
    },
    /// Files polled on the partner's SFTP server, moved to `done/` or
    /// `error/` there once journalled.
    Sftp(SftpEndpoint),
}

fn default_prefetch() -> u16 {
    16
}

/// How messages leave for a partner.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "transport", rename_all = "snake_case", deny_unknown_fields)]
pub enum Outbound {
    /// Each message written as a file into a directory (written under a
    /// temporary name, then renamed, so a reader never sees half a file).
    File {
        /// The directory.
        dir: PathBuf,
    },
    /// Each message uploaded to the partner's SFTP server.
    Sftp(SftpEndpoint),
    /// Each message published, persistent and confirmed, to a RabbitMQ
    /// queue (`AMQP_URL`), with its journal id, connector and document type
    /// as headers.
    Amqp {
        /// The queue.
        queue: String,
    },
    /// Each message posted as it is (cXML to a procurement system, with the
    /// connector's shared secret put in on the wire); delivered when the
    /// answer is a cXML Response with a 2xx status.
    Http {
        /// Where to post.
        url: String,
    },
    /// Each message's event posted as JSON to a URL, signed with
    /// HMAC-SHA256 over the timestamp and body (`Edigate-Timestamp`,
    /// `Edigate-Signature: sha256=…`) so the receiver can check it came
    /// from us and is fresh.
    Webhook {
        /// Where to post.
        url: String,
        /// The environment variable holding the signing secret.
        secret_env: String,
    },
}

/// How outbound messages are retried.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryPolicy {
    /// Attempts before the message is dead-lettered.
    #[serde(default = "default_attempts")]
    pub attempts: u32,
    /// The first wait, in milliseconds; each next one doubles.
    #[serde(default = "default_backoff_ms")]
    pub backoff_ms: u64,
}

fn default_attempts() -> u32 {
    6
}

fn default_backoff_ms() -> u64 {
    500
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: default_attempts(),
            backoff_ms: default_backoff_ms(),
        }
    }
}

/// One trading partner or system.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Connector {
    /// Its id: the file's name without `.toml`, used in URLs and the
    /// journal.
    #[serde(skip)]
    pub id: String,
    /// The file it was read from.
    #[serde(skip)]
    pub file: PathBuf,
    /// A readable name.
    pub name: String,
    /// Buyer or supplier.
    pub role: Role,
    /// The selling brand whose orders it places (buyer) or fulfils
    /// (supplier).
    pub brand: String,
    /// The market a buyer orders in.
    #[serde(default)]
    pub market: Option<String>,
    /// The core company a buyer orders for.
    #[serde(default)]
    pub company: Option<String>,
    /// X12 identity, when it speaks X12.
    #[serde(default)]
    pub x12: Option<X12Identity>,
    /// EDIFACT identity, when it speaks EDIFACT.
    #[serde(default)]
    pub edifact: Option<EdifactIdentity>,
    /// cXML credential, when it speaks cXML.
    #[serde(default)]
    pub cxml: Option<CxmlIdentity>,
    /// The syntax outbound documents are written in (`x12`, `edifact`,
    /// `cxml`); the only one it speaks when absent.
    #[serde(default)]
    pub writes: Option<Syntax>,
    /// A directory of mapping overrides laid over the shared ones.
    #[serde(default)]
    pub mappings: Option<PathBuf>,
    /// Inbound transports.
    #[serde(default)]
    pub inbound: Vec<Inbound>,
    /// Outbound transports; every outbound message goes to each.
    #[serde(default)]
    pub outbound: Vec<Outbound>,
    /// Retries of outbound messages.
    #[serde(default)]
    pub retry: RetryPolicy,
    /// Whether it receives price changes of its market as catalogues
    /// (832 / PRICAT).
    #[serde(default)]
    pub price_catalog: bool,
    /// Punchout settings of a buyer; a cXML buyer without them punches
    /// out with the defaults.
    #[serde(default)]
    pub punchout: Option<Punchout>,
}

/// A syntax a connector writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Syntax {
    /// ANSI X12.
    X12,
    /// UN/EDIFACT.
    Edifact,
    /// cXML.
    Cxml,
}

impl Connector {
    /// The syntax outbound documents are written in.
    pub fn outbound_syntax(&self) -> Option<Syntax> {
        self.writes
            .or(match (&self.x12, &self.edifact, &self.cxml) {
                (Some(_), None, None) => Some(Syntax::X12),
                (None, Some(_), None) => Some(Syntax::Edifact),
                (None, None, Some(_)) => Some(Syntax::Cxml),
                _ => None,
            })
    }

    /// Whether any of its transports needs RabbitMQ.
    pub fn uses_amqp(&self) -> bool {
        self.inbound
            .iter()
            .any(|i| matches!(i, Inbound::Amqp { .. }))
            || self
                .outbound
                .iter()
                .any(|o| matches!(o, Outbound::Amqp { .. }))
    }

    /// Whether it sends over HTTP to us.
    pub fn accepts_http(&self) -> bool {
        self.inbound.iter().any(|i| matches!(i, Inbound::Http))
    }

    /// Its punchout settings: its own, or the defaults for a buyer that
    /// speaks cXML; `None` when it cannot punch out.
    pub fn punchout(&self) -> Option<Punchout> {
        match (&self.punchout, &self.cxml, self.role) {
            (Some(p), _, Role::Buyer) => Some(p.clone()),
            (None, Some(_), Role::Buyer) => Some(Punchout::default()),
            _ => None,
        }
    }

    /// The OCI password, read from the environment now.
    pub fn oci_password(&self) -> Option<String> {
        let name = &self.punchout.as_ref()?.oci.as_ref()?.password_env;
        std::env::var(name).ok().filter(|s| !s.is_empty())
    }

    /// The shared secret of its cXML credential, read from the environment
    /// now (so a rotated secret applies without a restart).
    pub fn cxml_secret(&self) -> Option<String> {
        let name = &self.cxml.as_ref()?.secret_env;
        std::env::var(name).ok().filter(|s| !s.is_empty())
    }
}

/// Every connector, with indexes by identity.
#[derive(Clone, Debug, Default)]
pub struct Connectors {
    by_id: BTreeMap<String, Connector>,
    by_x12: BTreeMap<(String, String), String>,
    by_edifact: BTreeMap<String, String>,
    by_cxml: BTreeMap<(String, String), String>,
}

impl Connectors {
    /// The registry over loaded connectors; refuses two that claim the same
    /// identity.
    pub fn new(connectors: Vec<Connector>) -> Result<Connectors, LoadError> {
        let mut all = Connectors::default();
        for c in connectors {
            let clash = |what: String, other: &str| LoadError {
                file: c.file.clone(),
                line: 0,
                message: format!("{what} is already claimed by connector {other:?}"),
            };
            if let Some(x) = &c.x12 {
                let key = (x.qualifier.clone(), x.id.clone());
                if let Some(other) = all.by_x12.insert(key, c.id.clone()) {
                    return Err(clash(
                        format!("X12 identity {}:{}", x.qualifier, x.id),
                        &other,
                    ));
                }
            }
            if let Some(e) = &c.edifact {
                if let Some(other) = all.by_edifact.insert(e.id.clone(), c.id.clone()) {
                    return Err(clash(format!("EDIFACT identity {}", e.id), &other));
                }
            }
            if let Some(x) = &c.cxml {
                let key = (x.domain.to_ascii_lowercase(), x.identity.clone());
                if let Some(other) = all.by_cxml.insert(key, c.id.clone()) {
                    return Err(clash(
                        format!("cXML credential {}:{}", x.domain, x.identity),
                        &other,
                    ));
                }
            }
            all.by_id.insert(c.id.clone(), c);
        }
        Ok(all)
    }

    /// A connector by id.
    pub fn get(&self, id: &str) -> Option<&Connector> {
        self.by_id.get(id)
    }

    /// Every connector, by id.
    pub fn all(&self) -> impl Iterator<Item = &Connector> {
        self.by_id.values()
    }

    /// The connector whose X12 identity is `qualifier:id`.
    pub fn by_x12(&self, qualifier: &str, id: &str) -> Option<&Connector> {
        let key = (qualifier.trim().to_string(), id.trim().to_string());
        self.by_x12.get(&key).and_then(|c| self.get(c))
    }

    /// The connector whose EDIFACT UNB identity is `id`.
    pub fn by_edifact(&self, id: &str) -> Option<&Connector> {
        self.by_edifact.get(id.trim()).and_then(|c| self.get(c))
    }

    /// The connector with a cXML credential (domain compared without case,
    /// as cXML says).
    pub fn by_cxml(&self, domain: &str, identity: &str) -> Option<&Connector> {
        let key = (domain.to_ascii_lowercase(), identity.trim().to_string());
        self.by_cxml.get(&key).and_then(|c| self.get(c))
    }

    /// The suppliers of a brand.
    pub fn suppliers_of<'a>(&'a self, brand: &'a str) -> impl Iterator<Item = &'a Connector> {
        self.all()
            .filter(move |c| c.role == Role::Supplier && c.brand == brand)
    }

    /// The buyer connector that orders for a company.
    pub fn buyer_for(&self, company: &str) -> Option<&Connector> {
        self.all()
            .find(|c| c.role == Role::Buyer && c.company.as_deref() == Some(company))
    }
}
