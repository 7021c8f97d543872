//! Test helpers: deterministic generation of secret-shaped strings from templates, so the test
//! sources hold no live-looking credential (and secret scanners of code hosts stay quiet).
#![allow(dead_code)]

/// xorshift64* PRNG.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn alphabet(class: &str) -> &'static str {
    match class {
        "an" => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "hex" => "0123456789abcdef",
        "HEX" => "0123456789ABCDEF",
        "UP" => "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        "lo" => "abcdefghijklmnopqrstuvwxyz0123456789",
        "az" => "abcdefghijklmnopqrstuvwxyz",
        "b64" => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        "url" => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
        "d" => "0123456789",
        "ah" => "abcdefgh0123456789",
        "b32" => "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",
        other => panic!("unknown class {other}"),
    }
}

/// Random string of `n` characters of `class`, guaranteed to contain a digit and a letter when
/// the alphabet has both (real tokens nearly always do; keeps generic checks deterministic).
pub fn random(rng: &mut Rng, class: &str, n: usize) -> String {
    let a: Vec<char> = alphabet(class).chars().collect();
    loop {
        let s: String = (0..n).map(|_| a[rng.below(a.len())]).collect();
        let has_d = s.chars().any(|c| c.is_ascii_digit());
        let has_l = s.chars().any(|c| c.is_ascii_alphabetic());
        let a_has_d = a.iter().any(|c| c.is_ascii_digit());
        let a_has_l = a.iter().any(|c| c.is_ascii_alphabetic());
        if n < 4 || ((has_d || !a_has_d) && (has_l || !a_has_l)) {
            return s;
        }
    }
}

/// Expand `{class:N}` (see [`alphabet`]) and `{uuid}` in `template`, seeded by `seed`.
/// Any other brace is literal.
pub fn expand(template: &str, seed: u64) -> String {
    let mut rng = Rng::new(seed ^ fnv(template));
    let mut out = String::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let spec = after.find('}').map(|j| &after[..j]);
        if spec == Some("pem64") || spec == Some("pub64") {
            // Base64 of a PEM block (kubeconfig client-key-data style).
            let kind = if spec == Some("pem64") {
                "RSA PRIVATE KEY"
            } else {
                "PUBLIC KEY"
            };
            let body: Vec<String> = (0..4).map(|_| random(&mut rng, "b64", 64)).collect();
            let pem = format!(
                "-----BEGIN {kind}-----\n{}\n-----END {kind}-----\n",
                body.join("\n")
            );
            out.push_str(&base64_encode(pem.as_bytes()));
            rest = &after[spec.unwrap().len() + 1..];
            continue;
        }
        let parsed = spec.and_then(|spec| {
            if spec == "uuid" {
                return Some(None);
            }
            let (class, n) = spec.split_once(':')?;
            if class.is_empty() || !class.chars().all(|c| c.is_ascii_alphanumeric()) {
                return None;
            }
            Some(Some((class, n.parse::<usize>().ok()?)))
        });
        match parsed {
            Some(None) => {
                out.push_str(&format!(
                    "{}-{}-{}-{}-{}",
                    random(&mut rng, "hex", 8),
                    random(&mut rng, "hex", 4),
                    random(&mut rng, "hex", 4),
                    random(&mut rng, "hex", 4),
                    random(&mut rng, "hex", 12)
                ));
                rest = &after[spec.unwrap().len() + 1..];
            }
            Some(Some((class, n))) => {
                out.push_str(&random(&mut rng, class, n));
                rest = &after[spec.unwrap().len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Standard base64 with padding.
pub fn base64_encode(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn fnv(s: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    h
}
