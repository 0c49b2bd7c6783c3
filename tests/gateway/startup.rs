//! `serve` refuses to start on a connector or mapping file that does not
//! load, naming the file and line.

use crate::harness::{config_for, repo, unique};
use edigate::server::start;

fn dir_with_connector(text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(unique("edigate_start"));
    std::fs::create_dir_all(dir.join("connectors")).unwrap();
    std::fs::write(dir.join("connectors/broken.toml"), text).unwrap();
    dir
}

#[tokio::test]
async fn a_bad_connector_file_stops_the_start_with_file_and_line() {
    let dir = dir_with_connector("name = \"x\"\nrole = \"buyer\"\nbrand = \"ACME\"\nmarket = \"US\"\ncompany = \"GLOBEX\"\n[x12]\nqualifier = \"ZZ\"\nid = \"A\"\nack = \"998\"\n");
    let url = format!("sqlite://{}?mode=rwc", dir.join("edigate.db").display());
    let error = start(&config_for(&dir, &url))
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(error.contains("broken.toml:9:"), "{error}");
    assert!(
        error.contains("998") || error.contains("unknown variant"),
        "{error}"
    );
}

#[tokio::test]
async fn a_connector_naming_a_missing_company_stops_the_start() {
    let dir = dir_with_connector("name = \"x\"\nrole = \"buyer\"\nbrand = \"ACME\"\nmarket = \"US\"\ncompany = \"NOBODY\"\n[x12]\nqualifier = \"ZZ\"\nid = \"A\"\n");
    let url = format!("sqlite://{}?mode=rwc", dir.join("edigate.db").display());
    let error = start(&config_for(&dir, &url))
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(
        error.contains("broken.toml") && error.contains("NOBODY"),
        "{error}"
    );
}

#[tokio::test]
async fn a_bad_mapping_file_stops_the_start() {
    let dir = dir_with_connector("name = \"x\"\nrole = \"buyer\"\nbrand = \"ACME\"\nmarket = \"US\"\ncompany = \"GLOBEX\"\n[x12]\nqualifier = \"ZZ\"\nid = \"A\"\n");
    let mappings = dir.join("mappings/x12/004010");
    std::fs::create_dir_all(&mappings).unwrap();
    std::fs::create_dir_all(dir.join("mappings/codes")).unwrap();
    std::fs::write(mappings.join("850-partner.toml"), "syntax = \"x12\"\nversion = \"004010\"\nmessage = \"850\"\ndocument = \"order\"\n[[rules]]\nnonsense = 1\n").unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("edigate.db").display());
    let mut config = config_for(&dir, &url);
    config.mappings = dir.join("mappings");
    let error = start(&config).await.err().expect("refused").to_string();
    assert!(error.contains("850-partner.toml:"), "{error}");
    let _ = repo;
}
