//! SFTP, the transport most EDI partners still run: a partner's server
//! polled for new files (each received like an HTTP post, then moved to
//! `done/` or `error/` there), and files uploaded to it (written under a
//! dot name, then renamed, so the partner never reads half a file).
//! Through russh: the server's host key must be the one the connector
//! pins, and we log in with a key file, never a password in a file.

use super::inbound::{EdiSyntax, Reply};
use super::journal::Status;
use super::Gateway;
use crate::connector::{Connector, Inbound, SftpEndpoint};
use russh::keys::{load_secret_key, parse_public_key_base64, PrivateKeyWithHashAlg};
use russh_sftp::client::SftpSession;
use russh_sftp::protocol::OpenFlags;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Accepts only the pinned host key.
struct PinnedHost {
    expected: russh::keys::PublicKey,
}

impl russh::client::Handler for PinnedHost {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        key: &russh::keys::PublicKey,
    ) -> Result<bool, Self::Error> {
        Ok(key.key_data() == self.expected.key_data())
    }
}

/// An open SFTP session (and the SSH connection under it).
pub(crate) struct Remote {
    sftp: SftpSession,
    _ssh: russh::client::Handle<PinnedHost>,
}

/// Connects and logs in to a connector's SFTP server.
pub(crate) async fn connect(gateway: &Gateway, at: &SftpEndpoint) -> Result<Remote, String> {
    let fail = |what: &str, e: &dyn std::fmt::Display| {
        format!("SFTP {}@{}:{}: {what}: {e}", at.user, at.host, at.port)
    };
    let key_text = at
        .host_key
        .split_whitespace()
        .nth(1)
        .unwrap_or(at.host_key.as_str());
    let expected = parse_public_key_base64(key_text).map_err(|e| fail("host_key", &e))?;
    let key_file = gateway.resolve(&at.key_file);
    let passphrase = at
        .key_passphrase_env
        .as_ref()
        .and_then(|v| std::env::var(v).ok());
    let key = load_secret_key(&key_file, passphrase.as_deref())
        .map_err(|e| fail(&format!("key file {}", key_file.display()), &e))?;
    let config = Arc::new(russh::client::Config {
        inactivity_timeout: Some(Duration::from_secs(60)),
        ..Default::default()
    });
    let connect =
        russh::client::connect(config, (at.host.as_str(), at.port), PinnedHost { expected });
    let mut ssh = tokio::time::timeout(Duration::from_secs(15), connect)
        .await
        .map_err(|_| fail("connect", &"no answer within 15 s"))?
        .map_err(|e| fail("connect (or the host key is not the pinned one)", &e))?;
    let hash = ssh
        .best_supported_rsa_hash()
        .await
        .map_err(|e| fail("login", &e))?
        .flatten();
    let auth = ssh
        .authenticate_publickey(
            at.user.clone(),
            PrivateKeyWithHashAlg::new(Arc::new(key), hash),
        )
        .await
        .map_err(|e| fail("login", &e))?;
    if !auth.success() {
        return Err(fail("login", &"the key was refused"));
    }
    let channel = ssh
        .channel_open_session()
        .await
        .map_err(|e| fail("session", &e))?;
    channel
        .request_subsystem(true, "sftp")
        .await
        .map_err(|e| fail("sftp subsystem", &e))?;
    let sftp = SftpSession::new(channel.into_stream())
        .await
        .map_err(|e| fail("sftp", &e))?;
    Ok(Remote { sftp, _ssh: ssh })
}

impl Remote {
    /// Writes `bytes` as `{dir}/{name}`: first under a dot name, then
    /// renamed.
    pub(crate) async fn upload(&self, dir: &str, name: &str, bytes: &[u8]) -> Result<(), String> {
        let e = |e: russh_sftp::client::error::Error| format!("SFTP upload of {name}: {e}");
        let partial = format!("{dir}/.{name}.part");
        let mut file = self
            .sftp
            .open_with_flags(
                &partial,
                OpenFlags::CREATE | OpenFlags::TRUNCATE | OpenFlags::WRITE,
            )
            .await
            .map_err(e)?;
        file.write_all(bytes)
            .await
            .map_err(|io| format!("SFTP upload of {name}: {io}"))?;
        file.shutdown()
            .await
            .map_err(|io| format!("SFTP upload of {name}: {io}"))?;
        let target = format!("{dir}/{name}");
        // SFTP v3 rename fails on an existing target: a resend replaces it.
        if self.sftp.try_exists(&target).await.unwrap_or(false) {
            self.sftp.remove_file(&target).await.map_err(e)?;
        }
        self.sftp.rename(&partial, &target).await.map_err(e)
    }

    /// The names of the files waiting in `dir`, sorted; dot files are
    /// still being written.
    async fn waiting(&self, dir: &str) -> Result<Vec<String>, String> {
        let listing = self
            .sftp
            .read_dir(dir)
            .await
            .map_err(|e| format!("SFTP listing of {dir}: {e}"))?;
        let mut names: Vec<String> = listing
            .filter(|entry| entry.file_type().is_file())
            .map(|entry| entry.file_name())
            .filter(|name| !name.starts_with('.'))
            .collect();
        names.sort();
        Ok(names)
    }

    async fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        let mut file = self
            .sftp
            .open(path)
            .await
            .map_err(|e| format!("SFTP read of {path}: {e}"))?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)
            .await
            .map_err(|e| format!("SFTP read of {path}: {e}"))?;
        Ok(bytes)
    }

    async fn move_to(
        &self,
        dir: &str,
        folder: &str,
        name: &str,
        moved: &str,
    ) -> Result<(), String> {
        let folder_path = format!("{dir}/{folder}");
        if !self.sftp.try_exists(&folder_path).await.unwrap_or(false) {
            let _ = self.sftp.create_dir(&folder_path).await;
        }
        self.sftp
            .rename(format!("{dir}/{name}"), format!("{folder_path}/{moved}"))
            .await
            .map_err(|e| format!("SFTP move of {name}: {e}"))
    }
}

impl Gateway {
    /// Polls every connector's SFTP inbound until `stop` says so.
    pub async fn run_sftp_pollers(&self, stop: tokio::sync::watch::Receiver<bool>) {
        let mut pollers = Vec::new();
        for c in self.connectors().all() {
            for inbound in &c.inbound {
                if let Inbound::Sftp(at) = inbound {
                    let (gateway, connector, at, stop) =
                        (self.clone(), c.clone(), at.clone(), stop.clone());
                    pollers.push(tokio::spawn(async move {
                        gateway.poll_sftp(&connector, &at, stop).await
                    }));
                }
            }
        }
        for p in pollers {
            let _ = p.await;
        }
    }

    async fn poll_sftp(
        &self,
        connector: &Connector,
        at: &SftpEndpoint,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) {
        let mut session: Option<Remote> = None;
        loop {
            if session.is_none() {
                match connect(self, at).await {
                    Ok(s) => session = Some(s),
                    Err(e) => tracing::warn!(connector = %connector.id, error = %e, "SFTP inbound"),
                }
            }
            if let Some(remote) = &session {
                if let Err(e) = self.poll_remote(connector, remote, &at.dir).await {
                    tracing::warn!(connector = %connector.id, error = %e, "SFTP inbound; reconnecting");
                    session = None;
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(at.poll_ms)) => {}
                _ = stop.changed() => return,
            }
            if *stop.borrow() {
                return;
            }
        }
    }

    /// Receives every file waiting on the server.
    async fn poll_remote(
        &self,
        connector: &Connector,
        remote: &Remote,
        dir: &str,
    ) -> Result<usize, String> {
        let names = remote.waiting(dir).await?;
        for name in &names {
            let bytes = remote.read(&format!("{dir}/{name}")).await?;
            let syntax = match crate::detect::detect(&bytes[..bytes.len().min(128)]) {
                crate::detect::Format::Edifact => Some(EdiSyntax::Edifact),
                crate::detect::Format::X12 => Some(EdiSyntax::X12),
                _ => None,
            };
            let (folder, id) = match syntax {
                Some(syntax) => {
                    let answer = self
                        .receive_edi(connector, syntax, bytes, Reply::Queued)
                        .await;
                    if answer.message.is_none() {
                        // Not journalled: leave it for the next poll.
                        continue;
                    }
                    let good = answer.status < 300
                        && !matches!(answer.outcome, Status::Invalid | Status::Failed);
                    (if good { "done" } else { "error" }, answer.message)
                }
                None => ("error", None),
            };
            let moved = id.map_or(name.clone(), |id| format!("{id:010}-{name}"));
            remote.move_to(dir, folder, name, &moved).await?;
        }
        Ok(names.len())
    }
}
