//! The file-drop inbound transport: each connector's watched directory is
//! polled; a file is received like an HTTP post, then moved to `done/`
//! (or `error/` when it was refused or failed), its journal id in front
//! of its name. A file is only moved after it is journalled, so a crash in
//! between leaves it to be read again, and the journal takes that second
//! reading for the repeat it is.

use super::inbound::{EdiSyntax, Reply};
use super::Gateway;
use crate::connector::{Connector, Inbound};
use crate::gateway::journal::Status;
use std::path::{Path, PathBuf};
use std::time::Duration;

impl Gateway {
    /// Polls every watched directory until `stop` says so.
    pub async fn run_watchers(&self, mut stop: tokio::sync::watch::Receiver<bool>) {
        let watched: Vec<(Connector, PathBuf)> = self
            .connectors()
            .all()
            .flat_map(|c| {
                c.inbound.iter().filter_map(move |i| match i {
                    Inbound::File { dir } => Some((c.clone(), dir.clone())),
                    Inbound::Http | Inbound::Amqp { .. } | Inbound::Sftp(_) => None,
                })
            })
            .map(|(c, dir)| {
                let dir = self.resolve(&dir);
                (c, dir)
            })
            .collect();
        if watched.is_empty() {
            return;
        }
        loop {
            for (connector, dir) in &watched {
                if let Err(e) = self.poll_dir(connector, dir).await {
                    tracing::warn!(connector = %connector.id, dir = %dir.display(), error = %e, "watched directory");
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(200)) => {}
                _ = stop.changed() => return,
            }
            if *stop.borrow() {
                return;
            }
        }
    }

    /// Receives every file waiting in `dir`, oldest name first.
    pub async fn poll_dir(&self, connector: &Connector, dir: &Path) -> std::io::Result<usize> {
        tokio::fs::create_dir_all(dir).await?;
        let mut waiting = Vec::new();
        let mut entries = tokio::fs::read_dir(dir).await?;
        while let Some(entry) = entries.next_entry().await? {
            let name = entry.file_name().to_string_lossy().into_owned();
            // Dot files are still being written (`.name.part`, then renamed).
            if entry.file_type().await?.is_file() && !name.starts_with('.') {
                waiting.push((name, entry.path()));
            }
        }
        waiting.sort();
        for (name, path) in &waiting {
            let bytes = tokio::fs::read(path).await?;
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
                    let good = answer.status < 300
                        && !matches!(answer.outcome, Status::Invalid | Status::Failed);
                    (if good { "done" } else { "error" }, answer.message)
                }
                None => {
                    tracing::warn!(file = %path.display(), "neither X12 nor EDIFACT");
                    ("error", None)
                }
            };
            let target = dir.join(folder);
            tokio::fs::create_dir_all(&target).await?;
            let moved = match id {
                Some(id) => format!("{id:010}-{name}"),
                None => name.clone(),
            };
            tokio::fs::rename(path, target.join(moved)).await?;
        }
        Ok(waiting.len())
    }
}
