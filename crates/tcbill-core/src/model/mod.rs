//! The bottom layer: the values every other layer reads and writes, and nothing that decides
//! anything about a file. Exact numbers and Beijing times as cells hold them, diagnostics, what
//! kind a file is, the columnar table (with its string interner) and the parsed file that bundles
//! them. It imports no other layer.

pub mod currency;
pub mod diagnostic;
pub mod kind;
pub mod number;
pub mod parsed_file;
pub mod sort;
pub mod table;
pub mod time;

/// Reads a value that serialises as its [`Display`](std::fmt::Display) text (a dimension, a
/// currency, a month) back through its [`FromStr`](std::str::FromStr), so the app's worker and page
/// exchange core's own types rather than strings each side parses: `#[serde(deserialize_with)]`
/// or a `Deserialize` impl's body.
pub fn deserialize_from_text<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
    text.parse().map_err(serde::de::Error::custom)
}

/// Whether a count is zero: `#[serde(skip_serializing_if = "crate::model::is_zero")]` for the
/// report's optional counts, which its JSON leaves out when there is nothing to say.
pub fn is_zero<T: Default + PartialEq>(count: &T) -> bool {
    *count == T::default()
}
