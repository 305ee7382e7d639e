//! Source positions: which file, line and column a value came from.

use std::fmt;
use std::ops::Deref;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Index of a file in a [`crate::SourceMap`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A position in a source file: 1-based line and column (in characters).
///
/// `line == 0` marks a value that did not come from a file (built in code).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub file: FileId,
    pub line: u32,
    pub col: u32,
    /// Length in characters of the highlighted text on that line (at least 1 when known).
    pub len: u32,
}

impl Span {
    pub const NONE: Span = Span {
        file: FileId(0),
        line: 0,
        col: 0,
        len: 0,
    };

    pub fn is_known(&self) -> bool {
        self.line > 0
    }
}

/// A value with the position it was read from.
///
/// Equality, ordering and hashing look at the value only, so that a model
/// read from a file compares equal to the same model built in code.
#[derive(Clone, Default)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T) -> Self {
        Spanned {
            value,
            span: Span::NONE,
        }
    }

    pub fn with_span(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl<T> Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> From<T> for Spanned<T> {
    fn from(value: T) -> Self {
        Spanned::new(value)
    }
}

impl From<&str> for Spanned<String> {
    fn from(value: &str) -> Self {
        Spanned::new(value.to_string())
    }
}

impl<T: fmt::Debug> fmt::Debug for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Spanned<T> {}

impl<T: PartialOrd> PartialOrd for Spanned<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        self.value.partial_cmp(&other.value)
    }
}

impl<T: Ord> Ord for Spanned<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl<T: std::hash::Hash> std::hash::Hash for Spanned<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state)
    }
}

impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

/// The name of the struct our deserializer recognises to hand out positions,
/// the same trick `toml`'s `Spanned` uses.
pub(crate) const SPANNED_NAME: &str = "$__riskfirst_spanned";
pub(crate) const SPANNED_FIELDS: &[&str] = &["$__span", "$__value"];

impl Span {
    /// The position as one number, handed from our deserializer to [`Spanned`]
    /// in one step rather than four (every positioned value of a file goes through here).
    pub(crate) fn pack(self) -> u128 {
        (self.file.0 as u128) << 96
            | (self.line as u128) << 64
            | (self.col as u128) << 32
            | self.len as u128
    }

    pub(crate) fn unpack(n: u128) -> Span {
        Span {
            file: FileId((n >> 96) as u32),
            line: (n >> 64) as u32,
            col: (n >> 32) as u32,
            len: n as u32,
        }
    }
}

/// The keys our deserializer hands a [`Spanned`], read without copying their text
/// (every positioned value of a file goes through here).
enum SpanKey {
    Span,
    Value,
}

impl<'de> Deserialize<'de> for SpanKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct K;
        impl serde::de::Visitor<'_> for K {
            type Value = SpanKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a position key")
            }
            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<SpanKey, E> {
                Ok(match key {
                    "$__span" => SpanKey::Span,
                    _ => SpanKey::Value,
                })
            }
        }
        d.deserialize_identifier(K)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
            type Value = Spanned<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut span = Span::NONE;
                let mut value = None;
                while let Some(key) = map.next_key::<SpanKey>()? {
                    match key {
                        SpanKey::Span => span = Span::unpack(map.next_value()?),
                        SpanKey::Value => value = Some(map.next_value()?),
                    }
                }
                let value = value
                    .ok_or_else(|| serde::de::Error::custom("spanned value without a value"))?;
                Ok(Spanned { value, span })
            }
        }
        // Deserializers other than ours (serde_json in tests, for instance)
        // do not know the magic name; they fall back to the plain value.
        if std::any::type_name::<D>().contains("riskfirst_model::de::") {
            d.deserialize_struct(SPANNED_NAME, SPANNED_FIELDS, V(std::marker::PhantomData))
        } else {
            T::deserialize(d).map(Spanned::new)
        }
    }
}

impl<T: JsonSchema> JsonSchema for Spanned<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
    fn inline_schema() -> bool {
        T::inline_schema()
    }
}
