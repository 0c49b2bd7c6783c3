//! Embeds every guide file under `guides/` and every mapping data file
//! under `mappings/` into the binary, so that adding a transaction set, a
//! version or a code table is adding a file.

use std::path::{Path, PathBuf};
use std::{env, fs};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

/// Writes `OUT_DIR/<out>`: a slice of (path relative to `dir`, contents)
/// for every TOML file under the crate's `dir`.
fn embed(dir: &str, out: &str) {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join(dir);
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut code = String::from("&[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let name = file
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        code.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            file.display().to_string()
        ));
    }
    code.push_str("]\n");
    fs::write(PathBuf::from(env::var("OUT_DIR").unwrap()).join(out), code).unwrap();
}

fn main() {
    embed("guides", "embedded_guides.rs");
    embed("mappings", "embedded_mappings.rs");
}
