//! Acknowledgment rules partners depend on, beyond the golden files.

mod common;

use edigate::edi::x12::ack::AckKind;

const ISA: &str = "ISA*00*          *00*          *ZZ*BUYER          *ZZ*SELLER         *260101*1200*U*00401*000000007*0*P*>~\n";

fn ack(input: &str, kind: Option<AckKind>) -> String {
    common::ack_text(input.as_bytes(), kind, "20260102", "0800")
}

fn order(gs: &str, body: &str, segments: usize, ge01: usize) -> String {
    format!("{ISA}{gs}\nST*850*0001~\n{body}SE*{segments}*0001~\nGE*{ge01}*1~\nIEA*1*000000007~\n")
}

#[test]
fn a_missing_segment_and_an_element_error_at_one_position_get_their_own_ak3() {
    // BEG is missing where REF stands; REF itself has an empty REF02/REF03.
    let input = order(
        "GS*PO*BUYER*SELLER*20260101*1200*1*X*004010~",
        "REF*DP~\nPO1*1*1*EA*1**VP*X~\n",
        4,
        1,
    );
    let text = ack(&input, None);
    assert!(text.contains("AK3*BEG*2**3~"), "{text}");
    assert!(text.contains("AK3*REF*2**8~"), "{text}");
    assert!(text.contains("AK4*2*127*2~"), "{text}");
}

#[test]
fn inbound_values_holding_delimiters_do_not_stop_the_acknowledgment() {
    let input = order(
        "GS*PO*BUYER>01*SELLER*20260101*1200*1*X*004010~",
        "BEG*00*SA*1**20260101~\nPO1*1*1*EA*1**VP*X~\n",
        4,
        1,
    );
    let text = ack(&input, None);
    assert!(text.contains("GS*FA*SELLER*BUYER01*"), "{text}");
    assert!(common::validate(text.as_bytes()).is_valid(), "{text}");
}

#[test]
fn ak902_is_what_ge01_declared() {
    let input = order(
        "GS*PO*BUYER*SELLER*20260101*1200*1*X*004010~",
        "BEG*00*SA*1**20260101~\nPO1*1*1*EA*1**VP*X~\n",
        4,
        2,
    );
    let text = ack(&input, None);
    assert!(text.contains("AK9*R*2*1*1*5~"), "{text}");
}

#[test]
fn a_bad_gs_rejects_the_interchange_with_ta1_024() {
    let input = order(
        "GS*PO*BUYER*SELLER*20261301*1200*1*X*004010~",
        "BEG*00*SA*1**20260101~\nPO1*1*1*EA*1**VP*X~\n",
        4,
        1,
    );
    let text = ack(&input, None);
    assert!(text.contains("TA1*000000007*260101*1200*R*024~"), "{text}");
    assert!(
        !text.contains("GS*FA"),
        "a rejected interchange gets its TA1 alone: {text}"
    );
}

#[test]
fn acknowledgments_are_not_acknowledged_but_ta1_still_answers_on_request() {
    let fa = format!(
        "{}GS*FA*BUYER*SELLER*20260101*1200*1*X*004010~\nST*997*0001~\nAK1*PO*1~\nAK9*A*1*1*1~\nSE*4*0001~\nGE*1*1~\nIEA*1*000000007~\n",
        ISA.replace("*0*P*>", "*1*P*>")
    );
    let text = ack(&fa, None);
    assert!(text.contains("TA1*000000007*260101*1200*A*000~"), "{text}");
    assert!(!text.contains("ST*997"), "{text}");
    assert!(ack(&fa.replace("*1*P*>", "*0*P*>"), None).is_empty());
}
