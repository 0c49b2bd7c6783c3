//! Reading the envelope segments (UNB, UNG, UNH) into report headers, and
//! the checks only the envelope has: syntax identifier and version, dates
//! and times of preparation.

use super::charset::Charset;
use super::report::{codes, GroupReport, InterchangeHeader, MessageReport, Party};
use super::segment::Segment;

/// A finding in an envelope segment: code, element, component, message.
pub(crate) type EnvelopeProblem = (u8, u16, Option<u16>, String);

/// Reads a UNB; the problems are those the service dictionary cannot see.
pub(crate) fn read_unb(
    unb: &Segment<'_>,
    problems: &mut Vec<EnvelopeProblem>,
) -> (InterchangeHeader, Option<Charset>) {
    let party = |element: usize| Party {
        id: unb.text(element, 1),
        qualifier: unb.text(element, 2),
        routing: unb.text(element, 3),
    };
    let version_text = unb.text(1, 2);
    let header = InterchangeHeader {
        syntax_identifier: unb.text(1, 1),
        syntax_version: version_text.parse().unwrap_or(0),
        sender: party(2),
        recipient: party(3),
        date: unb.text(4, 1),
        time: unb.text(4, 2),
        reference: unb.text(5, 1),
        application: unb.text(7, 1),
        ack_requested: unb.text(9, 1) == "1",
        test: unb.text(11, 1) == "1",
    };
    let charset = Charset::from_syntax_identifier(header.syntax_identifier.as_bytes());
    if charset.is_none() && !header.syntax_identifier.is_empty() {
        problems.push((
            codes::CHARACTER_SET_NOT_SUPPORTED,
            1,
            Some(1),
            format!(
                "syntax identifier {} names no character repertoire edigate supports (UNOA to UNOK, UNOW, UNOY)",
                header.syntax_identifier
            ),
        ));
    }
    if !(1..=4).contains(&header.syntax_version) && !version_text.is_empty() {
        problems.push((
            codes::SYNTAX_NOT_SUPPORTED,
            1,
            Some(2),
            format!("syntax version {version_text} is not 1, 2, 3 or 4"),
        ));
    }
    let date_length = if header.syntax_version >= 4 { 8 } else { 6 };
    check_date_time(&header.date, &header.time, date_length, 4, problems);
    (header, charset)
}

/// Reads a UNG into a group report.
pub(crate) fn read_ung(ung: &Segment<'_>, problems: &mut Vec<EnvelopeProblem>) -> GroupReport {
    let date = ung.text(4, 1);
    let time = ung.text(4, 2);
    if !date.is_empty() {
        // UNG dates follow the syntax version too; accept either length.
        let length = if date.len() == 8 { 8 } else { 6 };
        check_date_time(&date, &time, length, 4, problems);
    }
    GroupReport {
        explicit: true,
        group_id: ung.text(1, 1),
        sender: ung.text(2, 1),
        recipient: ung.text(3, 1),
        reference: ung.text(5, 1),
        ..GroupReport::default()
    }
}

/// Reads a UNH into a message report.
pub(crate) fn read_unh(unh: &Segment<'_>) -> MessageReport {
    MessageReport {
        reference: unh.text(1, 1),
        message_type: unh.text(2, 1),
        version: unh.text(2, 2),
        release: unh.text(2, 3),
        agency: unh.text(2, 4),
        association: unh.text(2, 5),
        ..MessageReport::default()
    }
}

fn check_date_time(
    date: &str,
    time: &str,
    date_length: usize,
    element: u16,
    problems: &mut Vec<EnvelopeProblem>,
) {
    // A date of the wrong length is the service dictionary's to report.
    if date.len() == date_length && !valid_date(date, date_length) {
        problems.push((
            codes::INVALID_VALUE,
            element,
            Some(1),
            format!(
                "date of preparation {date:?} is not a calendar date ({})",
                if date_length == 8 {
                    "CCYYMMDD"
                } else {
                    "YYMMDD"
                }
            ),
        ));
    }
    if !time.is_empty() && !valid_time(time) {
        problems.push((
            codes::INVALID_VALUE,
            element,
            Some(2),
            format!("time of preparation {time:?} is not a time of day (HHMM)"),
        ));
    }
}

fn valid_date(date: &str, length: usize) -> bool {
    if date.len() != length || !date.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let number = |s: &str| s.parse::<u32>().unwrap_or(0);
    let (year, rest) = if length == 8 {
        (number(&date[..4]) as i32, &date[4..])
    } else {
        (2000 + number(&date[..2]) as i32, &date[2..])
    };
    chrono::NaiveDate::from_ymd_opt(year, number(&rest[..2]), number(&rest[2..])).is_some()
}

fn valid_time(time: &str) -> bool {
    time.len() == 4
        && time.bytes().all(|b| b.is_ascii_digit())
        && time[..2].parse::<u32>().is_ok_and(|h| h < 24)
        && time[2..].parse::<u32>().is_ok_and(|m| m < 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_syntax_version() {
        assert!(valid_date("960229", 6));
        assert!(!valid_date("970229", 6));
        assert!(valid_date("20240229", 8));
        assert!(!valid_date("240229", 8));
        assert!(valid_time("2359"));
        assert!(!valid_time("2460"));
    }
}
