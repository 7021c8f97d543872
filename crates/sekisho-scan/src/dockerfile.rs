//! `--dockerfile FILE`: the Dockerfile the image was built from joins the image report. Where
//! an image check and a Dockerfile rule describe the same problem, the Dockerfile finding
//! (which points at the line to change) replaces the image one, so one problem has one ID.

use sekisho_model::Finding;

/// A Dockerfile given with the scan: its name as the user typed it and its text (the front end
/// reads the file).
#[derive(Debug, Clone)]
pub struct DockerfileInput {
    /// The name to show and to locate findings by (a file of the user's project).
    pub name: String,
    /// The file's text.
    pub text: String,
}

/// Image checks and the Dockerfile rules that report the same problem at its source.
pub const SAME_PROBLEM: &[(&str, &str)] = &[
    ("CIS-DI-0001", "SK1004"), // no non-root USER
    ("CIS-DI-0006", "SK1011"), // no HEALTHCHECK
    ("CIS-DI-0009", "SK1005"), // ADD of a remote URL
    ("DKL-DI-0003", "SK1008"), // upgrade / dist-upgrade
    ("SK-IMG-001", "SK1009"),  // curl | sh
    ("SK-IMG-003", "SK1012"),  // EXPOSE 22
    ("DKL-DI-0005", "DL3009"), // apt lists left behind
];

/// Lint the Dockerfile with the linter's defaults (no `.hadolint.yaml` discovery) and turn
/// the findings into report findings located in that file. The details read
/// `FILE:LINE:COLUMN: message`, since the image table shows no separate file column.
pub fn lint(input: &DockerfileInput) -> Vec<Finding> {
    sekisho_dockerfile::lint(&input.text)
        .iter()
        .filter_map(|f| f.to_report(&input.name))
        .map(|mut f| {
            f.details = format!("{}: {}", f.location, f.details);
            f
        })
        .collect()
}

/// Add the Dockerfile findings to the image findings, dropping image findings whose problem the
/// Dockerfile linter reported at its source (see [`SAME_PROBLEM`]).
pub fn merge(image: &mut Vec<Finding>, dockerfile: Vec<Finding>) {
    image.retain(|f| {
        !SAME_PROBLEM
            .iter()
            .any(|(img, df)| f.id == *img && dockerfile.iter().any(|d| d.id == *df))
    });
    image.extend(dockerfile);
}
