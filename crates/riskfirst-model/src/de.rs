//! A serde deserializer over a positioned tree that keeps going after errors.
//!
//! Two things set it apart from a plain deserializer, and both exist so that
//! `riskfirst validate` reports every problem at once:
//! - unknown keys are recorded (with a "did you mean") and skipped, not fatal;
//! - an element of a list that fails is recorded and left out, and the rest
//!   of the list is still read. The ids of elements left out are remembered,
//!   so references to them do not raise a second, misleading error.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use crate::diag::{closest, Diagnostic};
use crate::node::{scalar_text, Node, Value};
use crate::span::{Span, SPANNED_NAME};

/// What a deserialization run collects besides the value.
#[derive(Default)]
pub(crate) struct Ctx {
    pub diagnostics: RefCell<Vec<Diagnostic>>,
    /// Ids of list elements that failed to read.
    pub broken_ids: RefCell<Vec<String>>,
}

#[derive(Debug)]
pub(crate) struct Error {
    code: &'static str,
    message: String,
    span: Option<Span>,
    hint: Option<String>,
}

impl Error {
    fn at(mut self, span: Span) -> Self {
        if self.span.is_none() {
            self.span = Some(span);
        }
        self
    }

    pub(crate) fn into_diagnostic(self, fallback: Span) -> Diagnostic {
        let mut d = Diagnostic::error(self.code, self.message, self.span.unwrap_or(fallback));
        d.hint = self.hint;
        d
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error {
            code: "E011",
            message: msg.to_string(),
            span: None,
            hint: None,
        }
    }

    fn invalid_type(unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        let expected = user_expected(exp);
        Error {
            code: "E011",
            message: format!("expected {expected}, found {}", describe_unexpected(&unexp)),
            span: None,
            hint: type_hint(&unexp, &expected),
        }
    }

    fn invalid_value(unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        let expected = user_expected(exp);
        Error {
            code: "E011",
            message: format!("expected {expected}, found {}", describe_unexpected(&unexp)),
            span: None,
            hint: type_hint(&unexp, &expected),
        }
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let mut hint = format!("allowed values: {}", expected.join(", "));
        if let Some(best) = closest(variant, expected.iter().copied()) {
            hint = format!("did you mean `{best}`? {hint}");
        }
        Error {
            code: "E013",
            message: format!("unknown value `{variant}`"),
            span: None,
            hint: Some(hint),
        }
    }

    fn missing_field(field: &'static str) -> Self {
        Error {
            code: "E012",
            message: format!("missing required key `{field}`"),
            span: None,
            hint: None,
        }
    }
}

fn describe_unexpected(u: &de::Unexpected) -> String {
    match u {
        de::Unexpected::Bool(b) => format!("the boolean `{b}`"),
        de::Unexpected::Signed(i) => format!("the integer `{i}`"),
        de::Unexpected::Unsigned(i) => format!("the integer `{i}`"),
        // Past 2^63 a whole number is read as a float, which would print rounded
        // (`100000000000000000000` for `99999999999999999999`): the source line shows it.
        de::Unexpected::Float(f) if f.fract() == 0.0 && f.abs() >= 9.2e18 => {
            "a number too large to count".to_string()
        }
        de::Unexpected::Float(f) => format!("the number `{f}`"),
        de::Unexpected::Str(s) => format!("the string `{s}`"),
        de::Unexpected::Unit => "null".to_string(),
        de::Unexpected::Seq => "a list".to_string(),
        de::Unexpected::Map => "a mapping".to_string(),
        other => other.to_string(),
    }
}

const WHOLE: &str = "a whole number";
const COUNT: &str = "a whole number of 0 or more";
const NUMBER: &str = "a number";

/// What a value should be, in the words of the format rather than of Rust
/// (serde's primitive visitors say `u64`, `f64`, `a sequence`).
fn user_expected(exp: &dyn de::Expected) -> String {
    let text = exp.to_string();
    match text.as_str() {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => COUNT.into(),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => WHOLE.into(),
        "f32" | "f64" => NUMBER.into(),
        "a sequence" => "a list".into(),
        "a map" => "a mapping".into(),
        _ => text,
    }
}

/// A hint for the mistakes behind a wrong type that the message alone does not explain.
fn type_hint(unexp: &de::Unexpected, expected: &str) -> Option<String> {
    let numeric = expected == NUMBER || expected == WHOLE || expected == COUNT;
    match unexp {
        de::Unexpected::Str(s) if numeric => {
            let lower = s.to_ascii_lowercase();
            let bare = lower.trim_start_matches(['+', '-', '.']);
            if lower.parse::<f64>().is_ok_and(f64::is_finite) {
                // A finite number arrives as text only when it was quoted.
                Some(format!(
                    "`{s}` is quoted, so it is text: write it without quotes, as {s}"
                ))
            } else if lower.parse::<f64>().is_ok() || matches!(bare, "inf" | "infinity" | "nan") {
                Some(format!("`{s}` is not a finite number that fits in 64 bits; amounts, counts and rates must be finite"))
            } else {
                Some("write the number without quotes or units, such as `250000` or `0.6`".into())
            }
        }
        de::Unexpected::Str(s) if expected == "a boolean" => Some(format!(
            "write `true` or `false`{}",
            if matches!(s.to_ascii_lowercase().as_str(), "yes" | "no" | "on" | "off") {
                " (YAML 1.2 reads yes/no/on/off as text)"
            } else {
                ""
            }
        )),
        de::Unexpected::Float(f) if expected == WHOLE || expected == COUNT => {
            Some(if f.fract() == 0.0 && f.abs() >= 9.2e18 {
                "the number is too large: whole numbers go up to 9223372036854775807".into()
            } else {
                "write a whole number, without a decimal point".into()
            })
        }
        de::Unexpected::Signed(i) if *i < 0 && expected == COUNT => {
            Some("it cannot be negative: write 0 or more".into())
        }
        de::Unexpected::Str(s) if expected == "a list" => {
            Some(format!("write a list, such as `[{s}]`"))
        }
        _ => None,
    }
}

/// Turns a Rust type name into the noun a user reads ("BusinessRisk" → "business risk").
fn noun(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Deserialises a tree that is read once: strings are moved out of it into
/// the value rather than copied (the tree is dropped afterwards). Ids are
/// copied, since diagnostics about an element name it by its id after the
/// element has been read, or failed to.
pub(crate) struct NodeDe<'a> {
    pub node: &'a mut Node,
    pub ctx: &'a Ctx,
    /// Copy strings instead of moving them (the value of an `id` key).
    keep: bool,
}

impl<'a> NodeDe<'a> {
    pub fn new(node: &'a mut Node, ctx: &'a Ctx) -> Self {
        NodeDe {
            node,
            ctx,
            keep: false,
        }
    }

    fn unexpected(&self) -> de::Unexpected<'_> {
        match &self.node.value {
            Value::Null => de::Unexpected::Unit,
            Value::Bool(b) => de::Unexpected::Bool(*b),
            Value::Int(i) => de::Unexpected::Signed(*i),
            Value::Float(f) => de::Unexpected::Float(*f),
            Value::Str(s) => de::Unexpected::Str(s),
            Value::Seq(_) => de::Unexpected::Seq,
            Value::Map(_) => de::Unexpected::Map,
        }
    }
}

macro_rules! forward_to_any {
    ($($name:ident)*) => {
        $(fn $name<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            self.deserialize_any(visitor)
        })*
    };
}

impl<'de, 'a> de::Deserializer<'de> for NodeDe<'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let span = self.node.span;
        let result = match &mut self.node.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::Str(s) if self.keep => visitor.visit_str(s),
            Value::Str(s) => visitor.visit_string(std::mem::take(s)),
            Value::Seq(items) => visitor.visit_seq(SeqAccess {
                items: items.iter_mut(),
                ctx: self.ctx,
            }),
            Value::Map(entries) => visitor.visit_map(MapAccess {
                entries: entries.iter_mut(),
                fields: None,
                value: None,
                keep: false,
                ctx: self.ctx,
            }),
        };
        result.map_err(|e| e.at(span))
    }

    forward_to_any! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_f32 deserialize_f64
        deserialize_char deserialize_bytes deserialize_byte_buf deserialize_unit deserialize_map
        deserialize_identifier
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        // An id such as `2024` reads as a number in YAML; where a string is
        // expected, a number is taken by its text.
        match &self.node.value {
            Value::Int(_) | Value::Float(_) => visitor
                .visit_string(scalar_text(self.node))
                .map_err(|e: Error| e.at(self.node.span)),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.node.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.value {
            Value::Seq(_) => self.deserialize_any(visitor),
            _ => Err(
                <Error as de::Error>::invalid_type(self.unexpected(), &visitor).at(self.node.span),
            ),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let span = self.node.span;
        if name == SPANNED_NAME {
            return visitor.visit_map(SpannedAccess {
                node: self.node,
                ctx: self.ctx,
                keep: self.keep,
                step: 0,
            });
        }
        let kind = self.node.kind_name();
        let Value::Map(entries) = &mut self.node.value else {
            return Err(Error {
                code: "E011",
                message: format!(
                    "expected a {} (a mapping of keys), found {}",
                    noun(name),
                    kind
                ),
                span: Some(span),
                hint: None,
            });
        };
        // "component `web`" reads better than "component" when the element has an id.
        // Only built when there is something to report.
        let what = |entries: &[(Node, Node)]| match id_of(entries) {
            Some(id) => format!("{} `{}`", noun(name), scalar_text(id)),
            None => noun(name),
        };
        for entry in entries.iter() {
            if is_field(&entry.0, fields) {
                continue;
            }
            let key = scalar_text(&entry.0);
            let mut d = Diagnostic::error(
                "E010",
                format!("unknown key `{key}` in {}", what(entries)),
                entry.0.span,
            );
            let listed = format!("known keys: {}", fields.join(", "));
            d.hint = Some(match closest(&key, fields.iter().copied()) {
                Some(best) => format!("did you mean `{best}`? {listed}"),
                None => listed,
            });
            self.ctx.diagnostics.borrow_mut().push(d);
        }
        visitor
            .visit_map(MapAccess {
                entries: entries.iter_mut(),
                fields: Some(fields),
                value: None,
                keep: false,
                ctx: self.ctx,
            })
            .map_err(|mut e| {
                // A missing key is reported on the element that lacks it,
                // named by its id when it has one (ids are never moved out).
                if e.code == "E012" && e.span.is_none() {
                    e.message = format!("{} in {}", e.message, what(entries));
                    e.span = Some(id_of(entries).map_or(span, |id| id.span));
                }
                e.at(span)
            })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let span = self.node.span;
        match &self.node.value {
            Value::Str(s) => visitor
                .visit_enum(s.as_str().into_deserializer())
                .map_err(|e: Error| e.at(span)),
            _ => Err(Error {
                code: "E011",
                message: format!(
                    "expected a {} name, found {}",
                    noun(name),
                    self.node.kind_name()
                ),
                span: Some(span),
                hint: None,
            }),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
}

struct SeqAccess<'a> {
    items: std::slice::IterMut<'a, Node>,
    ctx: &'a Ctx,
}

impl<'de, 'a> de::SeqAccess<'de> for SeqAccess<'a> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        // A seed can be used once; elements that fail are recorded and the
        // next element is tried with a fresh copy of the seed. Every seed the
        // derive macros and `Vec<T>` make is a zero-sized `PhantomData`;
        // a seed with data is used once, without recovery.
        if std::mem::size_of::<T>() != 0 {
            return match self.items.next() {
                None => Ok(None),
                Some(node) => seed.deserialize(NodeDe::new(node, self.ctx)).map(Some),
            };
        }
        let seed = CloneSeed(seed);
        for node in self.items.by_ref() {
            match seed
                .clone_inner()
                .deserialize(NodeDe::new(&mut *node, self.ctx))
            {
                Ok(v) => return Ok(Some(v)),
                Err(e) => {
                    if let Some(id) = node.get("id").map(scalar_text) {
                        self.ctx.broken_ids.borrow_mut().push(id);
                    }
                    self.ctx
                        .diagnostics
                        .borrow_mut()
                        .push(e.into_diagnostic(node.span));
                }
            }
        }
        Ok(None)
    }
}

/// Seeds are only required to be used once; ours are copied bit for bit.
///
/// Serde's `DeserializeSeed` for `PhantomData<T>` (what derived code and
/// `Vec<T>` use) carries no data, so duplicating it is sound. A seed with
/// data would have to be `Clone`; no type in the format uses one.
struct CloneSeed<T>(T);

impl<T> CloneSeed<T> {
    fn clone_inner(&self) -> T {
        // SAFETY: only built for zero-sized `T` (checked by the caller), so
        // there are no bytes to duplicate and nothing to release twice.
        unsafe { std::ptr::read(&self.0) }
    }
}

/// The scalar under the key `id` of a mapping's entries.
fn id_of(entries: &[(Node, Node)]) -> Option<&Node> {
    entries
        .iter()
        .find(|(k, _)| matches!(&k.value, Value::Str(s) if s == "id"))
        .map(|(_, v)| v)
        .filter(|n| !matches!(n.value, Value::Seq(_) | Value::Map(_)))
}

/// Whether a key names one of a struct's fields (compared without copying the key's text).
fn is_field(key: &Node, fields: &[&str]) -> bool {
    match &key.value {
        Value::Str(s) => fields.contains(&s.as_str()),
        _ => fields.contains(&scalar_text(key).as_str()),
    }
}

struct MapAccess<'a> {
    entries: std::slice::IterMut<'a, (Node, Node)>,
    /// A struct's fields: other keys were reported as unknown and are skipped.
    fields: Option<&'static [&'static str]>,
    value: Option<&'a mut Node>,
    /// The value is an id: copied, not moved.
    keep: bool,
    ctx: &'a Ctx,
}

impl<'de, 'a> de::MapAccess<'de> for MapAccess<'a> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let fields = self.fields;
        let next = self
            .entries
            .find(|(k, _)| fields.is_none_or(|fields| is_field(k, fields)));
        match next {
            None => Ok(None),
            Some((k, v)) => {
                self.value = Some(v);
                self.keep = matches!(&k.value, Value::Str(s) if s == "id");
                let key = match &k.value {
                    Value::Str(s) => seed.deserialize(s.as_str().into_deserializer()),
                    _ => seed.deserialize(scalar_text(k).into_deserializer()),
                };
                key.map(Some).map_err(|e: Error| e.at(k.span))
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some(node) => seed.deserialize(NodeDe {
                node,
                ctx: self.ctx,
                keep: self.keep,
            }),
            None => Err(de::Error::custom("value requested before key")),
        }
    }
}

/// Hands a `Spanned<T>` its position, then its value.
struct SpannedAccess<'a> {
    node: &'a mut Node,
    ctx: &'a Ctx,
    keep: bool,
    step: u8,
}

impl<'de, 'a> de::MapAccess<'de> for SpannedAccess<'a> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let key = match self.step {
            0 => "$__span",
            1 => "$__value",
            _ => return Ok(None),
        };
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let span = self.node.span;
        self.step += 1;
        match self.step {
            1 => seed.deserialize(span.pack().into_deserializer()),
            _ => seed.deserialize(NodeDe {
                node: &mut *self.node,
                ctx: self.ctx,
                keep: self.keep,
            }),
        }
    }
}

/// Reads one value of type `T` from a tree, collecting diagnostics.
/// Strings are moved out of `node` (ids excepted); read it only for ids afterwards.
pub(crate) fn from_node<'de, T: serde::Deserialize<'de>>(node: &mut Node, ctx: &Ctx) -> Option<T> {
    let span = node.span;
    match T::deserialize(NodeDe::new(node, ctx)) {
        Ok(v) => Some(v),
        Err(e) => {
            ctx.diagnostics.borrow_mut().push(e.into_diagnostic(span));
            None
        }
    }
}
