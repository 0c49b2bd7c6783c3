//! Field paths into canonical documents (`lines[].quantity.value`), checked
//! against the document's JSON Schema when a mapping is loaded: an unknown
//! field or a value of the wrong kind is a load-time error, not a surprise
//! in production.

use serde_json::{Map, Value};

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The property name.
    pub name: String,
    /// `name[]`: the property is a list and the step appends to it.
    pub list: bool,
    /// `name[0]`: the first item of the list (made when absent).
    pub first: bool,
}

/// A path of property names, relative to the object a rule runs in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldPath {
    /// The steps, outermost first.
    pub steps: Vec<Step>,
}

impl FieldPath {
    /// Parses `a.b[].c`.
    pub fn parse(text: &str) -> Result<FieldPath, String> {
        let steps = text
            .split('.')
            .map(|part| {
                let (name, list, first) = match (part.strip_suffix("[]"), part.strip_suffix("[0]")) {
                    (Some(name), _) => (name, true, false),
                    (None, Some(name)) => (name, false, true),
                    (None, None) => (part, false, false),
                };
                let valid = !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                if !valid {
                    return Err(format!(
                        "{text:?}: field names are lower-case letters, digits and `_`, joined by `.`"
                    ));
                }
                Ok(Step {
                    name: name.to_string(),
                    list,
                    first,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if steps.last().is_some_and(|s| s.first) {
            return Err(format!(
                "{text:?}: `[0]` names the first item of a list; its fields follow (`orders[0].packs[]`)"
            ));
        }
        Ok(FieldPath { steps })
    }

    /// The path as written.
    pub fn display(&self) -> String {
        let parts: Vec<String> = self
            .steps
            .iter()
            .map(|s| {
                let suffix = match (s.list, s.first) {
                    (true, _) => "[]",
                    (_, true) => "[0]",
                    _ => "",
                };
                format!("{}{suffix}", s.name)
            })
            .collect();
        parts.join(".")
    }

    /// Whether the last step appends to a list.
    pub fn appends(&self) -> bool {
        self.steps.last().is_some_and(|s| s.list)
    }

    /// The value at this path in `object`, if present (a list step reads
    /// the whole list).
    pub fn get<'a>(&self, object: &'a Value) -> Option<&'a Value> {
        let mut at = object;
        for step in &self.steps {
            at = at.get(&step.name)?;
            if step.first {
                at = at.get(0)?;
            }
            if at.is_null() {
                return None;
            }
        }
        Some(at)
    }

    /// The value at this path in the fields of `object`, if present.
    pub fn get_in<'a>(&self, object: &'a Map<String, Value>) -> Option<&'a Value> {
        let (first, rest) = self.steps.split_first()?;
        let mut at = object.get(&first.name)?;
        if first.first {
            at = at.get(0)?;
        }
        for step in rest {
            if at.is_null() {
                return None;
            }
            at = at.get(&step.name)?;
            if step.first {
                at = at.get(0)?;
            }
        }
        (!at.is_null()).then_some(at)
    }

    /// The path without its last step (empty for a one-step path).
    pub fn parent(&self) -> FieldPath {
        FieldPath {
            steps: self.steps[..self.steps.len().saturating_sub(1)].to_vec(),
        }
    }

    /// The object holding the last step, created on the way.
    pub fn parent_mut<'a>(&self, object: &'a mut Map<String, Value>) -> &'a mut Map<String, Value> {
        let mut at = object;
        for step in &self.steps[..self.steps.len() - 1] {
            // Most steps exist already: look before paying for the key.
            if !at.contains_key(&step.name) {
                let empty = if step.first {
                    Value::Array(Vec::new())
                } else {
                    Value::Object(Map::new())
                };
                at.insert(step.name.clone(), empty);
            }
            let mut slot = at.get_mut(&step.name).expect("inserted above");
            if step.first {
                if !slot.is_array() {
                    *slot = Value::Array(Vec::new());
                }
                let items = slot.as_array_mut().expect("made a list above");
                if items.is_empty() {
                    items.push(Value::Object(Map::new()));
                }
                slot = &mut items[0];
            }
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            at = slot.as_object_mut().expect("made an object above");
        }
        at
    }

    /// Sets (or appends, for `name[]`) `value`; returns whether the value
    /// is now in the document. An existing scalar is kept (the first rule
    /// that places a field wins; a different later value is not placed);
    /// an object is merged into an existing one, field by field.
    pub fn put(&self, object: &mut Map<String, Value>, value: Value) -> bool {
        let last = self.steps.last().expect("paths are never empty");
        let parent = self.parent_mut(object);
        if last.list {
            return match parent.get_mut(&last.name) {
                Some(Value::Array(items)) => {
                    items.push(value);
                    true
                }
                Some(_) => false,
                None => {
                    parent.insert(last.name.clone(), Value::Array(vec![value]));
                    true
                }
            };
        }
        match (parent.get_mut(&last.name), value) {
            (None, value) => {
                parent.insert(last.name.clone(), value);
                true
            }
            (Some(Value::Object(existing)), Value::Object(more)) => {
                let mut all = true;
                for (key, v) in more {
                    match existing.get(&key) {
                        Some(old) => all &= *old == v,
                        None => {
                            existing.insert(key, v);
                        }
                    }
                }
                all
            }
            (Some(existing), value) => *existing == value,
        }
    }
}

/// What kind of value sits at the end of a field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Leaf {
    /// Text.
    Text,
    /// A calendar date (`YYYY-MM-DD` in JSON).
    Date,
    /// A decimal number (a string in JSON).
    Decimal,
    /// A whole number.
    Integer,
    /// True or false.
    Bool,
    /// One of fixed names; `other` when the enum also takes any code as
    /// `{"other": code}`.
    Enum {
        /// The allowed names.
        names: Vec<String>,
        /// Whether `{"other": …}` is allowed.
        other: bool,
    },
}

/// What a field path leads to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A scalar value.
    Leaf(Leaf),
    /// An object (rules run inside it).
    Object,
}

/// The JSON Schema of one document type, navigable by field path.
pub struct Schema {
    root: Value,
}

impl Schema {
    /// Wraps a schema as schemars renders it.
    pub fn new(root: Value) -> Schema {
        Schema { root }
    }

    /// The root object's schema.
    pub fn root(&self) -> &Value {
        &self.root
    }

    /// Resolves `path` starting at `from` (an object schema): the schema of
    /// the object or value reached (for `x[]`, of one list item), and its
    /// shape.
    pub fn resolve<'a>(
        &'a self,
        from: &'a Value,
        path: &FieldPath,
    ) -> Result<(&'a Value, Shape), String> {
        let mut at = self.deref(from);
        for (i, step) in path.steps.iter().enumerate() {
            let properties = at.get("properties").and_then(Value::as_object);
            let Some(property) = properties.and_then(|p| p.get(&step.name)) else {
                let known: Vec<&str> = properties
                    .map(|p| p.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                return Err(format!(
                    "no field {:?} here (known: {})",
                    step.name,
                    known.join(", ")
                ));
            };
            let property = self.deref(property);
            let is_list = type_names(property).contains(&"array");
            at = match (is_list, step.list || step.first) {
                (true, true) => self.deref(property.get("items").unwrap_or(&Value::Null)),
                (false, false) => property,
                (true, false) => {
                    return Err(format!(
                        "{:?} is a list: write `{}[]`",
                        step.name, step.name
                    ))
                }
                (false, true) => return Err(format!("{:?} is not a list", step.name)),
            };
            if i + 1 < path.steps.len() && leaf(at).is_some() {
                return Err(format!("{:?} holds a value, not fields", step.name));
            }
        }
        let shape = leaf(at).map_or(Shape::Object, Shape::Leaf);
        Ok((at, shape))
    }

    /// Follows `$ref` and unwraps `anyOf [X, null]` (an optional X).
    fn deref<'a>(&'a self, mut schema: &'a Value) -> &'a Value {
        for _ in 0..16 {
            if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
                let name = reference.trim_start_matches("#/$defs/");
                match self.root.get("$defs").and_then(|d| d.get(name)) {
                    Some(target) => schema = target,
                    None => return schema,
                }
            } else if let Some(any) = schema.get("anyOf").and_then(Value::as_array) {
                match any.iter().find(|s| s.get("type") != Some(&"null".into())) {
                    Some(inner) => schema = inner,
                    None => return schema,
                }
            } else {
                return schema;
            }
        }
        schema
    }
}

fn type_names(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The leaf kind of a value schema, or `None` for an object.
fn leaf(schema: &Value) -> Option<Leaf> {
    if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
        let names = variants
            .iter()
            .filter_map(|v| v.get("const").and_then(Value::as_str))
            .map(str::to_string)
            .collect();
        let other = variants
            .iter()
            .any(|v| v.pointer("/properties/other").is_some());
        return Some(Leaf::Enum { names, other });
    }
    let types = type_names(schema);
    if types.contains(&"object") || schema.get("properties").is_some() {
        return None;
    }
    if types.contains(&"string") && types.contains(&"number") {
        return Some(Leaf::Decimal);
    }
    if types.contains(&"integer") {
        return Some(Leaf::Integer);
    }
    if types.contains(&"boolean") {
        return Some(Leaf::Bool);
    }
    if schema.get("format").and_then(Value::as_str) == Some("date") {
        return Some(Leaf::Date);
    }
    Some(Leaf::Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> Schema {
        Schema::new(serde_json::to_value(schemars::schema_for!(crate::document::Order)).unwrap())
    }

    fn shape(path: &str) -> Result<Shape, String> {
        let schema = order();
        let path = FieldPath::parse(path)?;
        schema.resolve(schema.root(), &path).map(|(_, s)| s)
    }

    #[test]
    fn paths_resolve_to_their_kind() {
        assert_eq!(shape("id"), Ok(Shape::Leaf(Leaf::Text)));
        assert_eq!(shape("issue_date"), Ok(Shape::Leaf(Leaf::Date)));
        assert_eq!(shape("lines[]"), Ok(Shape::Object));
        assert_eq!(
            shape("lines[].quantity.value"),
            Ok(Shape::Leaf(Leaf::Decimal))
        );
        assert_eq!(shape("ship_to"), Ok(Shape::Object));
        assert_eq!(
            shape("payment_terms.net_days"),
            Ok(Shape::Leaf(Leaf::Integer))
        );
        assert!(matches!(
            shape("buyer.ids[].scheme"),
            Ok(Shape::Leaf(Leaf::Enum { other: true, .. }))
        ));
        assert_eq!(shape("notes[]"), Ok(Shape::Leaf(Leaf::Text)));
    }

    #[test]
    fn wrong_paths_say_what_is_wrong() {
        assert!(shape("lines.id").unwrap_err().contains("is a list"));
        assert!(shape("po_number").unwrap_err().contains("known: "));
        assert!(shape("id.x").unwrap_err().contains("holds a value"));
        assert!(shape("Lines").is_err());
    }

    #[test]
    fn put_keeps_the_first_value_and_appends_to_lists() {
        let mut doc = Map::new();
        FieldPath::parse("a.b").unwrap().put(&mut doc, "1".into());
        FieldPath::parse("a.b").unwrap().put(&mut doc, "2".into());
        FieldPath::parse("a.c[]").unwrap().put(&mut doc, "x".into());
        FieldPath::parse("a.c[]").unwrap().put(&mut doc, "y".into());
        assert_eq!(
            Value::Object(doc),
            serde_json::json!({"a": {"b": "1", "c": ["x", "y"]}})
        );
    }
}
