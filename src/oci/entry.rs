//! The OCI entry call: how a procurement system opens the catalog.

use std::collections::BTreeMap;

use super::cart::OciError;

/// The parameters of an OCI call-up (`GET` or `POST` to the catalog).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct EntryParameters {
    /// `HOOK_URL`: where the cart goes back.
    pub hook_url: String,
    /// `USERNAME`.
    pub username: Option<String>,
    /// `PASSWORD`.
    pub password: Option<String>,
    /// A token in place of user and password (`TOKEN`, `token`).
    pub token: Option<String>,
    /// `OCI_VERSION`.
    pub oci_version: Option<String>,
    /// `OPI_VERSION`.
    pub opi_version: Option<String>,
    /// `returntarget` / `~TARGET`: the frame the cart is posted into.
    pub target: Option<String>,
    /// `~CALLER`.
    pub caller: Option<String>,
    /// `FUNCTION` (`DETAILADD`, `VALIDATE`, …) and `PRODUCTID`.
    pub function: Option<(String, Option<String>)>,
    /// Every other parameter, kept (connector-specific login fields).
    pub other: BTreeMap<String, String>,
}

impl std::fmt::Debug for EntryParameters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EntryParameters")
            .field("hook_url", &self.hook_url)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("oci_version", &self.oci_version)
            .field("target", &self.target)
            .finish()
    }
}

/// Reads the call-up parameters; names compare case-insensitively, as SAP
/// systems vary.
pub fn parse_entry(fields: &[(String, String)]) -> Result<EntryParameters, OciError> {
    let mut p = EntryParameters::default();
    let mut function = None;
    let mut product = None;
    for (name, value) in fields {
        let value = value.clone();
        match name.to_ascii_uppercase().as_str() {
            "HOOK_URL" => p.hook_url = value,
            "USERNAME" => p.username = Some(value),
            "PASSWORD" => p.password = Some(value),
            "TOKEN" => p.token = Some(value),
            "OCI_VERSION" => p.oci_version = Some(value),
            "OPI_VERSION" => p.opi_version = Some(value),
            "RETURNTARGET" | "~TARGET" => p.target = Some(value),
            "~CALLER" => p.caller = Some(value),
            "FUNCTION" => function = Some(value),
            "PRODUCTID" => product = Some(value),
            _ => {
                p.other.insert(name.clone(), value);
            }
        }
    }
    if p.hook_url.trim().is_empty() {
        return Err(OciError::NoHookUrl);
    }
    p.function = function.map(|f| (f, product));
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_parameters_are_read() {
        let fields: Vec<(String, String)> = [
            (
                "HOOK_URL",
                "https://srm.example/sap/bc/gui/sap/its/bbpsc02?~OkCode=ADDI",
            ),
            ("username", "buyer1"),
            ("PASSWORD", "secret"),
            ("OCI_VERSION", "4.0"),
            ("~TARGET", "_parent"),
            ("LANGUAGE", "DE"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let p = parse_entry(&fields).unwrap();
        assert_eq!(p.username.as_deref(), Some("buyer1"));
        assert_eq!(p.target.as_deref(), Some("_parent"));
        assert_eq!(p.other["LANGUAGE"], "DE");
        assert!(!format!("{p:?}").contains("secret"));
        assert_eq!(parse_entry(&[]), Err(OciError::NoHookUrl));
    }
}
