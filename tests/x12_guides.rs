//! The shipped guides: they load, cover what we promise, and partner guides
//! narrow them.

mod common;

use edigate::edi::guide::{load_partner_guide, Catalog, Node};
use edigate::edi::x12::Validator;

const SETS_004010: &[(&str, &str)] = &[
    ("810", "IN"),
    ("832", "SC"),
    ("846", "IB"),
    ("850", "PO"),
    ("855", "PR"),
    ("856", "SH"),
    ("860", "PC"),
    ("997", "FA"),
];

#[test]
fn ships_the_promised_sets_for_both_versions() {
    let catalog = Catalog::x12().expect("guides load");
    for version in ["004010", "005010"] {
        let sets = catalog.sets(version);
        for (id, group) in SETS_004010 {
            let guide = catalog
                .exact(version, id)
                .unwrap_or_else(|| panic!("no {version} {id} in {sets:?}"));
            assert_eq!(&guide.functional_group, group, "{version} {id}");
            let first = guide.root.children.first().map(Node::first_tag).unwrap();
            let last = guide.root.children.last().map(Node::first_tag).unwrap();
            assert_eq!(
                (first.to_string(), last.to_string()),
                ("ST".into(), "SE".into()),
                "{version} {id}"
            );
        }
    }
    let ack = catalog.exact("005010", "999").expect("005010 999");
    assert_eq!(ack.functional_group, "FA");
}

#[test]
fn versions_differ_where_the_standard_does() {
    let catalog = Catalog::x12().unwrap();
    let old = catalog.dictionary("004010").unwrap();
    let new = catalog.dictionary("005010").unwrap();
    // Reference Identification grew from 30 to 50 characters in 005010.
    assert_eq!(old.element("127").unwrap().max, 30);
    assert_eq!(new.element("127").unwrap().max, 50);
}

#[test]
fn guides_choose_a_neighbour_version_and_say_so() {
    let catalog = Catalog::x12().unwrap();
    let exact = catalog.choose("004010VICS", "850").unwrap();
    assert_eq!(
        (exact.guide.version.as_str(), exact.substituted_for),
        ("004010", None)
    );
    let near = catalog.choose("004030", "850").unwrap();
    assert_eq!(
        (near.guide.version.as_str(), near.substituted_for.as_deref()),
        ("004010", Some("004030"))
    );
    assert!(catalog.choose("003040", "850").is_none());
    assert!(catalog.choose("21", "850").is_none());
}

const PO: &str = "ISA*00*          *00*          *ZZ*BUYER          *ZZ*ACME           *260101*1200*U*00401*000000001*0*P*>~
GS*PO*BUYER*ACME*20260101*1200*1*X*004010~
ST*850*0001~
BEG*00*{BEG02}*PO-1**20260101~
{CUR}{REF}N1*ST*DOCK 4~
PO1*1*10*EA*9.95**VP*W-1~
CTT*1~
SE*{COUNT}*0001~
GE*1*1~
IEA*1*000000001~
";

fn order(beg02: &str, cur: bool, ref_dp: bool) -> String {
    let count = 6 + cur as usize + ref_dp as usize;
    PO.replace("{BEG02}", beg02)
        .replace("{CUR}", if cur { "CUR*BY*USD~\n" } else { "" })
        .replace("{REF}", if ref_dp { "REF*DP*042~\n" } else { "" })
        .replace("{COUNT}", &count.to_string())
}

#[test]
fn partner_guide_narrows_the_base() {
    let catalog = Catalog::x12().unwrap();
    let path = common::project_dir().join("guides/x12/partners/example-acme-850.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let guide = load_partner_guide(catalog, "example-acme-850.toml", &text).unwrap();
    let validator = Validator::new(catalog).with_partner_guide(guide);

    let good = validator.validate(order("SA", true, true).as_bytes());
    assert!(
        good.is_valid(),
        "{:?}",
        good.all_issues().collect::<Vec<_>>()
    );
    assert!(
        common::validate(order("NE", false, false).as_bytes()).is_valid(),
        "the base guide accepts all three"
    );

    let bad = validator.validate(order("NE", false, false).as_bytes());
    let messages = common::messages(&bad);
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("AK403 7") && m.contains("BEG02")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("AK304 3") && m.contains("CUR")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("AK304 3") && m.contains("REF01=DP")),
        "{messages:?}"
    );
}

#[test]
fn partner_guide_errors_name_the_file_and_field() {
    let catalog = Catalog::x12().unwrap();
    let e =
        load_partner_guide(catalog, "p.toml", "base = \"004010/999\"\nname = \"x\"\n").unwrap_err();
    assert!(
        e.to_string().contains("p.toml") && e.to_string().contains("no shipped guide 004010/999"),
        "{e}"
    );
    let e = load_partner_guide(
        catalog,
        "p.toml",
        "base = \"004010/850\"\nname = \"x\"\n[[elements]]\nat = \"BEG99\"\ncodes = []\n",
    )
    .unwrap_err();
    assert!(e.to_string().contains("BEG has no element 99"), "{e}");
}

#[test]
fn code_lists_are_closed_for_the_common_qualifiers() {
    let catalog = Catalog::x12().unwrap();
    let d = catalog.dictionary("004010").unwrap();
    for (element, good, bad) in [
        ("98", "ST", "IX"),
        ("355", "EA", "QQ"),
        ("374", "002", "X99"),
        ("128", "DP", "ZZZ"),
        ("235", "VP", "Q"),
    ] {
        let codes = d
            .element(element)
            .and_then(|e| e.codes.clone())
            .unwrap_or_else(|| panic!("{element} has no list"));
        assert!(codes.contains(good.as_bytes()), "{element} lacks {good}");
        assert!(!codes.contains(bad.as_bytes()), "{element} has {bad}");
    }
    let po = order("SA", true, true).replace("N1*ST*DOCK 4~", "N1*IX*DOCK 4~");
    let report = common::validate(po.as_bytes());
    let messages = common::messages(&report);
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("AK403 7") && m.contains("N101")),
        "{messages:?}"
    );
}

#[test]
fn a_set_groups_into_its_guide_loops() {
    use edigate::edi::guide::{group, Tag};
    let bytes =
        std::fs::read(common::project_dir().join("samples/x12/850/850-004010-valid.edi")).unwrap();
    let interchanges = edigate::edi::x12::tree::parse(bytes.as_slice()).unwrap();
    let set = &interchanges[0].groups[0].sets[0];
    let guide = Catalog::x12().unwrap().exact("004010", "850").unwrap();
    let tags: Vec<Tag> = std::iter::once(&set.header)
        .chain(&set.body)
        .chain(&set.trailer)
        .map(|s| Tag::from_bytes(s.tag.as_bytes()).unwrap())
        .collect();
    let top = group(&guide.root, &tags);
    let po1_segments = set.body.iter().filter(|s| s.tag == "PO1").count();
    assert!(po1_segments > 0);
    assert_eq!(top.loops("PO1").count(), po1_segments);
    let n1_segments = set.body.iter().filter(|s| s.tag == "N1").count();
    assert_eq!(top.loops("N1").count(), n1_segments);
    // Every segment lands exactly once.
    fn count(r: &edigate::edi::guide::LoopRepetition) -> usize {
        r.members
            .iter()
            .map(|m| match m {
                edigate::edi::guide::Member::Segment(_) => 1,
                edigate::edi::guide::Member::Loop(l) => count(l),
            })
            .sum()
    }
    assert_eq!(count(&top), tags.len());
}
