//! SFTP against Debian's OpenSSH server on 127.0.0.1: the supplier takes
//! its orders from an upload directory and leaves its answers in one we
//! poll. Skipped, and said so, where there is no sshd or we are not root
//! (sshd must switch to the login user).

use crate::harness::{from_acme, placed, unique, x12_with_control, Gate};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Sshd {
    child: Child,
    dir: PathBuf,
    port: u16,
    host_key: String,
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn keygen(path: &Path) {
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .status()
        .expect("ssh-keygen");
    assert!(status.success());
}

fn start_sshd() -> Option<Sshd> {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    if !Path::new("/usr/sbin/sshd").exists() || !root {
        eprintln!("note: no /usr/sbin/sshd (or not root): the SFTP tests are SKIPPED");
        return None;
    }
    let dir = std::env::temp_dir().join(unique("edigate_sshd"));
    std::fs::create_dir_all(dir.join("inbox")).unwrap();
    std::fs::create_dir_all(dir.join("outbox")).unwrap();
    keygen(&dir.join("host_key"));
    keygen(&dir.join("client_key"));
    std::fs::copy(dir.join("client_key.pub"), dir.join("authorized_keys")).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = format!(
        "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\nAuthorizedKeysFile {d}/authorized_keys\n\
         PidFile {d}/sshd.pid\nStrictModes no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n\
         PubkeyAuthentication yes\nPermitRootLogin prohibit-password\nUsePAM no\nSubsystem sftp internal-sftp\n",
        d = dir.display()
    );
    std::fs::write(dir.join("sshd_config"), config).unwrap();
    let _ = std::fs::create_dir_all("/run/sshd");
    let mut child = Command::new("/usr/sbin/sshd")
        .args(["-D", "-e", "-f"])
        .arg(dir.join("sshd_config"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("sshd");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            let host_key = std::fs::read_to_string(dir.join("host_key.pub"))
                .unwrap()
                .trim()
                .to_string();
            return Some(Sshd {
                child,
                dir,
                port,
                host_key,
            });
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("sshd did not start");
}

fn ordrsp(number: &str) -> Vec<u8> {
    from_acme(
        serde_json::json!({
            "type": "order_response", "id": "OR-S1", "order_id": number, "status": "accepted",
            "lines": [
                { "line_id": "1", "status": "accepted", "item": { "seller_id": "AC-1001" } },
                { "line_id": "2", "status": "accepted", "item": { "seller_id": "AC-2040" } },
                { "line_id": "3", "status": "accepted", "item": { "seller_id": "AC-3300" } }
            ]
        }),
        "ORDRSP",
        5151,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_supplier_trades_over_sftp() {
    let Some(sshd) = start_sshd() else { return };
    let user = std::env::var("USER").unwrap_or_else(|_| "root".into());
    let endpoint = |dir: &str, poll: bool| {
        format!(
            "transport = \"sftp\"\nhost = \"127.0.0.1\"\nport = {}\nuser = \"{user}\"\nkey_file = \"{}\"\nhost_key = \"{}\"\ndir = \"{}\"\n{}",
            sshd.port,
            sshd.dir.join("client_key").display(),
            sshd.host_key,
            sshd.dir.join(dir).display(),
            if poll { "poll_ms = 100\n" } else { "" }
        )
    };
    let (inbound, outbound) = (endpoint("outbox", true), endpoint("inbox", false));
    let gate = Gate::sqlite_with(move |dir| {
        let file = dir.join("connectors/acme-erp.toml");
        let text = std::fs::read_to_string(&file).unwrap().replace(
            "[[outbound]]\ntransport = \"file\"\ndir = \"var/outbound/acme-erp\"",
            &format!("[[outbound]]\n{outbound}"),
        );
        std::fs::write(file, format!("{text}\n[[inbound]]\n{inbound}")).unwrap();
    })
    .await;

    let response = gate
        .post(
            "/edi/globex-x12",
            x12_with_control("x12/850/850-004010-valid.edi", 951),
        )
        .await;
    let number = placed(&response);
    gate.order_in_state(&number, "sent").await;
    let uploaded: Vec<PathBuf> = std::fs::read_dir(sshd.dir.join("inbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(uploaded.len(), 1, "{uploaded:?}");
    let orders = std::fs::read_to_string(&uploaded[0]).unwrap();
    assert!(orders.contains(&format!("BGM+220+{number}+9'")), "{orders}");

    // The supplier leaves its answer; the poller takes it and moves it.
    std::fs::write(sshd.dir.join("outbox/answer.edi"), ordrsp(&number)).unwrap();
    gate.order_in_state(&number, "acknowledged").await;
    // The poller moves the file once its bytes are journalled, which may
    // be after the order moved: wait for the move.
    let done_dir = sshd.dir.join("outbox/done");
    let mut done: Vec<String> = Vec::new();
    for _ in 0..100 {
        done = std::fs::read_dir(&done_dir)
            .map(|dir| {
                dir.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        if !done.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(done.len(), 1, "{done:?}");
    assert!(done[0].ends_with("-answer.edi"), "{done:?}");
    assert!(!sshd.dir.join("outbox/answer.edi").exists());
}
