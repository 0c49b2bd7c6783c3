//! The shipped code tables load and translate both ways.

use edigate::mapping;

#[test]
fn x12_units_map_to_rec20_and_back() {
    let table = mapping::code_table("x12-355-rec20").expect("the shipped table loads");
    assert!(table.len() >= 100, "{} entries", table.len());
    for (x12, rec20) in [
        ("EA", "EA"),
        ("LB", "LBR"),
        ("KG", "KGM"),
        ("FT", "FOT"),
        ("DZ", "DZN"),
        ("CA", "XCS"),
        ("PL", "XPX"),
    ] {
        assert_eq!(table.forward(x12), Some(rec20), "{x12}");
        assert_eq!(table.reverse(rec20), Some(x12), "{rec20}");
    }
    // X12 codes that Rec 20 means differently are not guessed.
    assert_eq!(table.forward("CS"), None, "X12 CS is cassette, not case");
    // Every code written on output reads back to itself.
    for x12 in ["EA", "CA", "BX", "PK", "PH", "TN", "NS", "DA", "DW"] {
        if let Some(rec20) = table.forward(x12) {
            let back = table.reverse(rec20).expect("a preferred reverse");
            assert_eq!(table.forward(back), Some(rec20), "{x12}");
        }
    }
    assert!(mapping::code_table("no-such-table").is_err());
}
