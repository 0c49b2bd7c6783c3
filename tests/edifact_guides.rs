//! The shipped EDIFACT guides load and cover what the issue names; partner
//! guides narrow them without touching the shipped ones.

mod common;

use edigate::edi::edifact::Validator;
use edigate::edi::guide::{load_partner_guide, Catalog};

#[test]
fn directories_hold_the_seven_messages_and_contrl_both_syntaxes() {
    let catalog = Catalog::edifact().expect("shipped guides load");
    for directory in ["D96A", "D01B"] {
        assert_eq!(
            catalog.sets(directory),
            vec!["DESADV", "INVOIC", "INVRPT", "ORDCHG", "ORDERS", "ORDRSP", "PRICAT"],
            "{directory}"
        );
    }
    assert!(catalog.message("D", "3", "CONTRL").is_some());
    assert!(catalog.message("4", "1", "CONTRL").is_some());
    assert!(catalog.message("D", "96A", "ORDERS").is_some());
    assert!(catalog.message("D", "97A", "ORDERS").is_none());
    // D.01B changed BGM: C106 replaced the simple 1004.
    let d01b = catalog.dictionary("D01B").unwrap();
    let (_, bgm) = d01b
        .segment(edigate::edi::guide::Tag::from_bytes(b"BGM").unwrap())
        .unwrap();
    assert_eq!(d01b.reference(bgm.elements[1].kind), "C106");
}

fn eancom() -> edigate::edi::guide::SetGuide {
    let path = common::project_dir().join("guides/edifact/partners/eancom-orders.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    load_partner_guide(Catalog::edifact().unwrap(), "eancom-orders.toml", &text)
        .expect("the example loads")
}

fn order(bgm: &str, parties: &str) -> Vec<u8> {
    let body =
        format!("{bgm}'DTM+137:20260105:102'{parties}LIN+1++4000862141404:EN'QTY+21:5'UNS+S'");
    let segments = body.matches('\'').count() + 2;
    format!("UNB+UNOC:3+5412345000013:14+4012345500004:14+260105:0930+R1'UNH+1+ORDERS:D:96A:UN:EAN008'{body}UNT+{segments}+1'UNZ+1+R1'")
        .into_bytes()
}

#[test]
fn the_eancom_partner_guide_narrows_codes_and_requires_parties() {
    let catalog = Catalog::edifact().unwrap();
    let partner = Validator::new(catalog).with_partner_guide(eancom());
    let base = Validator::new(catalog);
    let parties = "NAD+BY+5412345000013::9'NAD+SU+4012345500004::9'";

    let good = order("BGM+220+PO1+9", parties);
    let report = partner.validate(&good[..]);
    assert!(
        report.is_valid(),
        "{:#?}",
        report.all_issues().collect::<Vec<_>>()
    );

    // 105 is a D.96A document code but not an EANCOM order type.
    let other_type = order("BGM+105+PO1+9", parties);
    assert!(base.validate(&other_type[..]).is_valid());
    let codes = common::edifact_error_codes(&partner.validate(&other_type[..]));
    assert_eq!(codes, vec!["UCD 12"]);

    // EANCOM's own 50E is accepted by the subset, not by plain D.96A.
    let eancom_code = order("BGM+50E+PO1+9", parties);
    assert!(partner.validate(&eancom_code[..]).is_valid());
    assert!(!base.validate(&eancom_code[..]).is_valid());

    // Without a supplier the subset rejects the message, naming what is missing.
    let no_supplier = order("BGM+220+PO1+9", "NAD+BY+5412345000013::9'");
    let report = partner.validate(&no_supplier[..]);
    let messages: Vec<String> = report.all_issues().map(|i| i.message.clone()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("NAD segment with NAD01 = SU")),
        "{messages:?}"
    );
    assert!(base.validate(&no_supplier[..]).is_valid());
}

#[test]
fn partner_guides_with_unknown_places_are_refused() {
    let catalog = Catalog::edifact().unwrap();
    for (text, expected) in [
        ("base = \"D96A/ORDERS\"\nname = \"x\"\n[[elements]]\nat = \"BGM01-9\"\ncodes = [\"1\"]\n", "no component 9"),
        ("base = \"D96A/ORDERS\"\nname = \"x\"\n[[elements]]\nat = \"BGM02-1\"\ncodes = [\"1\"]\n", "not a composite"),
        ("base = \"D96A/NOPE\"\nname = \"x\"\n", "no shipped guide"),
        ("base = \"D96A/ORDERS\"\nname = \"x\"\n[[segments]]\ntag = \"NAD\"\nloop = \"SG99\"\nusage = \"M\"\n", "no loop"),
    ] {
        let e = load_partner_guide(catalog, "p.toml", text).unwrap_err().to_string();
        assert!(e.contains(expected), "{e}");
    }
}
