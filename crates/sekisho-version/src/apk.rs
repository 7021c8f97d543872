//! Alpine versions, ordered as apk-tools 2.10 (`apk version -t`, Alpine 3.10) orders them.
//!
//! A version is read as a stream of tokens: numbers (after a `.`, leading zeros make a number
//! smaller than any without them), a single letter after a number, `_suffix` with an optional
//! number (`_alpha _beta _pre _rc` sort before the plain version, `_cvs _svn _git _hg _p`
//! after), and `-rN`. Versions that break the grammar are still ordered: comparison stops at the
//! first invalid token, as apk's does, so every string has a place.

use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tok {
    Invalid = -1,
    DigitOrZero = 0,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    RevisionNo,
    End,
}

const PRE_SUFFIXES: [&str; 4] = ["alpha", "beta", "pre", "rc"];
const POST_SUFFIXES: [&str; 5] = ["cvs", "svn", "git", "hg", "p"];

struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn rest(&self) -> &[u8] {
        self.s.get(self.pos..).unwrap_or(&[])
    }

    fn advance(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.s.len());
    }

    /// apk's `next_token`: the type of the token that starts at the cursor, given the previous.
    fn next_token(&mut self, t: Tok) -> Tok {
        let rest = self.rest();
        let mut n = Tok::Invalid;
        let c = rest.first().copied().unwrap_or(0);
        if c == 0 {
            n = Tok::End;
        } else if (t == Tok::Digit || t == Tok::DigitOrZero) && c.is_ascii_lowercase() {
            n = Tok::Letter;
        } else if t == Tok::Letter && c.is_ascii_digit() {
            n = Tok::Digit;
        } else if t == Tok::Suffix && c.is_ascii_digit() {
            n = Tok::SuffixNo;
        } else {
            match c {
                b'.' => n = Tok::DigitOrZero,
                b'_' => n = Tok::Suffix,
                b'-' if rest.get(1) == Some(&b'r') => {
                    n = Tok::RevisionNo;
                    self.advance(1);
                }
                _ => {}
            }
            self.advance(1);
        }
        if n < t
            && !((n == Tok::DigitOrZero && t == Tok::Digit)
                || (n == Tok::Suffix && t == Tok::SuffixNo)
                || (n == Tok::Digit && t == Tok::Letter))
        {
            n = Tok::Invalid;
        }
        n
    }

    /// apk's `get_token`: the value of the token of type `*t` at the cursor, and the next type.
    fn get_token(&mut self, t: &mut Tok) -> i64 {
        let rest = self.rest();
        if rest.is_empty() {
            *t = Tok::End;
            return 0;
        }
        let mut v: i64 = 0;
        let mut i = 0usize;
        let mut nt = Tok::Invalid;
        let digits = |i: &mut usize, v: &mut i64| {
            while let Some(c) = rest.get(*i).filter(|c| c.is_ascii_digit()) {
                *v = v.wrapping_mul(10).wrapping_add(i64::from(c - b'0'));
                *i += 1;
            }
        };
        match *t {
            Tok::DigitOrZero if rest[0] == b'0' => {
                while rest.get(i) == Some(&b'0') {
                    i += 1;
                }
                nt = Tok::Digit;
                v = -(i as i64);
            }
            Tok::DigitOrZero | Tok::Digit | Tok::SuffixNo | Tok::RevisionNo => {
                digits(&mut i, &mut v);
            }
            Tok::Letter => {
                v = i64::from(rest[0]);
                i = 1;
            }
            Tok::Suffix => {
                if let Some(k) = PRE_SUFFIXES
                    .iter()
                    .position(|p| rest.starts_with(p.as_bytes()))
                {
                    i = PRE_SUFFIXES[k].len();
                    v = k as i64 - PRE_SUFFIXES.len() as i64;
                    nt = Tok::SuffixNo;
                } else if let Some(k) = POST_SUFFIXES
                    .iter()
                    .position(|p| rest.starts_with(p.as_bytes()))
                {
                    i = POST_SUFFIXES[k].len();
                    v = k as i64;
                    nt = Tok::SuffixNo;
                } else {
                    *t = Tok::Invalid;
                    return -1;
                }
            }
            _ => {
                *t = Tok::Invalid;
                return -1;
            }
        }
        self.advance(i);
        if self.rest().is_empty() {
            *t = Tok::End;
        } else if nt != Tok::Invalid {
            *t = nt;
        } else {
            *t = self.next_token(*t);
        }
        v
    }
}

/// Compares two Alpine versions. Never fails: invalid versions are ordered as apk orders them.
pub fn compare(a: &str, b: &str) -> Ordering {
    let mut ca = Cursor {
        s: a.as_bytes(),
        pos: 0,
    };
    let mut cb = Cursor {
        s: b.as_bytes(),
        pos: 0,
    };
    let (mut at, mut bt) = (Tok::Digit, Tok::Digit);
    let (mut av, mut bv) = (0i64, 0i64);
    while at == bt && at != Tok::End && at != Tok::Invalid && av == bv {
        av = ca.get_token(&mut at);
        bv = cb.get_token(&mut bt);
    }
    if av != bv {
        return av.cmp(&bv);
    }
    if at == bt {
        return Ordering::Equal;
    }
    // The leading tokens are equal: the longer version is newer, unless what follows is a
    // pre-release suffix.
    if at == Tok::Suffix {
        let mut tt = at;
        if ca.get_token(&mut tt) < 0 {
            return Ordering::Less;
        }
    }
    if bt == Tok::Suffix {
        let mut tt = bt;
        if cb.get_token(&mut tt) < 0 {
            return Ordering::Greater;
        }
    }
    bt.cmp(&at)
}

/// Whether apk-tools would accept the version as valid (`apk_version_validate`).
pub fn is_valid(v: &str) -> bool {
    if v.is_empty() {
        return false;
    }
    let mut c = Cursor {
        s: v.as_bytes(),
        pos: 0,
    };
    let mut t = Tok::Digit;
    while t != Tok::End && t != Tok::Invalid {
        c.get_token(&mut t);
    }
    t == Tok::End
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basics() {
        assert_eq!(compare("1.2_rc1", "1.2"), Ordering::Less);
        assert_eq!(compare("1.2_p1", "1.2"), Ordering::Greater);
        assert_eq!(compare("1.2-r1", "1.2-r0"), Ordering::Greater);
        assert_eq!(compare("1.2a", "1.2"), Ordering::Greater);
        assert_eq!(compare("1.01", "1.1"), Ordering::Less);
        assert!(is_valid("1.2.3_rc1-r0"));
        assert!(!is_valid("1.2_blah"));
        assert!(!is_valid(""));
    }
}
