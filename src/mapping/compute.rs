//! Computed values in jq, through jaq (a maintained jq implementation):
//! counts, sums, concatenations and conditional defaults that plain rules
//! cannot express. A computed rule runs one way and says so.

use jaq_core::load::{self, Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Filter, Native, RcIter};
use jaq_json::Val;
use serde_json::Value;
use std::cell::OnceCell;

/// A compiled jq expression. It sees the object its rule runs in as `.`
/// and the whole document as `$doc`.
pub struct Expression {
    source: String,
    filter: Filter<Native<Val>>,
    /// Whether it names `$doc`: only then is the document handed to jaq.
    uses_doc: bool,
}

/// The document expressions see as `$doc`, converted for jaq once, when
/// the first expression naming it runs: converting it for every line of
/// a large document would cost as much as the document, per line.
pub struct JqDoc<'a> {
    json: &'a Value,
    converted: OnceCell<Val>,
}

impl<'a> JqDoc<'a> {
    /// The document `json`, not yet converted.
    pub fn new(json: &'a Value) -> Self {
        JqDoc {
            json,
            converted: OnceCell::new(),
        }
    }

    /// The document as JSON.
    pub fn json(&self) -> &'a Value {
        self.json
    }

    fn val(&self) -> Val {
        self.converted
            .get_or_init(|| Val::from(self.json.clone()))
            .clone()
    }
}

impl std::fmt::Debug for Expression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "jq {:?}", self.source)
    }
}

fn offset(code: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(code.as_ptr() as usize)
}

impl Expression {
    /// Compiles `source`; errors say what was expected and at which byte.
    pub fn compile(source: &str) -> Result<Expression, String> {
        let arena = Arena::default();
        let loader = Loader::new(jaq_std::defs().chain(jaq_json::defs()));
        let modules = loader
            .load(
                &arena,
                File {
                    code: source,
                    path: (),
                },
            )
            .map_err(|errors| {
                let mut messages = Vec::new();
                for (file, error) in errors {
                    match error {
                        load::Error::Io(list) => {
                            messages.extend(list.into_iter().map(|(p, e)| format!("{p}: {e}")))
                        }
                        load::Error::Lex(list) => {
                            messages.extend(list.into_iter().map(|(expect, found)| {
                                format!(
                                    "at byte {}: expected {}",
                                    offset(file.code, found),
                                    expect.as_str()
                                )
                            }))
                        }
                        load::Error::Parse(list) => {
                            messages.extend(list.into_iter().map(|(expect, found)| {
                                format!(
                                    "at byte {}: expected {}",
                                    offset(file.code, found),
                                    expect.as_str()
                                )
                            }))
                        }
                    }
                }
                format!("jq {source:?}: {}", messages.join("; "))
            })?;
        let filter = Compiler::default()
            .with_funs(jaq_std::funs().chain(jaq_json::funs()))
            .with_global_vars(["$doc"])
            .compile(modules)
            .map_err(|errors| {
                let messages: Vec<String> = errors
                    .into_iter()
                    .flat_map(|(file, list)| {
                        list.into_iter().map(move |(name, undefined)| {
                            format!(
                                "undefined {} `{name}` at byte {}",
                                undefined.as_str(),
                                offset(file.code, name)
                            )
                        })
                    })
                    .collect();
                format!("jq {source:?}: {}", messages.join("; "))
            })?;
        Ok(Expression {
            source: source.to_string(),
            filter,
            // A name the compiler accepted: `$doc` is the only global.
            uses_doc: source.contains("$doc"),
        })
    }

    /// The first value the expression yields on `input` (with `$doc`), or
    /// `None` when it yields nothing or `null`.
    pub fn first(&self, input: &Value, doc: &JqDoc<'_>) -> Result<Option<Value>, String> {
        let inputs = RcIter::new(core::iter::empty());
        let doc = if self.uses_doc { doc.val() } else { Val::Null };
        let ctx = Ctx::new([doc], &inputs);
        let mut out = self.filter.run((ctx, Val::from(input.clone())));
        match out.next() {
            None => Ok(None),
            Some(Ok(v)) => {
                let value: Value = serde_json::from_str(&v.to_string())
                    .map_err(|e| format!("jq {:?}: {e}", self.source))?;
                Ok((!value.is_null()).then_some(value))
            }
            Some(Err(e)) => Err(format!("jq {:?}: {e}", self.source)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn expressions_compute_from_the_object_and_the_document() {
        let count = Expression::compile(".lines | length").unwrap();
        let json = json!({"lines": [{"q": "2"}, {"q": "3.5"}], "currency": "EUR"});
        let doc = JqDoc::new(&json);
        assert_eq!(count.first(&json, &doc).unwrap(), Some(json!(2)));
        let sum = Expression::compile("[.lines[].q | tonumber] | add").unwrap();
        assert_eq!(sum.first(&json, &doc).unwrap(), Some(json!(5.5)));
        assert!(doc.converted.get().is_none(), "converted before `$doc` ran");
        let inherited = Expression::compile("$doc.currency").unwrap();
        assert_eq!(
            inherited.first(&json!({}), &doc).unwrap(),
            Some(json!("EUR"))
        );
        assert_eq!(
            Expression::compile(".missing")
                .unwrap()
                .first(&json, &doc)
                .unwrap(),
            None
        );
    }

    #[test]
    fn bad_expressions_say_where() {
        let e = Expression::compile(".lines | lenght").unwrap_err();
        assert!(e.contains("undefined") && e.contains("lenght"), "{e}");
        let e = Expression::compile(".lines | ").unwrap_err();
        assert!(e.contains("expected"), "{e}");
    }
}
