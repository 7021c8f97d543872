//! A finding's severity: the distro's rating for OS packages, else the highest CVSS base
//! score computed from the vectors, else the highest label a source gives.

use std::str::FromStr;

use sekisho_advisory::Hit;
use sekisho_model::Severity;

/// A severity and where it came from.
pub struct Rated {
    /// The severity.
    pub severity: Severity,
    /// `distro`, `cvss` or `label`, with the source's name.
    pub source: String,
    /// The vector scored.
    pub vector: Option<String>,
    /// The base score.
    pub score: Option<f64>,
}

/// A label as a feed writes it (`MODERATE`, `Important`, `unimportant`, `medium`).
fn label(text: &str) -> Option<Severity> {
    Some(match text.trim().to_ascii_lowercase().as_str() {
        "critical" => Severity::Critical,
        "high" | "important" => Severity::High,
        "medium" | "moderate" => Severity::Medium,
        "low" | "unimportant" | "negligible" => Severity::Low,
        _ => return None,
    })
}

fn from_score(score: f64) -> Severity {
    match score {
        s if s >= 9.0 => Severity::Critical,
        s if s >= 7.0 => Severity::High,
        s if s >= 4.0 => Severity::Medium,
        s if s > 0.0 => Severity::Low,
        _ => Severity::Unknown,
    }
}

/// Rate a finding from the records merged into it.
pub fn rate<'a>(os_package: bool, hits: impl Iterator<Item = &'a Hit> + Clone) -> Rated {
    if os_package {
        let distro = hits
            .clone()
            .filter_map(|h| Some((label(h.affected.severity.as_deref()?)?, &h.source)))
            .max_by_key(|(s, _)| *s);
        if let Some((severity, source)) = distro {
            return Rated {
                severity,
                source: format!("distro ({source})"),
                vector: None,
                score: None,
            };
        }
    }
    let mut best: Option<(f64, String, String)> = None;
    for h in hits.clone() {
        for s in &h.severity {
            for v in &s.cvss {
                let Ok(parsed) = cvss::Cvss::from_str(v) else {
                    continue;
                };
                let score = parsed.score();
                if best.as_ref().is_none_or(|(b, _, _)| score > *b) {
                    best = Some((score, v.clone(), s.source.clone()));
                }
            }
        }
    }
    if let Some((score, vector, source)) = best {
        return Rated {
            severity: from_score(score),
            source: format!("cvss ({source})"),
            vector: Some(vector),
            score: Some(score),
        };
    }
    let labelled = hits
        .flat_map(|h| h.severity.iter())
        .filter_map(|s| Some((label(s.label.as_deref()?)?, s.source.clone())))
        .max_by_key(|(s, _)| *s);
    match labelled {
        Some((severity, source)) => Rated {
            severity,
            source: format!("label ({source})"),
            vector: None,
            score: None,
        },
        None => Rated {
            severity: Severity::Unknown,
            source: String::new(),
            vector: None,
            score: None,
        },
    }
}
