//! Measures in-process lint time per file over the corpus (no process start-up).
fn main() {
    let dir = std::env::args().nth(1).expect("usage: timing DIR");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    files.sort();
    let srcs: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect();
    let t = std::time::Instant::now();
    let mut n = 0;
    for _ in 0..5 {
        for s in &srcs {
            n += sekisho_dockerfile::lint(s).len();
        }
    }
    let el = t.elapsed();
    println!(
        "{} files x5: {:?} total, {:.1} us/file, {} findings",
        srcs.len(),
        el,
        el.as_secs_f64() * 1e6 / (5 * srcs.len()) as f64,
        n / 5
    );
}
