//! JSON in the browser: parsed by the browser's own `JSON.parse`, then read into the shared
//! protocol types by a small serde deserializer over the parsed value.
//!
//! This replaced serde_json (whose parser, number formatting and errors were ~16 KB of the
//! brotli bundle) and then serde-wasm-bindgen (README "Performance"): its error messages
//! quote the unexpected value, and formatting a float is another ~5 KB of code. Ours say
//! what was expected instead. `JSON.parse` is exact for every float, which is what
//! serde_json's `float_roundtrip` buys the server; every integer in the protocol (ids,
//! counters, millisecond times) stays far below 2^53, where a JavaScript number would
//! start to round.

use crate::protocol::{Event, EventKind};
use js_sys::{Array, JSON, Object, Reflect};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor, value::StringDeserializer,
};
use std::fmt;
use wasm_bindgen::{JsCast, JsValue};

/// `text` as a `T`, or why not.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let value = JSON::parse(text).map_err(|_| "not JSON".to_owned())?;
    T::deserialize(Value(value)).map_err(|Error(e)| e)
}

/// An event from its kind and `data:` payload (the server side is `Event::decode`).
pub fn event(kind: EventKind, data: &str) -> Result<Event, String> {
    Ok(match kind {
        EventKind::Snapshot => Event::Snapshot(parse(data)?),
        EventKind::Quote => Event::Quote(parse(data)?),
        EventKind::Job => Event::Job(parse(data)?),
        EventKind::Toast => Event::Toast(parse(data)?),
    })
}

#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Error {
        Error(message.to_string())
    }

    /// Says what was expected, without quoting the value (see the module's note).
    fn invalid_type(_: de::Unexpected, expected: &dyn de::Expected) -> Error {
        Error(format!("invalid type: expected {expected}"))
    }

    fn invalid_value(_: de::Unexpected, expected: &dyn de::Expected) -> Error {
        Error(format!("invalid value: expected {expected}"))
    }
}

/// A value from `JSON.parse`.
struct Value(JsValue);

/// Larger integers are not exact in a JavaScript number.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

impl<'de> de::Deserializer<'de> for Value {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let value = self.0;
        if value.is_null() || value.is_undefined() {
            visitor.visit_unit()
        } else if let Some(b) = value.as_bool() {
            visitor.visit_bool(b)
        } else if let Some(n) = value.as_f64() {
            // Whole numbers as integers, so that integer fields take them.
            match n {
                n if n.fract() != 0.0 || n.abs() > MAX_SAFE_INTEGER => visitor.visit_f64(n),
                n if n < 0.0 => visitor.visit_i64(n as i64),
                n => visitor.visit_u64(n as u64),
            }
        } else if let Some(s) = value.as_string() {
            visitor.visit_string(s)
        } else if Array::is_array(&value) {
            let items = Array::from(&value);
            visitor.visit_seq(Items { items, next: 0 })
        } else if value.is_object() {
            let entries = Object::entries(value.unchecked_ref());
            visitor.visit_map(Entries {
                entries,
                next: 0,
                value: None,
            })
        } else {
            Err(Error("an unsupported JSON value".to_owned()))
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.0.is_null() || self.0.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    /// Only the fields the type has are looked up; anything else in the object is ignored.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if !self.0.is_object() || Array::is_array(&self.0) {
            return Err(Error("invalid type: expected an object".to_owned()));
        }
        visitor.visit_map(Fields {
            object: self.0,
            fields: fields.iter(),
            value: None,
        })
    }

    /// A unit variant is its name; any other variant an object with its name as the one key.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        if let Some(name) = self.0.as_string() {
            let name: StringDeserializer<Error> = name.into_deserializer();
            return visitor.visit_enum(name);
        }
        let entries = Object::entries(self.0.unchecked_ref());
        match (entries.length(), entries.get(0).dyn_into::<Array>()) {
            (1, Ok(entry)) => visitor.visit_enum(Variant(entry)),
            _ => Err(Error("invalid type: expected an enum".to_owned())),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map identifier
    }
}

struct Items {
    items: Array,
    next: u32,
}

impl<'de> de::SeqAccess<'de> for Items {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if self.next >= self.items.length() {
            return Ok(None);
        }
        self.next += 1;
        seed.deserialize(Value(self.items.get(self.next - 1)))
            .map(Some)
    }
}

/// An object's `[key, value]` pairs, for maps.
struct Entries {
    entries: Array,
    next: u32,
    value: Option<JsValue>,
}

impl<'de> de::MapAccess<'de> for Entries {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        if self.next >= self.entries.length() {
            return Ok(None);
        }
        let entry = Array::from(&self.entries.get(self.next));
        self.next += 1;
        self.value = Some(entry.get(1));
        seed.deserialize(Value(entry.get(0))).map(Some)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(Value(self.value.take().unwrap_or(JsValue::UNDEFINED)))
    }
}

/// A struct's fields that the object has (absent and `undefined` ones are skipped, so
/// serde's defaults and missing-field errors apply).
struct Fields {
    object: JsValue,
    fields: std::slice::Iter<'static, &'static str>,
    value: Option<JsValue>,
}

impl<'de> de::MapAccess<'de> for Fields {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        for field in self.fields.by_ref() {
            let value =
                Reflect::get(&self.object, &JsValue::from_str(field)).unwrap_or(JsValue::UNDEFINED);
            if !value.is_undefined() {
                self.value = Some(value);
                let field: de::value::StrDeserializer<Error> = field.into_deserializer();
                return seed.deserialize(field).map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(Value(self.value.take().unwrap_or(JsValue::UNDEFINED)))
    }
}

/// `{"Name": payload}`, as a variant and its payload.
struct Variant(Array);

impl<'de> de::EnumAccess<'de> for Variant {
    type Error = Error;
    type Variant = Value;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Value), Error> {
        let name = seed.deserialize(Value(self.0.get(0)))?;
        Ok((name, Value(self.0.get(1))))
    }
}

impl<'de> de::VariantAccess<'de> for Value {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_any(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_struct(self, "", fields, visitor)
    }
}
