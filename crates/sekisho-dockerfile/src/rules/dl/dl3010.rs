//! DL3010: Use ADD for extracting archives into an image

use crate::rules::prelude::*;

/// DL3010's metadata and check.
pub(crate) static DL3010: RuleInfo = RuleInfo {
    code: "DL3010",
    severity: Info,
    message: "Use ADD for extracting archives into an image",
    onbuild: false,
    default_on: true,
    doc: "A local archive COPYed and then extracted in RUN stays in an earlier layer; ADD \
          extracts it in one step.",
    check: Check::Fold(check),
};

/// DL3010: Use ADD for extracting archives into an image
fn check(items: &[Item], s: &mut Sink) {
    let mut archives: BTreeSet<(Loc, String)> = BTreeSet::new();
    let mut extracted: BTreeSet<(Loc, String)> = BTreeSet::new();
    for it in items {
        match it.args() {
            Args::From(_) => {
                // hadolint restarts the whole state (earlier findings included) at FROM
                archives.clear();
                extracted.clear();
            }
            Args::Copy(c) if c.from.is_none() => {
                if is_archive(&c.dest) {
                    archives.insert((it.loc(), basename(&c.dest).to_string()));
                } else {
                    for src in &c.sources {
                        if is_archive(basename(src)) {
                            archives.insert((it.loc(), basename(src).to_string()));
                        }
                    }
                }
            }
            Args::Run(_) => {
                let Some(sh) = &it.shell else { continue };
                for a in &archives {
                    let hit = sh.any(|c| {
                        let is_tar = c.name == "tar"
                            && c.args.iter().any(|f| {
                                f == "--extract"
                                    || f == "--get"
                                    || (f.starts_with('-')
                                        && !f.starts_with("--")
                                        && f.contains('x'))
                            });
                        let is_unzip = matches!(
                            c.name.as_str(),
                            "unzip"
                                | "gunzip"
                                | "bunzip2"
                                | "unlzma"
                                | "unxz"
                                | "zgz"
                                | "uncompress"
                                | "zcat"
                                | "gzcat"
                        );
                        (is_tar || is_unzip) && c.args_no_flags().iter().any(|x| basename(x) == a.1)
                    });
                    if hit {
                        extracted.insert(a.clone());
                    }
                }
            }
            _ => {}
        }
    }
    for e in &extracted {
        s.fail_at(e.0);
    }
}

fn basename(p: &str) -> &str {
    let p = drop_quotes(p);
    p.rsplit(['/', '\\']).next().unwrap_or(p)
}
