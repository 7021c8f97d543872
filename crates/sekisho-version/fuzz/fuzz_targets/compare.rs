//! Any two strings as versions, and any string as a constraint, in every ecosystem (the first
//! byte picks it): comparison and `satisfies` return a result or an error, never panic or hang,
//! and comparison is antisymmetric (but for Composer, as PHP).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sekisho_version::Ecosystem;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let eco = Ecosystem::ALL[usize::from(pick) % Ecosystem::ALL.len()];
    let (a, b) = text.split_once('\n').unwrap_or((text, "1.0"));
    // Antisymmetry holds for every ecosystem but Composer: PHP's own `version_compare` is not
    // antisymmetric on strings with special characters (`version_compare("~%", "%\n")` and
    // the reverse both give -1), and the comparator follows PHP exactly. Callers never sort
    // by a comparator for that reason.
    if eco != Ecosystem::Composer {
        if let (Ok(x), Ok(y)) = (
            sekisho_version::compare(eco, a, b),
            sekisho_version::compare(eco, b, a),
        ) {
            assert_eq!(x, y.reverse(), "{eco:?} {a:?} {b:?}");
        }
    }
    let _ = sekisho_version::satisfies(eco, a, b);
    let _ = sekisho_version::satisfies(eco, b, a);
});
