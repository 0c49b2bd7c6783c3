//! Example documents made from a mapping's own rules: every field the
//! mapping carries both ways gets a value of its kind (a code its table
//! can write back, a date, a decimal within the element's places). The
//! round-trip property tests run on them; they also show what a mapping
//! covers.

use serde_json::{Map, Value};

use super::compile::{Direction, EachRule, Kind, Scope, ValueRule};
use super::convert::Codes;
use super::field::Leaf;

/// A small deterministic generator (xorshift), so a failing seed
/// reproduces.
pub struct Dice(u64);

impl Dice {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Dice {
        Dice(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }

    fn pick<'a>(&mut self, items: &'a [String]) -> Option<&'a String> {
        (!items.is_empty()).then(|| &items[self.below(items.len() as u64) as usize])
    }
}

/// Fills `object` with values for the two-way rules of `scope`.
pub fn fill_scope(scope: &Scope, dice: &mut Dice, object: &mut Map<String, Value>) {
    for rule in &scope.rules {
        match &rule.kind {
            Kind::Value(v) => {
                if let (Some(field), Some(value)) = (&v.field, example_value(v, dice)) {
                    field.put(object, value);
                }
            }
            Kind::List(l) => {
                // One segment's worth: more would need repeated segments the
                // scope may not allow (the writer warns and stops there).
                let count = 1 + dice.below(l.members.len() as u64) as usize;
                for j in 0..count {
                    let (_, member) = &l.members[j % l.members.len()];
                    if let Some(value) = example_value(member, dice) {
                        l.field.put(object, value);
                    }
                }
            }
            Kind::Each(e) if e.direction == Direction::Both => fill_each(e, dice, object),
            Kind::Each(_) => {}
            Kind::Fill(_) => {}
        }
    }
}

fn fill_each(e: &EachRule, dice: &mut Dice, object: &mut Map<String, Value>) {
    let Some(field) = &e.field else {
        fill_scope(&e.scope, dice, object);
        return;
    };
    let limit = e.max.map_or(3, |m| m.min(3)) as u64;
    let count = if field.appends() {
        1 + dice.below(limit)
    } else {
        1
    };
    for _ in 0..count {
        let mut item = Map::new();
        fill_scope(&e.scope, dice, &mut item);
        if !item.is_empty() {
            field.put(object, Value::Object(item));
        }
    }
}

/// A value for a two-way, plain rule (none for constants, computed or
/// one-way rules, whose values the mapping does not carry back).
fn example_value(v: &ValueRule, dice: &mut Dice) -> Option<Value> {
    if v.direction != Direction::Both
        || v.constant.is_some()
        || v.compute.is_some()
        || v.tally.is_some()
    {
        return None;
    }
    let codes: Vec<String> = match &v.convert.codes {
        Some(Codes::Table(t)) => t.targets().map(str::to_string).collect(),
        Some(Codes::Inline { reverse, .. }) => {
            let mut keys: Vec<String> = reverse.keys().cloned().collect();
            keys.sort();
            keys
        }
        None => Vec::new(),
    };
    let value = match &v.convert.leaf {
        _ if !codes.is_empty() => {
            let code = dice.pick(&codes)?.clone();
            match v.convert.leaf {
                Leaf::Bool => Value::Bool(code == "true"),
                _ => Value::String(code),
            }
        }
        Leaf::Text => Value::String(word(dice)),
        Leaf::Date => Value::String(format!(
            "20{:02}-{:02}-{:02}",
            20 + dice.below(10),
            1 + dice.below(12),
            1 + dice.below(28)
        )),
        Leaf::Decimal => {
            let cents = 1 + dice.below(10_000_000) as i64;
            let places = if v.convert.implied > 0 {
                u32::from(v.convert.implied).min(2)
            } else {
                2
            };
            let number = rust_decimal::Decimal::new(cents, 2).round_dp(places);
            Value::String(number.normalize().to_string())
        }
        Leaf::Integer => Value::from(1 + dice.below(90)),
        Leaf::Bool => Value::Bool(dice.below(2) == 1),
        Leaf::Enum { names, .. } => Value::String(dice.pick(names)?.clone()),
    };
    Some(value)
}

/// An upper-case word that no EDI syntax treats as a delimiter.
fn word(dice: &mut Dice) -> String {
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    let len = 2 + dice.below(8) as usize;
    (0..len)
        .map(|_| LETTERS[dice.below(LETTERS.len() as u64) as usize] as char)
        .collect()
}

/// Every (JSON pointer, value) of the leaves in `value`, for comparing
/// what was generated with what came back.
pub fn leaves(value: &Value, at: &str, out: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                leaves(v, &format!("{at}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                leaves(v, &format!("{at}/{i}"), out);
            }
        }
        leaf => out.push((at.to_string(), leaf.clone())),
    }
}
