//! The `edigate` binary as users and scripts run it: reports, exit codes,
//! JSON, acknowledgments, and bad input of every kind.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn edigate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_edigate"))
        .args(args)
        .current_dir(common::project_dir())
        .output()
        .expect("edigate runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("edigate-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

const VALID: &str = "samples/x12/850/850-004010-valid.edi";
const INVALID: &str = "samples/x12/850/850-004010-invalid-bad-date.edi";

#[test]
fn valid_file_exits_zero() {
    let o = edigate(&["validate", VALID]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("valid (X12)"));
}

#[test]
fn invalid_file_exits_one_and_says_where_and_what() {
    let o = edigate(&["validate", VALID, INVALID]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.contains("INVALID (X12)"), "{text}");
    assert!(text.contains("segment 2 (BEG05)"), "{text}");
    assert!(text.contains("is not a valid date"), "{text}");
    assert!(text.contains("[AK403 8]"), "{text}");
    assert!(text.contains("found: \"20261301\""), "{text}");
}

#[test]
fn usage_and_io_errors_exit_two() {
    assert_eq!(edigate(&["validate"]).status.code(), Some(2));
    assert_eq!(edigate(&["frobnicate"]).status.code(), Some(2));
    let o = edigate(&["validate", "no/such/file.edi"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).contains("cannot read no/such/file.edi"),
        "{}",
        stdout(&o)
    );
    assert_eq!(edigate(&["ack", "no/such/file.edi"]).status.code(), Some(2));
}

#[test]
fn json_report_carries_the_same_content() {
    let o = edigate(&["validate", "--json", INVALID]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let file = &v[0];
    assert_eq!(file["valid"], false);
    assert_eq!(file["format"], "X12");
    let set = &file["report"]["interchanges"][0]["groups"][0]["sets"][0];
    let issue = &set["issues"][0];
    assert_eq!(issue["code"]["level"], "element");
    assert_eq!(issue["code"]["code"], 8);
    assert_eq!(issue["location"]["segment"], "BEG");
    assert_eq!(issue["location"]["element"], 5);
    assert_eq!(issue["location"]["element_ref"], "373");
    assert_eq!(issue["data"], "20261301");
}

#[test]
fn bad_input_never_panics_and_gets_a_clear_message() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("empty.edi", b"", "the file is empty"),
        ("junk.bin", b"\x00\x01\x02\xff\xfe binary junk", "not an EDI file"),
        ("text.txt", b"hello, this is not EDI\n", "not an EDI file"),
        ("truncated.edi", b"ISA*00*          *00*          *ZZ*A              *ZZ*B              *260101*1200*U*00401*000000001*0*P*>~GS*PO*A*B*20260101*1200*1*X*004010~ST*850*0001~BEG*00*SA*1", "the input ends inside a segment"),
        ("short-isa.edi", b"ISA*00*0", "found 2 element separators"),
        ("edifact.edi", b"UNA:+.? 'UNB+UNOC:3+A+B+260101:1200+1'", "the interchange trailer UNZ is missing"),
        ("edifact-cut.edi", b"UNB+UNOC:3+A+B+260101:1200+1'UNH+1+ORDERS:D:96A:UN'BGM+220+1", "the input ends inside a segment"),
        ("edifact-una.edi", b"UNA::.? 'UNB+UNOC:3'", "UNA gives ':' two roles"),
    ];
    for (name, bytes, message) in cases {
        let file = temp_file(name, bytes);
        let o = edigate(&["validate", path(&file)]);
        let text = stdout(&o);
        assert_eq!(o.status.code(), Some(1), "{name}: {text}");
        assert!(
            text.contains(message),
            "{name}: expected {message:?} in {text}"
        );
        assert!(
            o.stderr.is_empty() || !String::from_utf8_lossy(&o.stderr).contains("panicked"),
            "{name}"
        );
    }
}

#[test]
fn ack_defaults_by_version_and_mirrors_the_envelope() {
    let o = edigate(&["ack", VALID, "--stamp", "20260101", "1200"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("ST*997*0001~"), "{text}");
    // Sender and receiver swapped, qualifiers copied.
    assert!(
        text.starts_with("ISA*00*          *00*          *ZZ*ACMESUPPLY     *ZZ*GLOBEXRETAIL   *"),
        "{text}"
    );
    let five = edigate(&[
        "ack",
        "samples/x12/855/855-005010-valid.edi",
        "--stamp",
        "20260101",
        "1200",
    ]);
    assert!(
        stdout(&five).contains("ST*999*0001*005010X231~"),
        "{}",
        stdout(&five)
    );
    let forced = edigate(&[
        "ack",
        "samples/x12/855/855-005010-valid.edi",
        "--kind",
        "997",
        "--stamp",
        "20260101",
        "1200",
    ]);
    assert!(
        stdout(&forced).contains("ST*997*0001*005010X230~"),
        "{}",
        stdout(&forced)
    );
    let ta1 = edigate(&["ack", VALID, "--kind", "ta1", "--control-number", "77"]);
    let text = stdout(&ta1);
    assert!(text.contains("TA1*000000101*260115*0930*A*000~"), "{text}");
    assert!(text.contains("IEA*0*000000077~"), "{text}");
    assert_eq!(
        edigate(&["ack", VALID, "--kind", "998"]).status.code(),
        Some(2)
    );
}

#[test]
fn ack_of_something_that_is_not_x12_exits_one() {
    let file = temp_file("not-x12.txt", b"plain text");
    let o = edigate(&["ack", path(&file)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no interchange header"));
}

#[test]
fn partner_guide_option_applies_the_narrower_rules() {
    let o = edigate(&[
        "validate",
        "--partner-guide",
        "guides/x12/partners/example-acme-850.toml",
        VALID,
    ]);
    // The sample carries CUR and REF*DP, and BEG02 is SA: ACME's rules hold.
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let bad = edigate(&["validate", "--partner-guide", "no/such.toml", VALID]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn edifact_is_validated_and_answered_with_contrl() {
    let sample = common::project_dir().join("samples/edifact/ORDERS/orders-d96a-valid.edi");
    let eancom = common::project_dir().join("guides/edifact/partners/eancom-orders.toml");
    let o = edigate(&["validate", "--partner-guide", path(&eancom), path(&sample)]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("valid (EDIFACT)"));

    let bad = common::project_dir().join("samples/edifact/ORDERS/orders-bad-code-invalid.edi");
    let o = edigate(&["ack", path(&bad), "--stamp", "20260102", "0800"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    assert!(text.contains("UNH+1+CONTRL:D:3:UN'"), "{text}");
    assert!(text.contains("UCM+1+ORDERS:D:96A:UN+4'"), "{text}");
    assert!(text.contains("UCD+12+1:1'"), "{text}");

    let o = edigate(&["ack", path(&bad), "--kind", "997"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--kind contrl"));

    let x12 = common::project_dir().join("samples/x12/850/850-004010-valid.edi");
    let o = edigate(&["ack", path(&x12), "--kind", "contrl"]);
    assert_eq!(o.status.code(), Some(2));

    // A directory we ship no guide for is said so, even when valid.
    let d97a = temp_file(
        "d97a.edi",
        b"UNB+UNOA:3+A+B+260101:1200+R1'UNH+1+INVOIC:D:97A:UN'BGM+380+1'UNT+3+1'UNZ+1+R1'",
    );
    let o = edigate(&["validate", path(&d97a)]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("1 without a guide"), "{}", stdout(&o));
}

#[test]
fn cxml_and_oci_are_validated_with_their_findings() {
    let samples = common::project_dir().join("samples");
    let order = samples.join("cxml/order-request-valid.xml");
    let o = edigate(&["validate", path(&order)]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("valid (cXML)"));
    assert!(stdout(&o).contains("OrderRequest payloadID"));

    let bomb = samples.join("cxml/entity-bomb-invalid.xml");
    let o = edigate(&["validate", "--json", path(&bomb)]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let message = json[0]["report"]["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("internal subset"), "{message}");

    let lenient = samples.join("cxml/lenient-valid.xml");
    let o = edigate(&["validate", path(&lenient)]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("warning at"), "{}", stdout(&o));

    let cart = samples.join("oci/cart-form-valid.txt");
    let o = edigate(&["validate", path(&cart)]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("OCI cart, 2 line(s)"), "{}", stdout(&o));
    let bad = samples.join("oci/cart-bad-number-invalid.txt");
    let o = edigate(&["validate", path(&bad)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("is not a number"));
}

#[test]
fn translate_prints_canonical_json_and_writes_partner_formats() {
    let o = edigate(&["translate", VALID]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let order: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(order["type"], "order");
    assert_eq!(order["id"], "4500012345");
    let json = temp_file("order.json", &o.stdout);
    let o = edigate(&[
        "translate",
        path(&json),
        "--to",
        "edifact",
        "--prepared",
        "2026-01-15T09:30",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let edifact = stdout(&o);
    assert!(edifact.contains("UNH+1+ORDERS:D:96A:UN'"), "{edifact}");
    assert!(edifact.contains("BGM+220+4500012345"), "{edifact}");
    let written = temp_file("orders.edi", &o.stdout);
    let o = edigate(&["validate", path(&written)]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

/// An X12 850 written as a cXML OrderRequest: byte for byte the golden
/// file, valid cXML, and what cXML has no place for said on stderr.
#[test]
fn translate_writes_an_order_as_a_cxml_order_request() {
    let o = edigate(&[
        "translate",
        VALID,
        "--to",
        "cxml",
        "--prepared",
        "2026-01-15T09:30",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let golden = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("samples/cross/850-004010-to-cxml-order-request.xml"),
    )
    .unwrap();
    assert_eq!(stdout(&o), golden);
    let warnings = String::from_utf8_lossy(&o.stderr);
    for lost in [
        "payment_terms",
        "allowance_charges",
        "lines[0].item.standard_id",
    ] {
        assert!(
            warnings.contains(&format!("cXML does not carry {lost}\n")),
            "{lost}: {warnings}"
        );
    }
    let written = temp_file("order-request.xml", &o.stdout);
    let o = edigate(&["validate", path(&written)]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = edigate(&["translate", path(&written)]);
    let order: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(order["id"], "4500012345");
    assert_eq!(order["lines"][0]["item"]["seller_id"], "AC-1001");
    let o = edigate(&[
        "translate",
        "samples/edifact/DESADV/desadv-d96a-valid.edi",
        "--to",
        "cxml",
    ]);
    assert_eq!(o.status.code(), Some(2), "only orders: {}", stdout(&o));
}

/// `--partner` translates as for a connector: its mapping overrides on the
/// way in, its syntax, version and identity on the way out.
#[test]
fn translate_for_a_partner_uses_its_overrides_version_and_identity() {
    let dir = std::env::temp_dir().join(format!("edigate-partner-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("connectors")).unwrap();
    std::fs::create_dir_all(dir.join("overrides")).unwrap();
    std::fs::write(
        dir.join("overrides/acme-850.toml"),
        "name = \"Acme's 850\"\nbase = \"x12/004010/850\"\n\n[[rule]]\n\
         at = \"REF02 where REF01=IA\"\nfield = \"procurement.contract\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("connectors/acme-buyer.toml"),
        format!(
            "name = \"Acme as a buyer\"\nrole = \"buyer\"\nbrand = \"ACME\"\nmarket = \"US\"\n\
             company = \"GLOBEX-RETAIL\"\nmappings = {:?}\n\n[x12]\nqualifier = \"ZZ\"\n\
             id = \"ACMEBUYER\"\nversion = \"005010\"\n",
            dir.join("overrides").display().to_string()
        ),
    )
    .unwrap();
    let connectors = dir.join("connectors");
    let partner = ["--partner", "acme-buyer", "--connectors", path(&connectors)];

    let o = edigate(&[&["translate", VALID][..], &partner].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let order: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        order["procurement"]["contract"], "V889900",
        "the override read REF*IA"
    );
    let o = edigate(&["translate", VALID]);
    let shared: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(shared["procurement"]["contract"].is_null());

    let json = temp_file("partner-order.json", &o.stdout);
    let o = edigate(
        &[
            &["translate", path(&json), "--prepared", "2026-01-15T09:30"][..],
            &partner,
        ]
        .concat(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let x12 = stdout(&o);
    assert!(
        x12.contains("*ZZ*ACMEBUYER      *") && x12.contains("*00501*"),
        "its syntax, version and identity: {x12}"
    );
    assert!(x12.contains("GS*PO*EDIGATE*ACMEBUYER*"), "{x12}");

    let o = edigate(&[
        "translate",
        VALID,
        "--partner",
        "nobody",
        "--connectors",
        path(&connectors),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("no connector \"nobody\""),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn translate_reports_invalid_input_as_validate_does() {
    let o = edigate(&["translate", INVALID]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("INVALID (X12)"), "{}", stdout(&o));
    let o = edigate(&["translate", "no-such-file.edi"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn map_test_passes_and_map_new_scaffolds_a_passing_override() {
    let o = edigate(&["map", "test"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains(", 0 failed"), "{}", stdout(&o));
    let dir = std::env::temp_dir().join(format!("edigate-map-new-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let o = edigate(&[
        "map",
        "new",
        "--from",
        "x12:004010:850",
        "--partner",
        "acme",
        "--sample",
        VALID,
        "--out",
        path(&dir),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let file = dir.join("acme-850.toml");
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("base = \"x12/004010/850\""));
    let o = edigate(&["map", "test", path(&file)]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // A broken expectation fails with a diff that shows the fix.
    let expect = dir.join("acme-850.json");
    let text = std::fs::read_to_string(&expect).unwrap();
    std::fs::write(&expect, text.replace("4500012345", "4500099999")).unwrap();
    let o = edigate(&["map", "test", path(&file)]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("-  \"id\": \"4500099999\"") && out.contains("+  \"id\": \"4500012345\""),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
