//! A JSON value that borrows from the file and reads its big arrays only when asked.
//!
//! A month of `DescribeBillDetail` pages is hundreds of megabytes. `serde_json::Value` turned
//! every key and string into its own `String` and every object into a `BTreeMap`: about ten
//! times the file in memory, and most of the time spent allocating. [`Json`] borrows strings
//! from the file (only strings with escapes are copied), and a [`Json::Raw`] value is the
//! unread text of a value (`&RawValue`): a response is read down to its row arrays, the action
//! is decided from its keys and first rows, then [`for_each_item`] reads the rows one at a
//! time, so only one row is ever a tree.
//!
//! Objects keep serde_json's `Map` semantics (the crate is built without `preserve_order`):
//! entries sorted by key, the last of duplicate keys wins. Columns are created in that order,
//! so tables and reports stay as they were.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

/// How serde_json (with `arbitrary_precision`, which keeps a number's exact digits) hands a
/// number to a visitor: as a one-entry map under this key, its digits the value. This is how
/// `serde_json::Number` reads itself; the test `numbers_keep_their_digits` fails if it changes.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

#[derive(Clone, Debug)]
pub(crate) enum Json<'a> {
    Null,
    Bool(bool),
    /// The number's text exactly as written.
    Number(String),
    Str(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Object<'a>),
    /// A value not read yet: its text.
    Raw(&'a RawValue),
}

/// Entries sorted by key, without duplicate keys.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Object<'a> {
    entries: Vec<(Cow<'a, str>, Json<'a>)>,
}

impl<'a> Object<'a> {
    /// Sorts `entries` by key (stable); of duplicate keys the last one stays.
    pub(crate) fn new(mut entries: Vec<(Cow<'a, str>, Json<'a>)>) -> Self {
        if !entries.is_sorted_by(|a, b| a.0 < b.0) {
            crate::model::sort::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
            entries.dedup_by(|later, kept| {
                let duplicate = later.0 == kept.0;
                if duplicate {
                    std::mem::swap(later, kept);
                }
                duplicate
            });
        }
        Object { entries }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Json<'a>> {
        self.entries
            .binary_search_by(|(entry, _)| entry.as_ref().cmp(key))
            .ok()
            .map(|index| &self.entries[index].1)
    }

    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &Json<'a>)> {
        self.entries
            .iter()
            .map(|(key, value)| (key.as_ref(), value))
    }
}

impl PartialEq for Json<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Json::Null, Json::Null) => true,
            (Json::Bool(a), Json::Bool(b)) => a == b,
            (Json::Number(a), Json::Number(b)) => a == b,
            (Json::Str(a), Json::Str(b)) => a == b,
            (Json::Array(a), Json::Array(b)) => a == b,
            (Json::Object(a), Json::Object(b)) => a == b,
            (Json::Raw(a), Json::Raw(b)) => a.get() == b.get(),
            _ => false,
        }
    }
}

impl<'a> Json<'a> {
    /// Reads a whole value.
    pub(crate) fn parse(text: &'a str) -> serde_json::Result<Json<'a>> {
        read(text, Depth::Full)
    }

    /// Reads an object's keys, leaving its values as [`Json::Raw`].
    pub(crate) fn parse_shallow(text: &'a str) -> serde_json::Result<Json<'a>> {
        read(text, Depth::Shallow)
    }

    /// Reads a page: like [`Json::parse_shallow`], but the object under `Response` is read
    /// shallowly too.
    pub(crate) fn parse_page(text: &'a str) -> serde_json::Result<Json<'a>> {
        read(text, Depth::Page)
    }

    /// The value read whole: a [`Json::Raw`] is read, anything else borrowed. The raw text was
    /// checked when the file was first read, so reading it again cannot fail.
    pub(crate) fn full(&self) -> Cow<'_, Json<'a>> {
        match self {
            Json::Raw(raw) => Cow::Owned(Json::parse(raw.get()).unwrap_or(Json::Null)),
            value => Cow::Borrowed(value),
        }
    }

    /// Like [`Json::full`], but an object's values are left raw.
    pub(crate) fn shallow(&self) -> Cow<'_, Json<'a>> {
        match self {
            Json::Raw(raw) => Cow::Owned(Json::parse_shallow(raw.get()).unwrap_or(Json::Null)),
            value => Cow::Borrowed(value),
        }
    }

    pub(crate) fn as_object(&self) -> Option<&Object<'a>> {
        match self {
            Json::Object(object) => Some(object),
            _ => None,
        }
    }

    pub(crate) fn is_array(&self) -> bool {
        match self {
            Json::Array(_) => true,
            Json::Raw(raw) => raw.get().starts_with('['),
            _ => false,
        }
    }

    /// The first item of an array, read whole; `None` for an empty array or anything else.
    pub(crate) fn first_item(&self) -> Option<Json<'a>> {
        match self {
            Json::Array(items) => items.first().cloned(),
            Json::Raw(raw) => {
                // Read only the first item: the text after `[` starts with it.
                let rest = raw.get().strip_prefix('[')?;
                let mut deserializer = serde_json::Deserializer::from_str(rest);
                Depth::Full.deserialize(&mut deserializer).ok()
            }
            _ => None,
        }
    }

    /// The value as serde_json's `Value`, for the rare texts that are a value's JSON.
    pub(crate) fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Json::Null => Value::Null,
            Json::Bool(flag) => Value::Bool(*flag),
            Json::Number(digits) => digits.parse().map_or(Value::Null, Value::Number),
            Json::Str(text) => Value::String(text.clone().into_owned()),
            Json::Array(items) => Value::Array(items.iter().map(Json::to_value).collect()),
            Json::Object(object) => Value::Object(
                object
                    .iter()
                    .map(|(key, value)| (key.to_owned(), value.to_value()))
                    .collect(),
            ),
            Json::Raw(raw) => serde_json::from_str(raw.get()).unwrap_or(Value::Null),
        }
    }
}

/// Calls `each` with every item of an array, read whole one at a time; nothing for a value that
/// is not an array.
pub(crate) fn for_each_item<'a>(
    value: &Json<'a>,
    mut each: impl FnMut(&Json<'a>),
) -> serde_json::Result<()> {
    match value {
        Json::Array(items) => items.iter().for_each(each),
        Json::Raw(raw) if raw.get().starts_with('[') => {
            let mut deserializer = serde_json::Deserializer::from_str(raw.get());
            deserializer.deserialize_seq(EachItem(&mut each))?;
        }
        _ => {}
    }
    Ok(())
}

fn read(text: &str, depth: Depth) -> serde_json::Result<Json<'_>> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = depth.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// How much of a value to read now.
#[derive(Clone, Copy)]
enum Depth {
    Full,
    /// An object's values stay raw.
    Shallow,
    /// An object's values stay raw, but for `Response`, read shallowly.
    Page,
}

impl<'de> DeserializeSeed<'de> for Depth {
    type Value = Json<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Json<'de>, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Depth {
    type Value = Json<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, flag: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(flag))
    }

    // Without `arbitrary_precision` numbers would come here; keep them readable all the same.
    fn visit_u64<E>(self, value: u64) -> Result<Json<'de>, E> {
        Ok(Json::Number(value.to_string()))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Json<'de>, E> {
        Ok(Json::Number(value.to_string()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Json<'de>, E> {
        Ok(Json::Number(value.to_string()))
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Borrowed(text)))
    }

    fn visit_str<E>(self, text: &str) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Owned(text.to_owned())))
    }

    fn visit_string<E>(self, text: String) -> Result<Json<'de>, E> {
        Ok(Json::Str(Cow::Owned(text)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(Depth::Full)? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        let mut entries = Vec::new();
        while let Some(Key(key)) = map.next_key()? {
            if entries.is_empty() && key == NUMBER_TOKEN {
                return Ok(Json::Number(map.next_value()?));
            }
            let value = match self {
                Depth::Full => map.next_value_seed(Depth::Full)?,
                Depth::Page if key == "Response" => map.next_value_seed(Depth::Shallow)?,
                Depth::Shallow | Depth::Page => Json::Raw(map.next_value()?),
            };
            entries.push((key, value));
        }
        Ok(Json::Object(Object::new(entries)))
    }
}

/// An object key, borrowed unless it has escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an object key")
            }

            fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }

            fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }

            fn visit_string<E>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Reads an array one item at a time, handing each to a callback and dropping it.
struct EachItem<'f, F>(&'f mut F);

impl<'de, F: FnMut(&Json<'de>)> Visitor<'de> for EachItem<'_, F> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an array")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(item) = seq.next_element_seed(Depth::Full)? {
            (self.0)(&item);
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom("expected an array"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_digits() {
        let value = Json::parse(r#"[1.50000000, -0, 12345678901234567890123, 1e-7]"#).unwrap();
        let digits = ["1.50000000", "-0", "12345678901234567890123", "1e-7"];
        assert_eq!(
            value,
            Json::Array(
                digits
                    .iter()
                    .map(|digits| Json::Number((*digits).to_owned()))
                    .collect()
            )
        );
    }

    #[test]
    fn strings_are_borrowed_unless_escaped() {
        let value = Json::parse(r#"["云服务器", "a\"b"]"#).unwrap();
        let Json::Array(items) = value else {
            panic!("{value:?}")
        };
        assert!(matches!(&items[0], Json::Str(Cow::Borrowed("云服务器"))));
        assert!(matches!(&items[1], Json::Str(Cow::Owned(text)) if text == "a\"b"));
    }

    #[test]
    fn objects_are_sorted_and_the_last_duplicate_wins() {
        let value = Json::parse(r#"{"b": 1, "a": "x", "b": 2, "c": null}"#).unwrap();
        let object = value.as_object().unwrap();
        let keys: Vec<&str> = object.iter().map(|(key, _)| key).collect();
        assert_eq!(keys, ["a", "b", "c"]);
        assert_eq!(object.get("b"), Some(&Json::Number("2".to_owned())));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(r#"{"b": 1, "a": "x", "b": 2, "c": null}"#)
                .unwrap(),
            value.to_value()
        );
    }

    #[test]
    fn a_page_is_read_down_to_the_values_of_its_response() {
        let page =
            Json::parse_page(r#"{"Response": {"DetailSet": [{"a": 1}, 2]}, "x": [3]}"#).unwrap();
        let page = page.as_object().unwrap();
        assert!(matches!(page.get("x"), Some(Json::Raw(raw)) if raw.get() == "[3]"));
        let inner = page.get("Response").unwrap().as_object().unwrap();
        let rows = inner.get("DetailSet").unwrap();
        assert!(matches!(rows, Json::Raw(_)));
        assert_eq!(rows.first_item(), Some(Json::parse(r#"{"a": 1}"#).unwrap()));
        let mut seen = Vec::new();
        for_each_item(rows, |item| seen.push(item.clone())).unwrap();
        assert_eq!(
            seen,
            [Json::parse(r#"{"a":1}"#).unwrap(), Json::Number("2".into())]
        );
    }
}
