//! `sekisho vercmp`: one line per comparison, `<`, `=` or `>`, as `dpkg --compare-versions`
//! decides for Debian and each ecosystem's own tool for the others; bad input is an error
//! naming it, never a panic.

use std::process::Command;

fn vercmp(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sekisho"))
        .arg("vercmp")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn compares_by_each_ecosystem() {
    let cases = [
        ("deb", "1:1.0-1", "1.1", ">"),
        ("deb", "1.0~rc1", "1.0", "<"),
        ("rpm", "1.0^post", "1.0", ">"),
        ("apk", "1.2.3_rc1", "1.2.3", "<"),
        ("pypi", "1.0.post1", "1.0", ">"),
        ("npm", "1.0.0-alpha", "1.0.0", "<"),
        (
            "golang",
            "v0.0.0-20191026070338-33540a1f6037",
            "v0.1.0",
            "<",
        ),
        ("maven", "1.0-SNAPSHOT", "1.0", "<"),
        ("gem", "2.2.8.1", "2.2.8", ">"),
        ("composer", "1.0.0-RC1", "1.0.0-beta2", ">"),
        ("nuget", "1.0.0.0", "1.0", "="),
    ];
    for (eco, a, b, want) in cases {
        let (code, out, err) = vercmp(&[eco, a, b]);
        assert_eq!((code, out.trim()), (0, want), "{eco} {a} {b}: {err}");
    }
}

#[test]
fn bad_input_is_an_error_naming_it() {
    let (code, _, err) = vercmp(&["cobol", "1", "2"]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown ecosystem \"cobol\""), "{err}");
    let (code, _, err) = vercmp(&["npm", "not a version", "1.0.0"]);
    assert_eq!(code, 1);
    assert!(err.contains("not a version"), "{err}");
}
