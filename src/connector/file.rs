//! Reading connector files: TOML with unknown keys refused, every error
//! naming the file and line, and the rules serde cannot say checked after.

use super::{Connector, Connectors, Inbound, Outbound, Role, Syntax};
use std::path::{Path, PathBuf};

/// Why a connector file does not load.
#[derive(Debug, thiserror::Error)]
#[error("{}:{line}: {message}", file.display())]
pub struct LoadError {
    /// The file.
    pub file: PathBuf,
    /// The line (1-based; 0 when the error is about the whole file).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Loads every `*.toml` under `dir` (not below it), sorted by name. A
/// missing directory holds no connectors.
pub fn load_dir(dir: &Path) -> Result<Connectors, LoadError> {
    let whole = |file: &Path, message: String| LoadError {
        file: file.to_path_buf(),
        line: 0,
        message,
    };
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(whole(dir, format!("cannot read the directory: {e}"))),
    };
    files.sort();
    let mut connectors = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).map_err(|e| whole(&path, e.to_string()))?;
        connectors.push(parse(&path, &text)?);
    }
    Connectors::new(connectors)
}

/// Parses one connector file.
pub(crate) fn parse(path: &Path, text: &str) -> Result<Connector, LoadError> {
    let mut connector: Connector = toml::from_str(text).map_err(|e| LoadError {
        file: path.to_path_buf(),
        line: e.span().map_or(0, |s| line_of(text, s.start)),
        message: e.message().to_string(),
    })?;
    connector.id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    connector.file = path.to_path_buf();
    check(&connector).map_err(|(key, message)| LoadError {
        file: path.to_path_buf(),
        line: line_of_key(text, key),
        message,
    })?;
    Ok(connector)
}

/// The rules across fields; the error names the key to point at.
fn check(c: &Connector) -> Result<(), (&'static str, String)> {
    let id_ok = !c.id.is_empty()
        && c.id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !id_ok {
        return Err((
            "name",
            format!(
                "the file name {:?} must be letters, digits, `-` or `_`: it is the connector's id in URLs",
                c.id
            ),
        ));
    }
    let oci = c.punchout.as_ref().is_some_and(|p| p.oci.is_some());
    if c.x12.is_none() && c.edifact.is_none() && c.cxml.is_none() && !oci {
        return Err((
            "name",
            "a connector needs an identity: [x12], [edifact], [cxml] or [punchout.oci]".into(),
        ));
    }
    if c.role == Role::Buyer && (c.company.is_none() || c.market.is_none()) {
        return Err((
            "role",
            "a buyer names the `company` it orders for and the `market` it orders in".into(),
        ));
    }
    if let Some(p) = &c.punchout {
        if c.role != Role::Buyer {
            return Err(("punchout", "only a buyer punches out".into()));
        }
        if p.session_minutes == 0 || p.start_minutes == 0 {
            return Err((
                "session_minutes",
                "a punchout session and its start URL need at least a minute".into(),
            ));
        }
        if p.oci
            .as_ref()
            .is_some_and(|o| !is_env_name(&o.password_env))
        {
            return Err((
                "password_env",
                "password_env names an environment variable (letters, digits, `_`), not the password"
                    .into(),
            ));
        }
    }
    if let Some(x) = &c.x12 {
        if x.qualifier.len() != 2 || x.id.is_empty() || x.id.len() > 15 {
            return Err((
                "qualifier",
                "an X12 identity is a 2-character qualifier and an id of 1 to 15 characters".into(),
            ));
        }
    }
    if let Some(x) = &c.cxml {
        if !is_env_name(&x.secret_env) {
            return Err((
                "secret_env",
                "`secret_env` names an environment variable (A-Z, 0-9, _): secrets never sit in connector files".into(),
            ));
        }
    }
    let wrote = c.outbound_syntax();
    let speaks = |s: Syntax| match s {
        Syntax::X12 => c.x12.is_some(),
        Syntax::Edifact => c.edifact.is_some(),
        Syntax::Cxml => c.cxml.is_some(),
    };
    match wrote {
        Some(s) if !speaks(s) => {
            return Err((
                "writes",
                format!("it writes {s:?} but has no identity for it"),
            ))
        }
        None if !c.outbound.is_empty() => {
            return Err((
                "outbound",
                "it speaks several syntaxes: say which one outbound documents use (`writes`)"
                    .into(),
            ))
        }
        _ => {}
    }
    for inbound in &c.inbound {
        if let Inbound::File { dir } = inbound {
            if dir.as_os_str().is_empty() {
                return Err(("dir", "a file transport needs a `dir`".into()));
            }
        }
    }
    for outbound in &c.outbound {
        match outbound {
            Outbound::File { dir } if dir.as_os_str().is_empty() => {
                return Err(("dir", "a file transport needs a `dir`".into()))
            }
            Outbound::Webhook { url, secret_env } => {
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    return Err((
                        "url",
                        format!("a webhook `url` is http:// or https://, not {url:?}"),
                    ));
                }
                if !is_env_name(secret_env) {
                    return Err((
                        "secret_env",
                        "`secret_env` names an environment variable (A-Z, 0-9, _): secrets never sit in connector files".into(),
                    ));
                }
            }
            Outbound::Http { url }
                if !(url.starts_with("http://") || url.starts_with("https://")) =>
            {
                return Err((
                    "url",
                    format!("an HTTP `url` is http:// or https://, not {url:?}"),
                ))
            }
            Outbound::Amqp { queue } if queue.is_empty() => {
                return Err(("queue", "an AMQP transport needs a `queue`".into()))
            }
            Outbound::File { .. }
            | Outbound::Amqp { .. }
            | Outbound::Http { .. }
            | Outbound::Sftp(_) => {}
        }
    }
    if c.retry.attempts == 0 {
        return Err(("attempts", "`attempts` must be at least 1".into()));
    }
    Ok(())
}

fn is_env_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// The line where `key` is first set, for errors about a value serde
/// accepted; the first line when the key is absent.
fn line_of_key(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Connector, LoadError> {
        parse(Path::new("connectors/acme.toml"), text)
    }

    const BUYER: &str = r#"
name = "Globex"
role = "buyer"
brand = "ACME"
market = "US"
company = "GLOBEX"

[x12]
qualifier = "ZZ"
id = "GLOBEX"
"#;

    #[test]
    fn a_buyer_loads_with_defaults() {
        let c = parse_text(BUYER).unwrap();
        assert_eq!(c.id, "acme");
        let x12 = c.x12.as_ref().unwrap();
        assert_eq!(x12.version, "004010");
        assert_eq!(c.outbound_syntax(), Some(Syntax::X12));
        assert_eq!(c.retry.attempts, 6);
    }

    #[test]
    fn an_unknown_key_names_its_line() {
        let text = BUYER.replace("[x12]\n", "[x12]\nqualifer = \"ZZ\"\n");
        let e = parse_text(&text).unwrap_err();
        assert_eq!(e.line, 9, "{e}");
        assert!(e.message.contains("qualifer"), "{e}");
        assert!(e.to_string().starts_with("connectors/acme.toml:9:"), "{e}");
    }

    #[test]
    fn a_buyer_without_company_is_refused_at_its_role() {
        let text = BUYER.replace("company = \"GLOBEX\"\n", "");
        let e = parse_text(&text).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("company"), "{e}");
    }

    #[test]
    fn a_secret_in_the_file_is_refused() {
        let text = format!(
            "{BUYER}\n[cxml]\ndomain = \"NetworkID\"\nidentity = \"X\"\nsecret_env = \"hunter2 \"\n"
        );
        let e = parse_text(&text).unwrap_err();
        assert!(e.message.contains("environment variable"), "{e}");
        assert_eq!(e.line, 15, "{e}");
    }

    #[test]
    fn two_connectors_with_one_identity_are_refused() {
        let a = parse(Path::new("a.toml"), BUYER).unwrap();
        let b = parse(Path::new("b.toml"), BUYER).unwrap();
        let e = Connectors::new(vec![a, b]).unwrap_err();
        assert!(e.message.contains("already claimed"), "{e}");
    }
}
