//! Compact JSON for the batch hot path: exactly the bytes of `serde_json::to_writer`, written
//! faster for the reports authpeek emits.
//!
//! serde_json checks every byte of every string against its escape table, one at a time. Here a
//! string is first scanned as a whole (a branch-free pass the compiler vectorises) and, when it
//! holds nothing to escape (no `"`, `\` or control character: nearly always for tokens), copied in
//! one piece; a string that needs escaping is written by serde_json itself. Numbers other than
//! integers are written by serde_json too. Shapes reports never use (byte arrays, 128-bit integers,
//! enum variants with data, non-string map keys) are not handled: [`append`] then rewrites the
//! value with serde_json, so the output is always serde_json's.

use serde::ser::{self, Impossible, Serialize};
use std::fmt;

/// A shape this writer leaves to serde_json.
#[derive(Debug)]
pub struct Unsupported;

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("left to serde_json")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Unsupported
    }
}

/// Append `value` as compact JSON to `out`: the same bytes as `serde_json::to_writer`. Claims
/// kept as text are copied as they are when `value` says so ([`crate::report::JsonForm::Compact`]:
/// both writers here write compact JSON).
pub fn append<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> serde_json::Result<()> {
    let start = out.len();
    if value.serialize(Writer::new(out)).is_ok() {
        return Ok(());
    }
    out.truncate(start);
    serde_json::to_writer(out, value)
}

/// Does `bytes` hold a byte JSON must escape (`"`, `\\` or a control character)?
/// Eight bytes at a time (exact SWAR tests: a byte below 0x20, a byte equal to 0x22 or 0x5C).
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let test = |x: u64| {
        (x.wrapping_sub(ONES * 0x20) & !x & HIGH) // some byte < 0x20
            | has_zero(x ^ (ONES * u64::from(b'"')))
            | has_zero(x ^ (ONES * u64::from(b'\\')))
    };
    let mut found = 0u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut a = [0u8; 8];
        a.copy_from_slice(w);
        found |= test(u64::from_le_bytes(a));
    }
    // The last 0..=7 bytes. A string of a word or more: its last eight bytes as one more word
    // (overlapping the ones already tested). A shorter one (most field names): its bytes
    // shifted into a word padded with a byte that needs no escaping, built in a register
    // (copying them into a padded array and loading that as a word stalls on store
    // forwarding: it was half of this function's time).
    let rest = words.remainder();
    if rest.is_empty() {
        return found != 0;
    }
    let tail = match bytes.len().checked_sub(8) {
        Some(start) => {
            let mut a = [0u8; 8];
            a.copy_from_slice(&bytes[start..]);
            u64::from_le_bytes(a)
        }
        None => rest
            .iter()
            .enumerate()
            .fold(ONES * u64::from(b'a'), |w, (i, &c)| {
                let shift = 8 * i;
                (w & !(0xff << shift)) | (u64::from(c) << shift)
            }),
    };
    found |= test(tail);
    found != 0
}

/// Write a JSON string: copied in one piece when nothing needs escaping, else by serde_json.
fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    if needs_escape(bytes) {
        // Writing into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    } else {
        out.reserve(bytes.len() + 2);
        out.push(b'"');
        out.extend_from_slice(bytes);
        out.push(b'"');
    }
}

/// Decimal digits of an integer, as `itoa` (and so serde_json) writes them.
fn write_int(out: &mut Vec<u8>, negative: bool, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if negative {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[i..]);
}

fn write_signed(out: &mut Vec<u8>, v: i64) {
    write_int(out, v < 0, v.unsigned_abs());
}

/// The value writer (one per value; compound values hand the buffer on).
struct Writer<'a> {
    out: &'a mut Vec<u8>,
    /// Write a string as it is: the text of a `serde_json::value::RawValue`.
    raw: bool,
}

impl<'a> Writer<'a> {
    fn new(out: &'a mut Vec<u8>) -> Self {
        Writer { out, raw: false }
    }
}

/// The struct name by which `serde_json::value::RawValue` asks a serializer to write its text
/// as it is (serde_json's own writer matches the same name).
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// An array, object or struct being written.
#[doc(hidden)]
pub struct Compound<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
    /// A `RawValue`: its one field is the JSON text itself.
    raw: bool,
}

impl Compound<'_> {
    fn comma(&mut self) {
        if self.first {
            self.first = false;
        } else {
            self.out.push(b',');
        }
    }
}

type Result<T> = std::result::Result<T, Unsupported>;

impl<'a> ser::Serializer for Writer<'a> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Impossible<(), Unsupported>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Impossible<(), Unsupported>;

    fn serialize_bool(self, v: bool) -> Result<()> {
        self.out
            .extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<()> {
        write_signed(self.out, i64::from(v));
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result<()> {
        write_signed(self.out, i64::from(v));
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result<()> {
        write_signed(self.out, i64::from(v));
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result<()> {
        write_signed(self.out, v);
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<()> {
        write_int(self.out, false, u64::from(v));
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result<()> {
        write_int(self.out, false, u64::from(v));
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result<()> {
        write_int(self.out, false, u64::from(v));
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result<()> {
        write_int(self.out, false, v);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<()> {
        serde_json::to_writer(self.out, &v).map_err(|_| Unsupported)
    }
    fn serialize_f64(self, v: f64) -> Result<()> {
        serde_json::to_writer(self.out, &v).map_err(|_| Unsupported)
    }
    fn serialize_char(self, v: char) -> Result<()> {
        write_str(self.out, v.encode_utf8(&mut [0u8; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<()> {
        if self.raw {
            self.out.extend_from_slice(v.as_bytes());
        } else {
            write_str(self.out, v);
        }
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<()> {
        Err(Unsupported)
    }
    fn serialize_none(self) -> Result<()> {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<()> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<()> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<()> {
        write_str(self.out, variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<()> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<()> {
        Err(Unsupported)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>> {
        self.out.push(b'[');
        Ok(Compound {
            out: self.out,
            first: true,
            raw: false,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Compound<'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(Unsupported)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>> {
        self.out.push(b'{');
        Ok(Compound {
            out: self.out,
            first: true,
            raw: false,
        })
    }
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Compound<'a>> {
        if name == RAW_VALUE_TOKEN {
            return Ok(Compound {
                out: self.out,
                first: true,
                raw: true,
            });
        }
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(Unsupported)
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.comma();
        value.serialize(Writer::new(self.out))
    }
    fn end(self) -> Result<()> {
        self.out.push(b']');
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<()> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<()> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.comma();
        let at = self.out.len();
        key.serialize(Writer::new(self.out))?;
        // Only string keys (what reports have); serde_json would quote numbers and refuse
        // other keys: leave those to it.
        if self.out.get(at) != Some(&b'"') {
            return Err(Unsupported);
        }
        self.out.push(b':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        value.serialize(Writer::new(self.out))
    }
    fn end(self) -> Result<()> {
        self.out.push(b'}');
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        if self.raw {
            return value.serialize(Writer {
                out: self.out,
                raw: true,
            });
        }
        self.comma();
        write_str(self.out, key);
        self.out.push(b':');
        value.serialize(Writer::new(self.out))
    }
    fn end(self) -> Result<()> {
        if !self.raw {
            self.out.push(b'}');
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn same<T: Serialize + ?Sized>(v: &T) {
        let mut fast = b"prefix".to_vec();
        append(&mut fast, v).unwrap();
        let mut want = b"prefix".to_vec();
        serde_json::to_writer(&mut want, v).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&fast),
            String::from_utf8_lossy(&want)
        );
    }

    #[test]
    fn values_are_written_as_serde_json_writes_them() {
        same(&json!(null));
        same(&json!({}));
        same(&json!([]));
        same(&json!({"a": [], "b": {}, "c": [[], {}], "": ""}));
        same(&json!({
            "plain": "abc", "quote": "a\"b", "backslash": "a\\b", "controls": "\u{0}\u{1f}\t\n\r\u{8}\u{c}",
            "unicode": "é ✓ 😀 \u{2028}", "del": "\u{7f}", "slash": "a/b",
            "ints": [0, -1, 1, i64::MIN, i64::MAX, u64::MAX],
            "floats": [0.0, -0.0, 1.5, 1e300, -2.5e-300, 1e15, 123456789.125],
            "bools": [true, false], "nested": {"k\"ey": {"x": [1, {"y": null}]}}
        }));
        let long: String = (0..3000)
            .map(|i| char::from(b' ' + (i % 95) as u8))
            .collect();
        same(&long);
        same(&json!({ "long": long }));
        same(&'q');
        same(&'"');
        same(&(1u8, -2i16, 3u32, 4.25f32));
        same(&(
            i8::MIN,
            i16::MIN,
            i32::MIN,
            u8::MAX,
            u16::MAX,
            u32::MAX,
            -10i64,
            10u64,
        ));
    }

    #[test]
    fn escape_scan_is_exact() {
        // Every byte value at every position of strings of 0..=20 bytes, on backgrounds of
        // bytes that need no escaping (ASCII, the edges of the tested ranges, non-ASCII).
        for background in [b'a', 0x20, 0x21, 0x5b, 0x5d, 0x7f, 0x80, 0xff] {
            assert!(!needs_escape(&[background; 20]));
            for len in 0..=20usize {
                for pos in 0..len {
                    for b in 0..=255u8 {
                        let mut v = vec![background; len];
                        v[pos] = b;
                        let want = b < 0x20 || b == b'"' || b == b'\\';
                        assert_eq!(
                            needs_escape(&v),
                            want,
                            "background {background} len {len} pos {pos} byte {b}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn unsupported_shapes_fall_back_to_serde_json() {
        let mut m: BTreeMap<u32, &str> = BTreeMap::new();
        m.insert(7, "x");
        same(&m);
        same(&Some(vec![1u128 << 100]));
        #[derive(serde::Serialize)]
        enum E {
            A(u8),
            B { x: u8 },
            C(u8, u8),
        }
        same(&vec![E::A(1), E::B { x: 2 }, E::C(3, 4)]);
        same(serde_bytes_like());
    }

    #[test]
    fn raw_values_are_written_as_they_are() {
        let raw =
            serde_json::value::RawValue::from_string(r#"{"a":[1,"x\"y"],"b":{}}"#.into()).unwrap();
        same(&raw);
        same(&json!({"k": 1}));
        #[derive(serde::Serialize)]
        struct S<'a> {
            before: u8,
            raw: &'a serde_json::value::RawValue,
            after: Option<&'a serde_json::value::RawValue>,
        }
        same(&S {
            before: 1,
            raw: &raw,
            after: Some(&raw),
        });
        let mut out = Vec::new();
        append(
            &mut out,
            &S {
                before: 1,
                raw: &raw,
                after: None,
            },
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"before":1,"raw":{"a":[1,"x\"y"],"b":{}},"after":null}"#
        );
    }

    fn serde_bytes_like() -> &'static [u8] {
        b"\x00\xff"
    }
}
