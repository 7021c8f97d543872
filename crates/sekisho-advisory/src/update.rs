//! Updating the database from the upstream feeds: download each feed into a cache, then
//! bring the database up to date with the cache: incrementally when the only changes are OSV
//! records downloaded one by one, else by a full [`build`](crate::build()).
//!
//! Every feed and its upstream layout is in one table, [`Feed::defaults`]. With a mirror,
//! every feed's base becomes `<mirror>/<feed name>/` and the upstream layout below it is
//! kept, so an air-gapped site mirrors folders.
//!
//! Cache layout (`<cache>/<feed name>/…`; names starting with `.` are state and temporary
//! files, which the builder skips):
//!
//! * OSV: `<Ecosystem>/<ID>.json`, one file per record, and `<Ecosystem>/.state.json` with
//!   the newest `modified` time seen. The first run (or a run whose state is missing or
//!   unreadable) downloads `<Ecosystem>/all.zip` and unpacks it into a new folder that
//!   replaces the old one; later runs read `<Ecosystem>/modified_id.csv` (newest first) and
//!   download only the records modified since, one `<Ecosystem>/<ID>.json` each (when one of
//!   them is not on the server, as on a mirror that keeps only `all.zip` and the index, or
//!   when more than 5,000 changed, the whole `all.zip` is downloaded instead). Records are
//!   fetched by 8 concurrent requests.
//! * Whole files (Alpine/Wolfi secdb, Debian tracker, Red Hat's `repository-to-cpe.json`):
//!   saved under the names of the table.
//! * An archive named by a pointer file (Red Hat CSAF VEX: `archive_latest.txt` names
//!   `csaf_vex_<date>.tar.zst`): saved as `<feed name>.<ext>`, downloaded again only when the
//!   pointer names another archive.
//! * `<cache>/.journal.json`: how the cache differs from what the database was last built
//!   from: the digest of every source of that build, the OSV record files written since (with
//!   the hash of the version the database holds), and whether anything else changed (a feed
//!   downloaded whole: an OSV `all.zip`, a changed file or archive). Each change is noted
//!   before the cache is touched, so a run stopped half-way leaves a journal that says at
//!   least as much as happened.
//!
//! The database: when the journal says only OSV records changed, and the database is of this
//! schema and builder and was built from the journal's sources (same names, same digests),
//! it is updated in place of a full build (`incremental.rs`: the changed advisories' rows are
//! replaced in a copy of the file, renamed over it), which answers exactly as a full build
//! would. Anything else, or any doubt, is a full build from the cache. After either, the
//! journal starts again from the new database's digests.
//!
//! Safety: every download goes to a temporary file beside its target and is renamed into
//! place only once complete and checked (an archive is opened and its records recognised; a
//! file must be a recognisable advisory file); a failure leaves the previous cache, and the
//! database is only rebuilt when every selected feed was fetched. The builder replaces the
//! database atomically.
//!
//! Checksums: OSV's bucket, the Alpine and Wolfi secdb and the Debian tracker publish none
//! beside their files. For an archive feed, `<archive>.sha256` is fetched and checked when the
//! server has it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::build::{build, BuildSummary};
use crate::feeds::{self, Ctx, Outcome};
use crate::fetch::{Client, HttpOptions};
use crate::incremental::{self, Changed, IncrementalSummary};
use crate::{input, Error};

/// OSV.dev's per-ecosystem exports fetched by default.
const OSV_ECOSYSTEMS: &[&str] = &[
    "npm",
    "PyPI",
    "Go",
    "crates.io",
    "RubyGems",
    "Packagist",
    "Maven",
    "NuGet",
    "Pub",
    "Hex",
    "Debian",
    "Ubuntu",
    "Alpine",
];

/// Alpine branches whose secdb is fetched (a branch the server does not have is skipped).
const ALPINE_BRANCHES: &[&str] = &[
    "v3.10", "v3.11", "v3.12", "v3.13", "v3.14", "v3.15", "v3.16", "v3.17", "v3.18", "v3.19",
    "v3.20", "v3.21", "v3.22", "v3.23", "v3.24",
];

/// Changed OSV records fetched one by one at most; past this, `all.zip` is downloaded.
const INCREMENTAL_LIMIT: usize = 5000;

/// Concurrent requests for changed OSV records.
const FETCH_WORKERS: usize = 8;

/// One file of a [`Layout::Files`] feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedFile {
    /// Its path below the feed's base URL.
    pub path: String,
    /// Its path in the feed's cache folder (the name tells the builder its format).
    pub save_as: String,
}

/// How a feed is laid out upstream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layout {
    /// OSV.dev's bucket: `<Ecosystem>/all.zip`, `<Ecosystem>/modified_id.csv`,
    /// `<Ecosystem>/<ID>.json`.
    Osv {
        /// The ecosystems fetched.
        ecosystems: Vec<String>,
    },
    /// Whole files, fetched every run.
    Files {
        /// The files.
        files: Vec<FeedFile>,
        /// Whether a file the server does not have (404) is skipped rather than an error
        /// (Alpine branches not published yet, or no longer).
        missing_ok: bool,
    },
    /// An archive whose name is the first line of a small pointer file.
    Archive {
        /// The pointer file's path below the base URL; the archive is beside it.
        pointer: String,
    },
}

/// A feed: its name (the cache folder, the mirror folder and the database source name), its
/// upstream base URL and its layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feed {
    /// The name.
    pub name: String,
    /// The upstream base URL (ends with `/`).
    pub base: String,
    /// The layout below the base.
    pub layout: Layout,
}

impl Feed {
    /// The feeds `sekisho db update` fetches, with their upstream URLs: the one table.
    pub fn defaults() -> Vec<Feed> {
        let files = |list: &[(&str, &str)]| {
            list.iter()
                .map(|(path, save_as)| FeedFile {
                    path: (*path).to_owned(),
                    save_as: (*save_as).to_owned(),
                })
                .collect::<Vec<_>>()
        };
        let alpine: Vec<(String, String)> = ALPINE_BRANCHES
            .iter()
            .flat_map(|b| {
                ["main", "community"].map(|r| (format!("{b}/{r}.json"), format!("{b}/{r}.json")))
            })
            .collect();
        vec![
            Feed {
                name: "osv".into(),
                base: "https://osv-vulnerabilities.storage.googleapis.com/".into(),
                layout: Layout::Osv {
                    ecosystems: OSV_ECOSYSTEMS.iter().map(|e| (*e).to_owned()).collect(),
                },
            },
            Feed {
                name: "alpine-secdb".into(),
                base: "https://secdb.alpinelinux.org/".into(),
                layout: Layout::Files {
                    files: alpine
                        .into_iter()
                        .map(|(path, save_as)| FeedFile { path, save_as })
                        .collect(),
                    missing_ok: true,
                },
            },
            Feed {
                name: "wolfi".into(),
                base: "https://packages.wolfi.dev/os/".into(),
                layout: Layout::Files {
                    files: files(&[("security.json", "security.json")]),
                    missing_ok: false,
                },
            },
            Feed {
                name: "chainguard".into(),
                base: "https://packages.cgr.dev/chainguard/".into(),
                layout: Layout::Files {
                    files: files(&[("security.json", "security.json")]),
                    missing_ok: false,
                },
            },
            Feed {
                name: "debian-tracker".into(),
                base: "https://security-tracker.debian.org/tracker/data/".into(),
                layout: Layout::Files {
                    files: files(&[("json", "tracker.json")]),
                    missing_ok: false,
                },
            },
            Feed {
                name: "redhat-csaf-vex".into(),
                base: "https://security.access.redhat.com/data/csaf/v2/vex/".into(),
                layout: Layout::Archive {
                    pointer: "archive_latest.txt".into(),
                },
            },
            // Beside the VEX archive (the archive layout holds one archive): the map from
            // the repositories an image's content manifests name to the CPEs of Red Hat's
            // records, which scopes them.
            Feed {
                name: "redhat-repository-to-cpe".into(),
                base: "https://security.access.redhat.com/data/metrics/".into(),
                layout: Layout::Files {
                    files: files(&[("repository-to-cpe.json", "repository-to-cpe.json")]),
                    missing_ok: false,
                },
            },
        ]
    }

    /// The base URL requests go to: the upstream base, or `<mirror>/<name>/`.
    pub fn base_url(&self, mirror: Option<&str>) -> String {
        match mirror {
            Some(m) => format!("{}/{}/", m.trim_end_matches('/'), self.name),
            None if self.base.ends_with('/') => self.base.clone(),
            None => format!("{}/", self.base),
        }
    }
}

/// What [`update`] does.
#[derive(Debug, Clone)]
pub struct UpdateOptions {
    /// The database to (re)build.
    pub db: PathBuf,
    /// The feed cache folder.
    pub cache: PathBuf,
    /// Every known feed ([`Feed::defaults`]); the database is built from all of them that
    /// are in the cache.
    pub feeds: Vec<Feed>,
    /// The feeds to fetch, by name (empty: all).
    pub only: Vec<String>,
    /// A mirror URL replacing every feed's base with `<mirror>/<feed name>/`.
    pub mirror: Option<String>,
    /// The build time to record (the caller owns the clock).
    pub built: String,
    /// HTTP behaviour.
    pub http: HttpOptions,
}

/// Progress reports, for a display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress<'a> {
    /// Bytes of one download received so far.
    Download {
        /// The feed.
        feed: &'a str,
        /// The URL.
        url: &'a str,
        /// Bytes received.
        done: u64,
        /// The size, when the server said it.
        total: Option<u64>,
    },
    /// Records of one OSV ecosystem unpacked or fetched so far.
    Records {
        /// The feed.
        feed: &'a str,
        /// The ecosystem.
        ecosystem: &'a str,
        /// Records done.
        done: usize,
        /// Records in all.
        total: usize,
    },
    /// The database is being built from the cache.
    Building,
}

/// How one part of a feed (an OSV ecosystem, a file, an archive) was brought up to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Downloaded whole.
    Full,
    /// Only the records changed since the last run were downloaded.
    Incremental,
    /// Nothing changed upstream.
    Unchanged,
    /// The server does not have it (skipped).
    Missing,
}

/// One part of a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartSummary {
    /// The ecosystem or file.
    pub part: String,
    /// How it was updated.
    pub mode: Mode,
    /// OSV records written (unpacked or fetched).
    pub records: usize,
}

/// What was fetched for one feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedSummary {
    /// The feed's name.
    pub name: String,
    /// HTTP requests made (retries included).
    pub requests: u64,
    /// Bytes downloaded.
    pub bytes: u64,
    /// Its parts.
    pub parts: Vec<PartSummary>,
}

/// What [`update`] did.
#[derive(Debug, Clone)]
pub struct UpdateSummary {
    /// The feeds fetched, in table order.
    pub feeds: Vec<FeedSummary>,
    /// The database's sources and warnings (of the files read: every file in a full build,
    /// the changed records in an incremental update).
    pub build: BuildSummary,
    /// Set when the database was updated incrementally rather than built in full.
    pub incremental: Option<IncrementalSummary>,
}

/// Fetches the selected feeds into the cache, then brings the database up to date with every
/// feed in the cache: incrementally when only OSV records changed (see the module
/// documentation), else by a full build. `progress` receives reports as the work goes (the caller decides whether to
/// show them). On any error the previous cache files and the previous database stay usable.
pub fn update(
    opts: &UpdateOptions,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<UpdateSummary, Error> {
    for f in &opts.feeds {
        if !safe_name(&f.name) {
            return Err(Error::Options {
                message: format!("feed name {:?}: use letters, digits and '-'", f.name),
            });
        }
    }
    for name in &opts.only {
        if !opts.feeds.iter().any(|f| &f.name == name) {
            let known: Vec<&str> = opts.feeds.iter().map(|f| f.name.as_str()).collect();
            return Err(Error::Options {
                message: format!("unknown feed {name:?} (known: {})", known.join(", ")),
            });
        }
    }
    if let Some(m) = &opts.mirror {
        if !(m.starts_with("http://") || m.starts_with("https://")) {
            return Err(Error::Options {
                message: format!("mirror {m:?}: expected an http:// or https:// URL"),
            });
        }
    }
    let client = Client::new(&opts.http)?;
    fs::create_dir_all(&opts.cache).map_err(io_err(&opts.cache))?;
    // One update per cache at a time (an OS lock: it goes away with the process).
    let lock_path = opts.cache.join(".lock");
    let lock = fs::File::create(&lock_path).map_err(io_err(&lock_path))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            return Err(Error::Options {
                message: format!(
                    "{}: another `sekisho db update` is using this feed cache",
                    opts.cache.display()
                ),
            })
        }
        Err(fs::TryLockError::Error(e)) => return Err(io_err(&lock_path)(e)),
    }
    let journal = opts.cache.join(JOURNAL);
    let mut feeds_done = Vec::new();
    for feed in &opts.feeds {
        if !opts.only.is_empty() && !opts.only.contains(&feed.name) {
            continue;
        }
        let dir = opts.cache.join(&feed.name);
        fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let mut s = Session {
            client: &client,
            feed,
            base: feed.base_url(opts.mirror.as_deref()),
            requests: 0,
            bytes: 0,
            progress: &mut *progress,
            journal: &journal,
            dir: &dir,
        };
        let parts = match &feed.layout {
            Layout::Osv { ecosystems } => {
                let mut parts = Vec::new();
                for eco in ecosystems {
                    parts.push(update_osv(&mut s, eco, &dir)?);
                }
                parts
            }
            Layout::Files { files, missing_ok } => update_files(&mut s, files, *missing_ok, &dir)?,
            Layout::Archive { pointer } => vec![update_archive(&mut s, pointer, &dir)?],
        };
        feeds_done.push(FeedSummary {
            name: feed.name.clone(),
            requests: s.requests,
            bytes: s.bytes,
            parts,
        });
    }
    progress(Progress::Building);
    let sources: Vec<PathBuf> = opts
        .feeds
        .iter()
        .filter_map(|f| cached_source(&opts.cache, f))
        .collect();
    if sources.is_empty() {
        return Err(Error::Options {
            message: format!(
                "{}: no feed in the cache to build from",
                opts.cache.display()
            ),
        });
    }
    let state = read_journal(&journal);
    let mut done = None;
    if !state.dirty {
        // Any failure here (an unreadable old database, say) is left to the full build.
        if let Ok(Some(d)) =
            incremental::update(&opts.db, &sources, &state.base, &state.changed, &opts.built)
        {
            done = Some(d);
        }
    }
    let (build, incremental) = match done {
        Some((build, summary)) => (build, Some(summary)),
        None => (build(&opts.db, &sources, &opts.built)?, None),
    };
    let fresh = Journal {
        base: build
            .sources
            .iter()
            .map(|s| (s.row.name.clone(), s.row.digest.clone()))
            .collect(),
        dirty: false,
        changed: BTreeMap::new(),
    };
    write_journal(&journal, &fresh)?;
    Ok(UpdateSummary {
        feeds: feeds_done,
        build,
        incremental,
    })
}

/// The journal's file name in the cache.
const JOURNAL: &str = ".journal.json";

/// `<cache>/.journal.json`.
#[derive(Serialize, Deserialize)]
struct Journal {
    /// The digest of every source of the last build, by source name.
    base: BTreeMap<String, String>,
    /// Something changed that only a full build follows.
    dirty: bool,
    /// OSV record files written since, by feed (the source's name).
    changed: BTreeMap<String, Changed>,
}

/// The journal; a missing or unreadable one says "dirty": nothing is known.
fn read_journal(path: &Path) -> Journal {
    fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Journal {
            base: BTreeMap::new(),
            dirty: true,
            changed: BTreeMap::new(),
        })
}

fn write_journal(path: &Path, journal: &Journal) -> Result<(), Error> {
    let bytes = serde_json::to_vec(journal).expect("the journal serialises");
    write_atomic(path, &bytes)
}

/// One feed's requests, counted.
struct Session<'a> {
    client: &'a Client,
    feed: &'a Feed,
    base: String,
    requests: u64,
    bytes: u64,
    progress: &'a mut dyn FnMut(Progress<'_>),
    /// The cache's journal.
    journal: &'a Path,
    /// The feed's cache folder (the database source).
    dir: &'a Path,
}

impl Session<'_> {
    /// Notes in the journal, before the cache changes, that only a full build follows.
    fn note_whole(&self) -> Result<(), Error> {
        let mut j = read_journal(self.journal);
        if j.dirty {
            return Ok(());
        }
        j.dirty = true;
        write_journal(self.journal, &j)
    }

    /// Notes in the journal, before they are downloaded, the OSV records `<eco>/<id>.json`
    /// about to be written, each with the hash of the file the database holds (the cached one,
    /// unless the journal already names the file).
    fn note_records(&self, eco: &str, ids: &[String]) -> Result<(), Error> {
        let mut j = read_journal(self.journal);
        if j.dirty || ids.is_empty() {
            return Ok(());
        }
        let files = j.changed.entry(self.feed.name.clone()).or_default();
        for id in ids {
            let rel = format!("{eco}/{id}.json");
            if files.contains_key(&rel) {
                continue;
            }
            let old = input::read_dir_file(self.dir, &rel)?
                .map(|b| hex::encode(input::file_hash(&rel, &b)));
            files.insert(rel, old);
        }
        write_journal(self.journal, &j)
    }

    fn url(&self, rel: &str) -> String {
        format!("{}{rel}", self.base)
    }

    fn name(&self) -> &str {
        &self.feed.name
    }

    /// Downloads `url` to `tmp`; `Ok(None)` when the server has no such file. The file is
    /// removed on failure.
    fn download(&mut self, url: &str, tmp: &Path) -> Result<Option<u64>, Error> {
        self.requests += 1;
        let feed = self.feed.name.as_str();
        let progress = &mut *self.progress;
        let got = self.client.get_into(
            feed,
            url,
            &mut || fs::File::create(tmp).map(io::BufWriter::new),
            &mut |done, total| {
                progress(Progress::Download {
                    feed,
                    url,
                    done,
                    total,
                })
            },
        );
        match got {
            Ok(Some((w, n))) => {
                let file = w.into_inner().map_err(|e| Error::Io {
                    path: tmp.to_path_buf(),
                    source: e.into_error(),
                })?;
                file.sync_all().map_err(io_err(tmp))?;
                self.bytes += n;
                Ok(Some(n))
            }
            Ok(None) => {
                let _ = fs::remove_file(tmp);
                Ok(None)
            }
            Err(e) => {
                let _ = fs::remove_file(tmp);
                Err(e)
            }
        }
    }

    fn get_bytes(&mut self, url: &str, limit: u64) -> Result<Option<Vec<u8>>, Error> {
        self.requests += 1;
        let got = self.client.get_bytes(&self.feed.name, url, limit)?;
        if let Some(b) = &got {
            self.bytes += b.len() as u64;
        }
        Ok(got)
    }

    fn not_found(&self, url: &str) -> Error {
        Error::Fetch {
            feed: self.feed.name.clone(),
            url: url.to_owned(),
            message: "HTTP 404 (not on the server)".into(),
        }
    }

    fn format_error(&self, file: impl Into<String>, message: impl Into<String>) -> Error {
        Error::FeedFormat {
            feed: self.feed.name.clone(),
            file: file.into(),
            message: message.into(),
        }
    }
}

fn io_err(path: &Path) -> impl Fn(io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Feed names, OSV ids and archive names become file names: letters, digits, `-`, `_`, `.`,
/// not starting with `.`.
fn safe_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('.')
        && s.len() <= 200
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Writes a small file atomically (temporary file, then rename).
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    fs::write(&tmp, bytes).map_err(io_err(&tmp))?;
    fs::rename(&tmp, path).map_err(io_err(path))
}

// ---------------------------------------------------------------------------------------
// OSV

/// `.state.json` of one OSV ecosystem.
#[derive(Serialize, Deserialize)]
struct OsvState {
    /// The newest `modified` seen (RFC 3339), none when the export was empty.
    modified: Option<String>,
}

/// The two fields of an OSV record the updater needs.
#[derive(Deserialize)]
struct OsvHead {
    id: String,
    modified: String,
}

/// Checks that `bytes` is an OSV record; its id and `modified` time.
fn osv_head(bytes: &[u8]) -> Result<(String, jiff::Timestamp), String> {
    let head: OsvHead = serde_json::from_slice(bytes)
        .map_err(|e| format!("not an OSV record (no string `id` and `modified`): {e}"))?;
    let modified = head
        .modified
        .parse::<jiff::Timestamp>()
        .map_err(|e| format!("{}: `modified` {:?}: {e}", head.id, head.modified))?;
    if !safe_name(&head.id) {
        return Err(format!("record id {:?} is not a plain identifier", head.id));
    }
    Ok((head.id, modified))
}

fn read_osv_state(live: &Path) -> Option<Option<jiff::Timestamp>> {
    if !live.is_dir() {
        return None;
    }
    let bytes = fs::read(live.join(".state.json")).ok()?;
    let state: OsvState = serde_json::from_slice(&bytes).ok()?;
    match state.modified {
        None => Some(None),
        Some(m) => m.parse::<jiff::Timestamp>().ok().map(Some),
    }
}

fn write_osv_state(dir: &Path, newest: Option<jiff::Timestamp>) -> Result<(), Error> {
    let state = OsvState {
        modified: newest.map(|t| t.to_string()),
    };
    let bytes = serde_json::to_vec(&state).expect("the state serialises");
    write_atomic(&dir.join(".state.json"), &bytes)
}

fn update_osv(s: &mut Session<'_>, eco: &str, dir: &Path) -> Result<PartSummary, Error> {
    if eco.is_empty() || eco.contains(['/', '\\']) || eco.starts_with('.') {
        return Err(Error::Options {
            message: format!("feed {}: ecosystem {eco:?} is not a folder name", s.name()),
        });
    }
    let live = dir.join(eco);
    if let Some(since) = read_osv_state(&live) {
        if let Some(done) = osv_incremental(s, eco, &live, since)? {
            return Ok(done);
        }
    }
    osv_full(s, eco, dir)
}

fn osv_full(s: &mut Session<'_>, eco: &str, dir: &Path) -> Result<PartSummary, Error> {
    let url = s.url(&format!("{eco}/all.zip"));
    let part = dir.join(format!(".{eco}.all.zip.part"));
    if s.download(&url, &part)?.is_none() {
        return Err(s.not_found(&url));
    }
    let zip_path = dir.join(format!(".{eco}.all.zip"));
    fs::rename(&part, &zip_path).map_err(io_err(&zip_path))?;
    let staging = dir.join(format!(".{eco}.new"));
    let result = unpack_osv(s, eco, &url, &zip_path, &staging);
    let _ = fs::remove_file(&zip_path);
    let records = match result {
        Ok(n) => n,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let live = dir.join(eco);
    s.note_whole()?;
    let old = dir.join(format!(".{eco}.old"));
    if old.exists() {
        fs::remove_dir_all(&old).map_err(io_err(&old))?;
    }
    if live.exists() {
        fs::rename(&live, &old).map_err(io_err(&live))?;
    }
    fs::rename(&staging, &live).map_err(io_err(&live))?;
    let _ = fs::remove_dir_all(&old);
    Ok(PartSummary {
        part: eco.to_owned(),
        mode: Mode::Full,
        records,
    })
}

/// Unpacks an `all.zip` into `staging` (one `<ID>.json` per record, then `.state.json`).
fn unpack_osv(
    s: &mut Session<'_>,
    eco: &str,
    url: &str,
    zip_path: &Path,
    staging: &Path,
) -> Result<usize, Error> {
    let archive_err = |e: &dyn std::fmt::Display| Error::FeedArchive {
        feed: s.feed.name.clone(),
        file: url.to_owned(),
        message: e.to_string(),
    };
    if staging.exists() {
        fs::remove_dir_all(staging).map_err(io_err(staging))?;
    }
    fs::create_dir_all(staging).map_err(io_err(staging))?;
    let file = fs::File::open(zip_path).map_err(io_err(zip_path))?;
    let mut archive =
        zip::ZipArchive::new(io::BufReader::new(file)).map_err(|e| archive_err(&e))?;
    let total = archive.len();
    let mut newest: Option<jiff::Timestamp> = None;
    let mut records = 0usize;
    let mut buf = Vec::new();
    for i in 0..total {
        let mut entry = archive.by_index(i).map_err(|e| archive_err(&e))?;
        if !entry.is_file() {
            continue;
        }
        let name = entry.name().map_err(|e| archive_err(&e))?.to_string();
        if !name.ends_with(".json") {
            continue;
        }
        buf.clear();
        (&mut entry)
            .take(256 << 20)
            .read_to_end(&mut buf)
            .map_err(|e| archive_err(&format!("{name}: {e}")))?;
        let (id, modified) =
            osv_head(&buf).map_err(|m| s.format_error(format!("{url}: {name}"), m))?;
        let path = staging.join(format!("{id}.json"));
        fs::write(&path, &buf).map_err(io_err(&path))?;
        newest = newest.max(Some(modified));
        records += 1;
        (s.progress)(Progress::Records {
            feed: &s.feed.name,
            ecosystem: eco,
            done: i + 1,
            total,
        });
    }
    write_osv_state(staging, newest)?;
    Ok(records)
}

fn osv_incremental(
    s: &mut Session<'_>,
    eco: &str,
    live: &Path,
    since: Option<jiff::Timestamp>,
) -> Result<Option<PartSummary>, Error> {
    let url = s.url(&format!("{eco}/modified_id.csv"));
    let Some(csv) = s.get_bytes(&url, 1 << 30)? else {
        return Err(s.not_found(&url));
    };
    let text = std::str::from_utf8(&csv).map_err(|e| s.format_error(&url, e.to_string()))?;
    let mut changed = Vec::new();
    let mut seen = BTreeSet::new();
    let mut newest = since;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let bad = |why: &str| s.format_error(&url, format!("line {}: {why}: {line:?}", n + 1));
        let (ts, id) = line
            .split_once(',')
            .ok_or_else(|| bad("expected `<modified>,<id>`"))?;
        let ts: jiff::Timestamp = ts.trim().parse().map_err(|_| bad("not an RFC 3339 time"))?;
        // Newest first: everything after the first record already seen is older.
        if since.is_some_and(|since| ts <= since) {
            break;
        }
        let id = id.trim();
        if !safe_name(id) {
            return Err(bad("not a plain record id"));
        }
        if seen.insert(id.to_owned()) {
            changed.push(id.to_owned());
        }
        newest = newest.max(Some(ts));
    }
    let total = changed.len();
    // Past this many changed records one archive is cheaper than thousands of requests.
    if total > INCREMENTAL_LIMIT {
        return Ok(None);
    }
    s.note_records(eco, &changed)?;
    let urls: Vec<String> = changed
        .iter()
        .map(|id| s.url(&format!("{eco}/{id}.json")))
        .collect();
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let client = s.client;
    let feed_name = s.feed.name.clone();
    let complete = std::thread::scope(|scope| -> Result<bool, Error> {
        let (tx, rx) = mpsc::channel();
        for _ in 0..FETCH_WORKERS.min(total) {
            let tx = tx.clone();
            let (next, stop, urls, feed_name) = (&next, &stop, &urls, &feed_name);
            scope.spawn(move || loop {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(url) = urls.get(i) else { break };
                let got = client.get_bytes(feed_name, url, 256 << 20);
                if tx.send((i, got)).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut result = Ok(true);
        let mut done = 0usize;
        // Results are written by this thread as they come; after a failure the rest is
        // drained so that no worker blocks.
        for (i, got) in rx {
            if !matches!(result, Ok(true)) {
                continue;
            }
            s.requests += 1;
            let step = match got {
                Err(e) => Err(e),
                // Listed as changed but not on the server (a mirror that keeps only
                // `all.zip` and the index): take the whole export instead.
                Ok(None) => Ok(false),
                Ok(Some(bytes)) => {
                    s.bytes += bytes.len() as u64;
                    let id = &changed[i];
                    match osv_head(&bytes) {
                        Err(m) => Err(s.format_error(&urls[i], m)),
                        Ok((got, _)) if &got != id => {
                            Err(s.format_error(&urls[i], format!("holds record {got}, not {id}")))
                        }
                        Ok(_) => {
                            write_atomic(&live.join(format!("{id}.json")), &bytes).map(|()| true)
                        }
                    }
                }
            };
            match step {
                Ok(true) => {
                    done += 1;
                    (s.progress)(Progress::Records {
                        feed: &s.feed.name,
                        ecosystem: eco,
                        done,
                        total,
                    });
                }
                other => {
                    stop.store(true, Ordering::Relaxed);
                    result = other;
                }
            }
        }
        result
    })?;
    if !complete {
        return Ok(None);
    }
    write_osv_state(live, newest)?;
    Ok(Some(PartSummary {
        part: eco.to_owned(),
        mode: if total == 0 {
            Mode::Unchanged
        } else {
            Mode::Incremental
        },
        records: total,
    }))
}

// ---------------------------------------------------------------------------------------
// Whole files

/// A relative cache path with no `..`, no absolute part and no hidden component.
fn safe_rel(p: &str) -> bool {
    !p.is_empty() && !p.starts_with('/') && p.split('/').all(safe_name)
}

fn update_files(
    s: &mut Session<'_>,
    files: &[FeedFile],
    missing_ok: bool,
    dir: &Path,
) -> Result<Vec<PartSummary>, Error> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let mut parts = Vec::new();
    let result = (|| {
        for f in files {
            if !safe_rel(&f.save_as) {
                return Err(Error::Options {
                    message: format!(
                        "feed {}: cache name {:?} is not a plain path",
                        s.name(),
                        f.save_as
                    ),
                });
            }
            let dest = dir.join(&f.save_as);
            let parent = dest.parent().unwrap_or(dir).to_path_buf();
            fs::create_dir_all(&parent).map_err(io_err(&parent))?;
            let file_name = dest
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let tmp = parent.join(format!(".{file_name}.part"));
            let url = s.url(&f.path);
            match s.download(&url, &tmp)? {
                None if missing_ok => {
                    // Drop a folder made for it and left empty.
                    if parent != dir {
                        let _ = fs::remove_dir(&parent);
                    }
                    parts.push(PartSummary {
                        part: f.path.clone(),
                        mode: Mode::Missing,
                        records: 0,
                    });
                    continue;
                }
                None => return Err(s.not_found(&url)),
                Some(_) => {}
            }
            staged.push((tmp.clone(), dest));
            let bytes = fs::read(&tmp).map_err(io_err(&tmp))?;
            let mut warnings = Vec::new();
            let mut ctx = Ctx {
                source: &s.feed.name,
                file: &f.save_as,
                warnings: &mut warnings,
            };
            match feeds::parse_file(&mut ctx, &bytes) {
                Outcome::Parsed(..) | Outcome::Repositories(_) => {}
                _ => {
                    let why = warnings
                        .first()
                        .map(|w| format!(": {}", w.message))
                        .unwrap_or_default();
                    return Err(
                        s.format_error(&url, format!("not a recognisable advisory file{why}"))
                    );
                }
            }
            parts.push(PartSummary {
                part: f.path.clone(),
                mode: Mode::Full,
                records: 0,
            });
        }
        Ok(())
    })();
    let result = result.and_then(|()| {
        if staged.is_empty() && !files.is_empty() {
            return Err(Error::Fetch {
                feed: s.feed.name.clone(),
                url: s.base.clone(),
                message: "none of the feed's files is on the server".into(),
            });
        }
        Ok(())
    });
    if let Err(e) = result {
        for (tmp, _) in &staged {
            let _ = fs::remove_file(tmp);
        }
        return Err(e);
    }
    // A file downloaded again with the same bytes is no change (the database need not be
    // built in full for it).
    let mut changed = Vec::new();
    for (tmp, dest) in staged {
        if fs::read(&dest).ok() == Some(fs::read(&tmp).map_err(io_err(&tmp))?) {
            let _ = fs::remove_file(&tmp);
        } else {
            changed.push((tmp, dest));
        }
    }
    if !changed.is_empty() {
        s.note_whole()?;
    }
    for (tmp, dest) in &changed {
        fs::rename(tmp, dest).map_err(io_err(dest))?;
    }
    Ok(parts)
}

// ---------------------------------------------------------------------------------------
// An archive named by a pointer file

const ARCHIVE_EXTS: &[&str] = &[".tar.zst", ".tar.gz", ".tgz", ".tar", ".zip"];

/// `.state.json` of an archive feed.
#[derive(Serialize, Deserialize)]
struct ArchiveState {
    archive: String,
}

fn update_archive(s: &mut Session<'_>, pointer: &str, dir: &Path) -> Result<PartSummary, Error> {
    let url = s.url(pointer);
    let Some(text) = s.get_bytes(&url, 64 << 10)? else {
        return Err(s.not_found(&url));
    };
    let name = String::from_utf8_lossy(&text)
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default()
        .to_owned();
    let ext = ARCHIVE_EXTS.iter().find(|e| name.ends_with(*e));
    let Some(ext) = ext.filter(|_| safe_name(&name)) else {
        return Err(s.format_error(&url, format!("names no archive file: {name:?}")));
    };
    let dest = dir.join(format!("{}{ext}", s.feed.name));
    let state_path = dir.join(".state.json");
    let state: Option<ArchiveState> = fs::read(&state_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok());
    if state.is_some_and(|st| st.archive == name) && dest.is_file() {
        return Ok(PartSummary {
            part: name,
            mode: Mode::Unchanged,
            records: 0,
        });
    }
    let archive_url = s.url(&name);
    let tmp = dir.join(format!(".{name}.part"));
    if s.download(&archive_url, &tmp)?.is_none() {
        return Err(s.not_found(&archive_url));
    }
    let checked = check_archive(s, &archive_url, &tmp);
    if let Err(e) = checked {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    s.note_whole()?;
    for e in ARCHIVE_EXTS {
        let other = dir.join(format!("{}{e}", s.feed.name));
        if other != dest && other.exists() {
            let _ = fs::remove_file(&other);
        }
    }
    fs::rename(&tmp, &dest).map_err(io_err(&dest))?;
    let bytes = serde_json::to_vec(&ArchiveState {
        archive: name.clone(),
    })
    .expect("the state serialises");
    write_atomic(&state_path, &bytes)?;
    Ok(PartSummary {
        part: name,
        mode: Mode::Full,
        records: 0,
    })
}

/// Checks a downloaded archive: its `.sha256` when the server has one, that it reads to the
/// end, and that its first data files are recognisable advisories.
fn check_archive(s: &mut Session<'_>, url: &str, tmp: &Path) -> Result<(), Error> {
    let archive_err = |message: String| Error::FeedArchive {
        feed: s.feed.name.clone(),
        file: url.to_owned(),
        message,
    };
    if let Some(sum) = s.get_bytes(&format!("{url}.sha256"), 64 << 10)? {
        let want = String::from_utf8_lossy(&sum)
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let mut hasher = Sha256::new();
        let mut f = fs::File::open(tmp).map_err(io_err(tmp))?;
        io::copy(&mut f, &mut hasher).map_err(io_err(tmp))?;
        let got = hex::encode(hasher.finalize());
        if got != want {
            return Err(archive_err(format!(
                "SHA-256 {got} does not match the published {want}"
            )));
        }
    }
    let mut data_files = 0usize;
    let mut recognised = 0usize;
    let source = s.feed.name.clone();
    input::for_each_file(tmp, &mut |file, bytes| {
        if data_files >= 16 || !(file.ends_with(".json") || file.ends_with(".yaml")) {
            return;
        }
        data_files += 1;
        let mut warnings = Vec::new();
        let mut ctx = Ctx {
            source: &source,
            file,
            warnings: &mut warnings,
        };
        if matches!(
            feeds::parse_file(&mut ctx, bytes),
            Outcome::Parsed(..) | Outcome::Repositories(_)
        ) {
            recognised += 1;
        }
    })
    .map_err(|e| archive_err(e.to_string()))?;
    if recognised == 0 {
        return Err(s.format_error(
            url,
            format!("none of its first {data_files} data files is a recognisable advisory"),
        ));
    }
    Ok(())
}

/// The build source of a feed, when the cache has it.
fn cached_source(cache: &Path, feed: &Feed) -> Option<PathBuf> {
    let dir = cache.join(&feed.name);
    match feed.layout {
        Layout::Archive { .. } => ARCHIVE_EXTS
            .iter()
            .map(|e| dir.join(format!("{}{e}", feed.name)))
            .find(|p| p.is_file()),
        _ => has_file(&dir).then_some(dir),
    }
}

/// Whether a folder holds a regular file outside hidden names (state, temporary files).
fn has_file(dir: &Path) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        if e.file_name().to_string_lossy().starts_with('.') {
            return false;
        }
        match e.file_type() {
            Ok(t) if t.is_dir() => has_file(&e.path()),
            Ok(t) => t.is_file(),
            Err(_) => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirror_keeps_the_layout() {
        let feeds = Feed::defaults();
        let osv = &feeds[0];
        assert_eq!(
            osv.base_url(Some("http://m.example/x/")),
            "http://m.example/x/osv/"
        );
        assert!(osv.base_url(None).starts_with("https://"));
        let names: BTreeSet<&str> = feeds.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names.len(), feeds.len(), "feed names are unique");
        assert!(feeds.iter().all(|f| safe_name(&f.name)));
    }

    #[test]
    fn names() {
        assert!(safe_name("GHSA-p6mc-m468-83gw"));
        assert!(!safe_name("../x"));
        assert!(!safe_name(".state"));
        assert!(!safe_name("a/b"));
        assert!(safe_rel("v3.20/main.json"));
        assert!(!safe_rel("v3.20/../x"));
    }

    #[test]
    fn osv_heads() {
        let (id, _) = osv_head(br#"{"id":"X-1","modified":"2024-01-02T03:04:05.123Z"}"#).unwrap();
        assert_eq!(id, "X-1");
        assert!(osv_head(br#"{"name":"x"}"#).is_err());
        assert!(osv_head(br#"{"id":"../x","modified":"2024-01-02T03:04:05Z"}"#).is_err());
    }
}
