//! Secret findings: from every layer's files (as streamed by the visitor, deleted and replaced
//! versions included) and from the config's ENV, labels and history.

use std::collections::{BTreeMap, HashMap, HashSet};

use sekisho_image::{EntryKind, ImageConfig, ImageScan};
use sekisho_secret::{Scanner, SecretFinding};

use super::history::HistoryStep;
use crate::finding::{FileState, Finding, FindingKind, SecretInfo};
use crate::AuditOutput;

fn secret_finding(sf: &SecretFinding, location: String) -> Finding {
    let example = if sf.example && !sf.title.to_ascii_lowercase().contains("example") {
        " (documentation example credential)"
    } else {
        ""
    };
    // Multi-line secrets (private keys) are shown on one line.
    let masked = sf.secret_masked.replace("\r\n", "\n").replace('\n', "\\n");
    let mut f = Finding::new(
        FindingKind::Secret,
        sf.rule_id.clone(),
        sf.severity,
        sf.title.clone(),
        format!("{}{example}: {masked} (line {})", sf.title, sf.start_line),
    )
    .at(location);
    f.secret = Some(SecretInfo {
        masked: sf.secret_masked.clone(),
        line_masked: sf.line_masked.clone(),
        line: sf.start_line,
        sha256: sf.secret_sha256.clone(),
        example: sf.example,
        category: sf.category.clone(),
    });
    f
}

/// Secrets found in files, one finding per (rule, path, secret): reported in the first layer
/// that holds it, with where the file stands now (present, deleted by layer M, replaced by
/// layer M).
pub fn file_secrets(scan: &ImageScan<AuditOutput>) -> Vec<Finding> {
    // The (layer, stored path) copies that hold secrets: usually few, so the maps below stay
    // small even for images with millions of files.
    let with_secrets: HashSet<(usize, &str)> = scan
        .outputs
        .iter()
        .enumerate()
        .flat_map(|(layer, outs)| {
            outs.iter()
                .filter(|(_, out)| !out.secrets.is_empty())
                .map(move |(path, _)| (layer, path.as_str()))
        })
        .collect();
    // Those copies that the final filesystem still shows -> the final paths showing them.
    let mut live: HashMap<(usize, &str), Vec<&str>> = HashMap::new();
    if !with_secrets.is_empty() {
        for (path, node) in scan.fs.iter() {
            if node.kind == EntryKind::File {
                let location = node.content_location(path);
                if with_secrets.contains(&location) {
                    live.entry(location).or_default().push(path);
                }
            }
        }
    }
    let mut deleted: HashMap<(&str, usize), usize> = HashMap::new();
    for d in scan.fs.deleted() {
        deleted
            .entry((d.path.as_str(), d.added_in))
            .or_insert(d.deleted_in);
    }
    // (rule, path, sha) -> copies (layer, state, deleted_in, finding)
    type Copy<'a> = (usize, FileState, Option<usize>, &'a SecretFinding);
    let mut groups: BTreeMap<(&str, &str, &str), Vec<Copy>> = BTreeMap::new();
    for (layer, outs) in scan.outputs.iter().enumerate() {
        for (path, out) in outs.iter() {
            if out.secrets.is_empty() {
                continue;
            }
            let (state, deleted_in) = if live.contains_key(&(layer, path.as_str())) {
                (FileState::Present, None)
            } else if let Some(&m) = deleted.get(&(path.as_str(), layer)) {
                (FileState::Deleted, Some(m))
            } else if let Some(node) = scan.fs.get(path).filter(|n| n.layer > layer) {
                (FileState::Replaced, Some(node.layer))
            } else {
                let m = scan
                    .fs
                    .deleted()
                    .iter()
                    .find(|d| d.path == *path)
                    .map(|d| d.deleted_in);
                (FileState::Deleted, m)
            };
            for sf in &out.secrets {
                groups
                    .entry((
                        sf.rule_id.as_str(),
                        path.as_str(),
                        sf.secret_sha256.as_str(),
                    ))
                    .or_default()
                    .push((layer, state, deleted_in, sf));
            }
        }
    }
    let mut findings = Vec::new();
    for ((_, path, _), copies) in groups {
        let (first_layer, _, _, sf) = copies[0];
        let (last_layer, state, deleted_in, _) = *copies.last().expect("non-empty group");
        let mut f = secret_finding(sf, format!("/{path}"))
            .at_path(path)
            .in_layer(Some(first_layer))
            .with_state(state, deleted_in);
        match state {
            FileState::Present => {}
            FileState::Deleted => f.details.push_str(&format!(
                "; the file was deleted{} but the secret is still in the layer {last_layer} blob",
                deleted_in.map(|m| format!(" in layer {m}")).unwrap_or_default()
            )),
            FileState::Replaced => f.details.push_str(&format!(
                "; the file was replaced{} but this version is still in the layer {last_layer} blob",
                deleted_in.map(|m| format!(" in layer {m}")).unwrap_or_default()
            )),
        }
        let layers: Vec<String> = copies.iter().map(|c| c.0.to_string()).collect();
        if copies.len() > 1 {
            f.details
                .push_str(&format!("; in layers {}", layers.join(", ")));
        }
        findings.push(f);
    }
    findings
}

/// Secrets in ENV values, label values and history `created_by` texts. A secret of the
/// history that is also in ENV or a label (an `ENV`/`LABEL` step) is reported once, at the
/// config entry.
pub fn config_secrets(
    config: &ImageConfig,
    steps: &[HistoryStep],
    scanner: &Scanner,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for env in &config.config.env {
        let (k, v) = env.split_once('=').unwrap_or((env, ""));
        for sf in scanner.scan_kv(k, v) {
            seen.insert((sf.rule_id.clone(), sf.secret_sha256.clone()));
            out.push(secret_finding(&sf, format!("config Env[{k}]")));
        }
    }
    for (k, v) in &config.config.labels {
        for sf in scanner.scan_kv(k, v) {
            seen.insert((sf.rule_id.clone(), sf.secret_sha256.clone()));
            out.push(secret_finding(&sf, format!("config Labels[{k}]")));
        }
    }
    for s in steps {
        for sf in scanner.scan_text(&s.created_by) {
            if seen.contains(&(sf.rule_id.clone(), sf.secret_sha256.clone())) {
                continue;
            }
            seen.insert((sf.rule_id.clone(), sf.secret_sha256.clone()));
            out.push(
                secret_finding(&sf, format!("history[{}]", s.index))
                    .in_layer(s.layer)
                    .from_history(s.index),
            );
        }
    }
    out
}
