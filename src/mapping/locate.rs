//! Where a rule reads and writes in an EDI message: element positions
//! (`REF02`, `BGM01-1`), qualifier conditions (`REF02 where REF01=DP`) and
//! loop selections (`N1 where N101=ST`, `SG2 where NAD01=BY`). The same
//! notation serves X12 and EDIFACT.

use std::fmt;

/// An element (and component) of a segment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Position {
    /// The segment tag.
    pub tag: String,
    /// The element position, from 1.
    pub element: usize,
    /// The component position, from 1 (1 for a simple element).
    pub component: usize,
}

impl Position {
    /// Parses `REF02` or `BGM01-1`: the tag, then two digits, then an
    /// optional `-component`.
    pub fn parse(text: &str) -> Result<Position, String> {
        let (head, component) = match text.split_once('-') {
            Some((head, c)) => (
                head,
                c.parse::<usize>().ok().filter(|&c| c > 0).ok_or_else(|| {
                    format!("{text:?}: the component after `-` is a number from 1")
                })?,
            ),
            None => (text, 1),
        };
        let bad = || {
            format!("{text:?}: a position is a segment tag and a two-digit element (`REF02`, `BGM01-1`)")
        };
        if head.len() < 4 || !head.is_ascii() {
            return Err(bad());
        }
        let (tag, digits) = head.split_at(head.len() - 2);
        let element: usize = digits.parse().map_err(|_| bad())?;
        if element == 0 || !is_tag(tag) {
            return Err(bad());
        }
        Ok(Position {
            tag: tag.to_string(),
            element,
            component,
        })
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{:02}", self.tag, self.element)?;
        if self.component > 1 {
            write!(f, "-{}", self.component)?;
        }
        Ok(())
    }
}

/// A segment tag: two or three upper-case letters or digits, starting
/// with a letter.
pub fn is_tag(text: &str) -> bool {
    (2..=3).contains(&text.len())
        && text.as_bytes()[0].is_ascii_uppercase()
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// `position=value` (or `=a|b`: any of the values; the first is written).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Condition {
    /// Where the qualifier is.
    pub at: Position,
    /// The values that satisfy the condition.
    pub values: Vec<String>,
}

impl Condition {
    /// Whether `value` satisfies the condition.
    pub fn accepts(&self, value: &str) -> bool {
        self.values.iter().any(|v| v == value)
    }
}

/// A position with the conditions its segment must meet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Locator {
    /// The element read or written.
    pub position: Position,
    /// Qualifiers of the same segment.
    pub conditions: Vec<Condition>,
}

/// A loop (or repeated segment) with the conditions a repetition must meet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    /// A loop id from the guide (`N1`, `PO1`, `SG2`) or a segment tag.
    pub id: String,
    /// Qualifiers, each on the first segment with its tag in the repetition.
    pub conditions: Vec<Condition>,
}

fn split_where(text: &str) -> (&str, Option<&str>) {
    match text.split_once(" where ") {
        Some((head, rest)) => (head.trim(), Some(rest.trim())),
        None => (text.trim(), None),
    }
}

fn parse_conditions(text: Option<&str>) -> Result<Vec<Condition>, String> {
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    text.split(" and ")
        .map(|part| {
            let (at, values) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?}: a condition is `REF01=DP`"))?;
            let values: Vec<String> = values.trim().split('|').map(str::to_string).collect();
            if values.iter().any(String::is_empty) {
                return Err(format!("{part:?}: a condition needs a value"));
            }
            Ok(Condition {
                at: Position::parse(at.trim())?,
                values,
            })
        })
        .collect()
}

impl Locator {
    /// Parses `REF02` or `REF02 where REF01=DP and …`. Conditions name the
    /// same segment.
    pub fn parse(text: &str) -> Result<Locator, String> {
        let (head, rest) = split_where(text);
        let position = Position::parse(head)?;
        let conditions = parse_conditions(rest)?;
        if let Some(c) = conditions.iter().find(|c| c.at.tag != position.tag) {
            return Err(format!(
                "{text:?}: the condition on {} must name {}, the segment read",
                c.at, position.tag
            ));
        }
        Ok(Locator {
            position,
            conditions,
        })
    }
}

impl Selector {
    /// Parses `N1` or `N1 where N101=ST and …`.
    pub fn parse(text: &str) -> Result<Selector, String> {
        let (head, rest) = split_where(text);
        let valid = !head.is_empty()
            && head
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
        if !valid {
            return Err(format!(
                "{text:?}: name a loop or segment (`N1`, `SG2 where NAD01=BY`)"
            ));
        }
        Ok(Selector {
            id: head.to_string(),
            conditions: parse_conditions(rest)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_conditions_parse() {
        let l = Locator::parse("REF02 where REF01=DP").unwrap();
        assert_eq!(l.position.to_string(), "REF02");
        assert_eq!(l.conditions[0].values, ["DP"]);
        let l = Locator::parse("DTM01-2 where DTM01-1=137|4").unwrap();
        assert_eq!((l.position.element, l.position.component), (1, 2));
        assert!(l.conditions[0].accepts("4"));
        assert_eq!(Position::parse("N104").unwrap().tag, "N1");
        let s = Selector::parse("SG2 where NAD01=BY").unwrap();
        assert_eq!(s.id, "SG2");
    }

    #[test]
    fn bad_positions_say_how_to_write_them() {
        for bad in ["REF", "ref02", "REF2", "REF00", "REF02-0", "1EF02"] {
            assert!(Position::parse(bad).is_err(), "{bad}");
        }
        assert!(Locator::parse("REF02 where N101=ST")
            .unwrap_err()
            .contains("must name REF"));
        assert!(Locator::parse("REF02 where REF01").is_err());
    }
}
