//! No input string panics, in compare or satisfies, for any ecosystem.

use sekisho_version::{compare, satisfies, Ecosystem};

const GARBAGE: &[&str] = &[
    "",
    " ",
    "-",
    ":",
    "::",
    "~",
    "^",
    "+",
    "..",
    "v",
    "1:",
    ":1",
    "-1",
    "1-",
    "_",
    "1_",
    "@@",
    "[",
    "(,",
    "||",
    "\u{0}",
    "é.1",
    "1.ü",
    "💥",
    "1.2.3-💥+💥",
    "99999999999999999999999999999999999999999.1",
    "a-b-c-d-e-f-g",
    ">=<",
    "~>",
    "^^1",
    "1 - ",
    " - 1",
    "1..2",
    "1.x.x.x.x",
    "dev-",
    "*.*.*",
    ".*",
    "==.*",
];

#[test]
fn garbage_never_panics() {
    for eco in Ecosystem::ALL {
        for a in GARBAGE {
            for b in GARBAGE.iter().chain(["1.0", "1.0.0"].iter()) {
                let _ = compare(eco, a, b);
                let _ = compare(eco, b, a);
                let _ = satisfies(eco, a, b);
                let _ = satisfies(eco, b, a);
                let _ = satisfies(eco, "1.0.0", a);
            }
        }
    }
}

/// Inputs that would nest deeply in a recursive parser (Maven's lists) are handled iteratively.
#[test]
fn deep_inputs() {
    let deep = [
        "1-".repeat(20_000),
        "a1".repeat(20_000),
        "1.".repeat(20_000),
        "(".repeat(20_000),
    ];
    for eco in Ecosystem::ALL {
        for d in &deep {
            let t = std::time::Instant::now();
            let _ = compare(eco, d, "1.0");
            let _ = compare(eco, d, d);
            let _ = satisfies(eco, "1.0", d);
            let _ = satisfies(eco, d, ">=1.0");
            assert!(t.elapsed().as_secs() < 5, "{eco} slow on a deep input");
        }
    }
}

#[test]
fn compare_is_reflexive_on_garbage() {
    for eco in Ecosystem::ALL {
        for a in GARBAGE {
            if let Ok(o) = compare(eco, a, a) {
                // PHP's version_compare is not reflexive for strings with empty parts.
                if eco != Ecosystem::Composer {
                    assert_eq!(o, std::cmp::Ordering::Equal, "{eco} {a:?}");
                }
            }
        }
    }
}
