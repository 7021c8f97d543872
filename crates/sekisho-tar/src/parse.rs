//! Field and record parsers, following Go's `archive/tar` (`strconv.go`): numeric header fields,
//! NUL-terminated strings, PAX records and PAX times.

/// Parses a numeric header field: GNU base-256 when the high bit of the first byte is set,
/// otherwise octal. `None` when the field is invalid or overflows 63 bits.
///
/// Base-256 is two's complement big-endian over the whole field (the first byte's top bit is the
/// marker), so negative values are possible. Octal may have leading and trailing spaces and NULs
/// and stops at the first NUL after those are trimmed.
pub fn parse_numeric(field: &[u8]) -> Option<i64> {
    if let Some(&first) = field.first() {
        if first & 0x80 != 0 {
            let inv: u8 = if first & 0x40 != 0 { 0xff } else { 0 };
            let mut x: u64 = 0;
            for (i, &b) in field.iter().enumerate() {
                let mut c = b ^ inv;
                if i == 0 {
                    c &= 0x7f;
                }
                if x >> 56 > 0 {
                    return None;
                }
                x = (x << 8) | u64::from(c);
            }
            if x >> 63 > 0 {
                return None;
            }
            // x < 2^63, so the cast is exact.
            let v = x as i64;
            return Some(if inv == 0xff { !v } else { v });
        }
    }
    parse_octal(field)
}

/// Parses an octal field (the checksum field is always octal). Empty after trimming is 0.
pub fn parse_octal(field: &[u8]) -> Option<i64> {
    let trimmed = trim(field, |b| b == b' ' || b == 0);
    if trimmed.is_empty() {
        return Some(0);
    }
    let digits = c_string(trimmed);
    if digits.is_empty() {
        return None;
    }
    let mut x: u64 = 0;
    for &d in digits {
        if !(b'0'..=b'7').contains(&d) {
            return None;
        }
        x = x.checked_mul(8)?.checked_add(u64::from(d - b'0'))?;
    }
    // Go converts the unsigned value with int64(x); fields are at most 12 bytes, so x < 2^36.
    i64::try_from(x).ok()
}

/// The bytes up to the first NUL (all of them if there is none).
pub fn c_string(b: &[u8]) -> &[u8] {
    match b.iter().position(|&c| c == 0) {
        Some(n) => &b[..n],
        None => b,
    }
}

fn trim(mut b: &[u8], pred: impl Fn(u8) -> bool) -> &[u8] {
    while let Some((&first, rest)) = b.split_first() {
        if !pred(first) {
            break;
        }
        b = rest;
    }
    while let Some((&last, rest)) = b.split_last() {
        if !pred(last) {
            break;
        }
        b = rest;
    }
    b
}

/// Parses a decimal integer as Go's `strconv.ParseInt(s, 10, 64)`: an optional `+` or `-`, then
/// at least one ASCII digit, nothing else, no overflow.
pub fn parse_decimal(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut x: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        let d = i64::from(d - b'0');
        x = if neg {
            x.checked_mul(10)?.checked_sub(d)?
        } else {
            x.checked_mul(10)?.checked_add(d)?
        };
    }
    Some(x)
}

/// Why a PAX record could not be parsed.
pub type PaxRecordError = &'static str;

/// A parsed PAX record: key, value, and the input after the record.
pub type PaxRecord<'a> = (&'a [u8], &'a [u8], &'a [u8]);

/// Parses one PAX record `"%d %s=%s\n"` at the start of `s`, as Go's `parsePAXRecord`: the
/// decimal length counts the whole record (length, space, key, `=`, value, newline), so the
/// value may contain newlines and `=`. Returns the key, the value and the rest of `s`.
pub fn parse_pax_record(s: &[u8]) -> Result<PaxRecord<'_>, PaxRecordError> {
    let sp = s
        .iter()
        .position(|&b| b == b' ')
        .ok_or("no space after the length")?;
    let n = parse_decimal(&s[..sp]).ok_or("the length is not a decimal number")?;
    if n < 5 || n as u64 > s.len() as u64 {
        return Err("the length is out of range");
    }
    // n <= s.len(), so it fits in usize.
    let n = n as usize;
    let n = n
        .checked_sub(sp + 1)
        .filter(|&n| n > 0)
        .ok_or("the length is out of range")?;
    let rest = &s[sp + 1..];
    let (rec, nl, rem) = (&rest[..n - 1], rest[n - 1], &rest[n..]);
    if nl != b'\n' {
        return Err("the record does not end with a newline");
    }
    let eq = rec
        .iter()
        .position(|&b| b == b'=')
        .ok_or("no `=` in the record")?;
    let (key, value) = (&rec[..eq], &rec[eq + 1..]);
    if key.is_empty() {
        return Err("empty key");
    }
    let has_nul = |b: &[u8]| b.contains(&0);
    let bad = match key {
        b"path" | b"linkpath" | b"uname" | b"gname" => has_nul(value),
        _ => has_nul(key),
    };
    if bad {
        return Err("NUL byte in the record");
    }
    Ok((key, value, rem))
}

/// Parses a PAX time `seconds[.fraction]` as Go's `parsePAXTime`: seconds as a decimal integer
/// (may be negative), the fraction digits-only, truncated or padded to nanoseconds. Returns
/// (seconds, nanoseconds) normalised so that nanoseconds is in `0..1_000_000_000`.
pub fn parse_pax_time(s: &[u8]) -> Option<(i64, u32)> {
    let (ss, sn) = match s.iter().position(|&b| b == b'.') {
        Some(dot) => (&s[..dot], &s[dot + 1..]),
        None => (s, &s[s.len()..]),
    };
    let secs = parse_decimal(ss)?;
    if sn.is_empty() {
        return Some((secs, 0));
    }
    if !sn.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut nanos: u32 = 0;
    for i in 0..9 {
        nanos = nanos * 10 + sn.get(i).map_or(0, |d| u32::from(d - b'0'));
    }
    if ss.first() == Some(&b'-') && nanos > 0 {
        // Go: time.Unix(secs, -nanos).
        Some((secs.checked_sub(1)?, 1_000_000_000 - nanos))
    } else {
        Some((secs, nanos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn octal_fields() {
        assert_eq!(parse_numeric(b"0000644\0"), Some(0o644));
        assert_eq!(parse_numeric(b"  644 \0"), Some(0o644));
        assert_eq!(parse_numeric(b"\0\0\0\0"), Some(0));
        assert_eq!(parse_numeric(b"        "), Some(0));
        assert_eq!(parse_numeric(b""), Some(0));
        assert_eq!(parse_numeric(b"12\x0034"), Some(0o12));
        assert_eq!(parse_numeric(b"77777777777\0"), Some(0o77777777777));
        assert_eq!(parse_numeric(b"777777777777"), Some(0o777777777777));
        assert_eq!(parse_numeric(b"0008\0"), None);
        assert_eq!(parse_numeric(b"1 2\0"), None);
        assert_eq!(parse_numeric(b"-12\0"), None);
        assert_eq!(parse_numeric(b"+12\0"), None);
        assert_eq!(parse_numeric(b"0x12\0"), None);
    }

    #[test]
    fn base256_fields() {
        let mut f = [0u8; 12];
        f[0] = 0x80;
        f[4..].copy_from_slice(&(1u64 << 40).to_be_bytes());
        assert_eq!(parse_numeric(&f), Some(1 << 40));
        // -1 in two's complement.
        assert_eq!(parse_numeric(&[0xff; 8]), Some(-1));
        // The largest positive 63-bit value fits; one more bit overflows.
        let mut max = [0u8; 12];
        max[0] = 0x80;
        max[4..].copy_from_slice(&(i64::MAX as u64).to_be_bytes());
        assert_eq!(parse_numeric(&max), Some(i64::MAX));
        let mut over = [0u8; 12];
        over[0] = 0x80;
        over[3] = 1;
        assert_eq!(parse_numeric(&over), None);
        let mut over2 = [0u8; 12];
        over2[0] = 0x80;
        over2[4] = 0x80;
        assert_eq!(parse_numeric(&over2), None);
        assert_eq!(parse_numeric(&[0x80]), Some(0));
    }

    #[test]
    fn decimal() {
        assert_eq!(parse_decimal(b"10"), Some(10));
        assert_eq!(parse_decimal(b"+10"), Some(10));
        assert_eq!(parse_decimal(b"-10"), Some(-10));
        assert_eq!(parse_decimal(b"010"), Some(10));
        assert_eq!(parse_decimal(b""), None);
        assert_eq!(parse_decimal(b"-"), None);
        assert_eq!(parse_decimal(b" 1"), None);
        assert_eq!(parse_decimal(b"1_0"), None);
        assert_eq!(parse_decimal(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_decimal(b"9223372036854775808"), None);
        assert_eq!(parse_decimal(b"-9223372036854775808"), Some(i64::MIN));
    }

    #[test]
    fn pax_records() {
        let (k, v, r) = parse_pax_record(b"11 path=ab\nrest").unwrap();
        assert_eq!((k, v, r), (&b"path"[..], &b"ab"[..], &b"rest"[..]));
        // A value holding a newline and an `=`: the length decides where the record ends.
        let rec = b"22 comment=a\nb=c\n9 x=\n\n";
        let (k, v, r) = parse_pax_record(rec).unwrap();
        assert_eq!(k, b"comment");
        assert_eq!(v, b"a\nb=c\n9 x=");
        assert_eq!(r, b"\n");
        // Empty value.
        assert_eq!(parse_pax_record(b"5 k=\n").unwrap().1, b"");
        for bad in [
            &b"11path=ab\n"[..],
            b"11 path=ab",
            b"10 path=ab\n",
            b"12 path=ab\n",
            b"4 k\n",
            b"x1 path=a\n",
            b"-11 path=ab\n",
            b"8 path\n\n",
            b"7 =abc\n",
            b"12 path=a\0b\n",
            b"11 ke\0y=ab\n",
            b"99999999999999999999999 a=b\n",
            b"",
            b"1 ",
        ] {
            assert!(
                parse_pax_record(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        // NUL is allowed in the values of other keys.
        assert!(parse_pax_record(b"11 kk=a\0bc\n").is_ok());
    }

    #[test]
    fn pax_times() {
        assert_eq!(parse_pax_time(b"1350244992"), Some((1350244992, 0)));
        assert_eq!(
            parse_pax_time(b"1350244992.023960108"),
            Some((1350244992, 23960108))
        );
        assert_eq!(parse_pax_time(b"1.5"), Some((1, 500_000_000)));
        assert_eq!(parse_pax_time(b"1.1234567891"), Some((1, 123456789)));
        assert_eq!(parse_pax_time(b"-1.5"), Some((-2, 500_000_000)));
        assert_eq!(parse_pax_time(b"-0.5"), Some((-1, 500_000_000)));
        assert_eq!(parse_pax_time(b"1."), Some((1, 0)));
        assert_eq!(parse_pax_time(b"1.x"), None);
        assert_eq!(parse_pax_time(b".5"), None);
        assert_eq!(parse_pax_time(b"1.-5"), None);
        assert_eq!(parse_pax_time(b""), None);
    }
}
