//! Small root filesystems through the engine: the conda analyzer (records in every environment
//! prefix, purls as the purl spec has them, installed files, a clear warning for a broken
//! record) and terminal-safe tables.

#[path = "../../../tests/hostile_dump.rs"]
mod hostile_dump;

use sekisho_image::Source;
use sekisho_model::{PackageKind, Timestamp};
use sekisho_scan::ScanRequest;

fn write(root: &std::path::Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn conda_environments_are_inventoried() {
    let root = std::env::temp_dir().join(format!("sekisho-conda-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    write(
        &root,
        "opt/conda/conda-meta/numpy-1.26.4-py311h64a7726_0.json",
        r#"{"name":"numpy","version":"1.26.4","build":"py311h64a7726_0","build_number":0,
            "channel":"https://conda.anaconda.org/conda-forge/linux-64","subdir":"linux-64",
            "fn":"numpy-1.26.4-py311h64a7726_0.conda","license":"BSD-3-Clause",
            "depends":["python >=3.11,<3.12.0a0"],
            "files":["lib/python3.11/site-packages/numpy/__init__.py","bin/f2py"]}"#,
    );
    write(
        &root,
        "opt/conda/envs/web/conda-meta/flask-3.0.3-pyhd8ed1ab_0.json",
        r#"{"name":"flask","version":"3.0.3","build":"pyhd8ed1ab_0","channel":"pkgs/main",
            "subdir":"noarch","fn":"flask-3.0.3-pyhd8ed1ab_0.tar.bz2","license":"BSD-3-Clause",
            "files":[]}"#,
    );
    write(
        &root,
        "opt/conda/conda-meta/history",
        "==> 2024-01-01 <==\n",
    );
    write(&root, "opt/conda/conda-meta/broken-1-0.json", "{\"name\": ");
    let source = Source::rootfs("dir:conda", &root);
    let report = sekisho_scan::scan(&ScanRequest::new(source, Timestamp::UNIX_EPOCH)).unwrap();
    std::fs::remove_dir_all(&root).unwrap();

    let conda: Vec<_> = report
        .packages
        .iter()
        .filter(|p| p.kind == PackageKind::Conda)
        .collect();
    assert_eq!(conda.len(), 2, "{:?}", report.packages);
    let flask = conda.iter().find(|p| p.name == "flask").unwrap();
    assert_eq!(
        flask.purl,
        "pkg:conda/flask@3.0.3?build=pyhd8ed1ab_0&channel=main&subdir=noarch&type=tar.bz2"
    );
    assert_eq!(
        flask.path,
        "/opt/conda/envs/web/conda-meta/flask-3.0.3-pyhd8ed1ab_0.json"
    );
    let numpy = conda.iter().find(|p| p.name == "numpy").unwrap();
    assert_eq!(
        numpy.purl,
        "pkg:conda/numpy@1.26.4?build=py311h64a7726_0&channel=conda-forge&subdir=linux-64&type=conda"
    );
    assert_eq!(numpy.licenses, ["BSD-3-Clause"]);
    assert_eq!(
        numpy.files,
        [
            "/opt/conda/lib/python3.11/site-packages/numpy/__init__.py",
            "/opt/conda/bin/f2py"
        ]
    );
    assert!(
        report.warnings.iter().any(
            |w| w.starts_with("/opt/conda/conda-meta/broken-1-0.json: not a conda-meta record")
        ),
        "{:?}",
        report.warnings
    );
    let table = sekisho_report::render_table(&report, false);
    assert!(table.contains("conda packages (2)"), "{table}");
}

#[test]
fn names_from_the_image_cannot_drive_the_terminal() {
    let root = std::env::temp_dir().join(format!("sekisho-escape-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    write(
        &root,
        "app/\u{1b}[2J\u{1b}]0;pwned\u{7}.env",
        "AWS_ACCESS_KEY_ID=AKIAZ7VRSQ5TJN2XMY3P\n",
    );
    hostile_dump::path("rootfs", &root);
    let mut request = ScanRequest::new(Source::rootfs("dir:escape", &root), Timestamp::UNIX_EPOCH);
    request.scanners.secret = true;
    let report = sekisho_scan::scan(&request).unwrap();
    std::fs::remove_dir_all(&root).unwrap();
    assert!(!report.findings().is_empty(), "{report:?}");
    let table = sekisho_report::render_table(&report, false);
    assert!(
        !table.contains('\u{1b}') && !table.contains('\u{7}'),
        "{table:?}"
    );
    assert!(table.contains("\\u{1b}[2J"), "{table}");
}
