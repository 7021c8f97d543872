//! Benchmark helper: opens a database and answers N package lookups, printing the time.
//!
//!     cargo run --release --example lookups -p sekisho-advisory -- DB [N] [--display]
//!
//! The names are drawn deterministically from the database's own package keys (rows spread
//! evenly over the `affected` table, about two thirds of the lookups), plus misses (the same
//! names with a suffix). They are read before the clock starts, through a separate connection. The timed part is
//! `Database::open` and N `Database::lookup` calls; with `--display`, the display blob of every
//! hit is also decoded and timed separately. Prints one line:
//! `lookups N hits H rows R open_ms O lookup_ms L total_ms T [cpu_ms C] [display_n M display_ms D]`
//! (`cpu_ms`: the thread's CPU time for open + lookups, from `/proc/thread-self/schedstat`).

use std::path::PathBuf;
use std::time::Instant;

use sekisho_advisory::Database;

/// `n` keys: about two thirds are those of affected rows spread evenly over the table (every
/// k-th row in table order, so the same database gives the same names), the rest the same
/// names with a suffix (misses). Only the rows needed are kept: collecting every key first
/// would leave a fragmented heap whose consolidation lands in the timed part.
fn keys(path: &PathBuf, n: usize) -> Vec<(String, String, String)> {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open");
    let rows: usize = conn
        .query_row("SELECT count(*) FROM affected", [], |r| r.get::<_, i64>(0))
        .expect("affected rows") as usize;
    let hits = (n * 2).div_ceil(3).max(1);
    let step = (rows / hits).max(1);
    let mut stmt = conn
        .prepare("SELECT ecosystem, distro, name FROM affected")
        .expect("query");
    let mut all = stmt.query([]).expect("rows");
    let mut out = Vec::with_capacity(n);
    let mut i = 0usize;
    while let Some(r) = all.next().expect("row") {
        if i.is_multiple_of(step) && out.len() < n {
            out.push((
                r.get::<_, String>(0).expect("ecosystem"),
                r.get::<_, String>(1).expect("distro"),
                r.get::<_, String>(2).expect("name"),
            ));
            if (i / step) % 2 == 1 && out.len() < n {
                let (e, d, name) = out[out.len() - 1].clone();
                out.push((e, d, format!("{name}-no-such-package")));
            }
        }
        i += 1;
    }
    let mut i = 0;
    while out.len() < n {
        let (e, d, name) = out[i].clone();
        out.push((e, d, format!("{name}-not-here")));
        i += 1;
    }
    out.truncate(n);
    out
}

/// This thread's CPU time in ns (Linux `schedstat`), which a loaded machine does not inflate
/// the way it inflates wall time; `None` elsewhere.
fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first().map(PathBuf::from) else {
        eprintln!("usage: lookups DB [N] [--display]");
        std::process::exit(2);
    };
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(3000);
    let want_display = args.iter().any(|a| a == "--display");
    let names = keys(&path, n);
    let c0 = cpu_ns();
    let t0 = Instant::now();
    let db = Database::open(&path).expect("open database");
    let t1 = Instant::now();
    let mut hits = 0;
    let mut rows = 0;
    let mut found = Vec::new();
    for (eco, distro, name) in &names {
        let h = db.lookup(eco, distro, name).expect("lookup");
        if !h.is_empty() {
            hits += 1;
            rows += h.len();
            if want_display {
                found.extend(h.iter().map(|x| x.advisory_row));
            }
        }
    }
    let t2 = Instant::now();
    let c2 = cpu_ns();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    let mut line = format!(
        "lookups {} hits {hits} rows {rows} open_ms {:.2} lookup_ms {:.2} total_ms {:.2}",
        names.len(),
        ms(t1 - t0),
        ms(t2 - t1),
        ms(t2 - t0)
    );
    if let (Some(a), Some(b)) = (c0, c2) {
        line += &format!(" cpu_ms {:.2}", (b - a) as f64 / 1e6);
    }
    if want_display {
        let t3 = Instant::now();
        for row in &found {
            db.display(*row).expect("display");
        }
        line += &format!(
            " display_n {} display_ms {:.2}",
            found.len(),
            ms(t3.elapsed())
        );
    }
    println!("{line}");
}
