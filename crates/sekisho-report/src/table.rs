//! The package table for people: one OS line, then packages grouped by type in aligned columns.

use std::fmt::Write;

use sekisho_model::Report;

use crate::escape_control as clean;

/// Render the inventory as text; `color` adds ANSI bold to headings.
pub fn render(inv: &Report, color: bool) -> String {
    let (bold, reset) = if color {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    let mut out = String::new();
    let _ = writeln!(out, "{bold}Image{reset}  {}", clean(&inv.source.input));
    match &inv.os {
        Some(os) => {
            let _ = writeln!(
                out,
                "{bold}OS{reset}     {} {} ({})",
                clean(&os.id),
                clean(&os.version),
                clean(&os.pretty_name)
            );
        }
        None => {
            let _ = writeln!(out, "{bold}OS{reset}     none detected (no OS release files: scratch or distroless-static)");
        }
    }
    let _ = writeln!(out, "{bold}Layers{reset} {}", inv.source.layers.len());
    let mut kinds: Vec<_> = inv.packages.iter().map(|p| p.kind).collect();
    kinds.dedup();
    if inv.packages.is_empty() {
        let _ = writeln!(out, "\nNo packages found.");
    }
    for kind in kinds {
        let pkgs: Vec<_> = inv.packages.iter().filter(|p| p.kind == kind).collect();
        // OS packages: source package and architecture; language packages: where each was
        // found (one row per place) and whether it is a development dependency.
        let headers: &[&str] = if kind.is_os() {
            &["NAME", "VERSION", "SOURCE", "ARCH", "LAYER"]
        } else {
            &["NAME", "VERSION", "LAYER", "PATH"]
        };
        let rows: Vec<Vec<String>> = pkgs
            .iter()
            .map(|p| {
                if !kind.is_os() {
                    let version = if p.dev {
                        format!("{} (dev)", p.version)
                    } else {
                        p.version.clone()
                    };
                    return vec![
                        clean(&p.name).into_owned(),
                        clean(&version).into_owned(),
                        p.layer.index.to_string(),
                        clean(&p.path).into_owned(),
                    ];
                }
                let source = if p.source_name.is_empty()
                    || (p.source_name == p.name
                        && (p.source_version.is_empty() || p.source_version == p.version))
                {
                    String::new()
                } else if p.source_version.is_empty() || p.source_version == p.version {
                    p.source_name.clone()
                } else {
                    format!("{} {}", p.source_name, p.source_version)
                };
                // A vendor's build (not matched against the distro's advisories by default).
                let version = if p.third_party.is_some() {
                    format!("{} (third-party)", p.version)
                } else {
                    p.version.clone()
                };
                vec![
                    clean(&p.name).into_owned(),
                    clean(&version).into_owned(),
                    clean(&source).into_owned(),
                    clean(&p.arch).into_owned(),
                    p.layer.index.to_string(),
                ]
            })
            .collect();
        let mut widths: Vec<usize> = headers.iter().map(|h| h.len()).collect();
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let _ = writeln!(
            out,
            "\n{bold}{} packages ({}){reset}",
            kind.as_str(),
            pkgs.len()
        );
        let line = |cells: &[String]| {
            let mut s = String::new();
            for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
                if i + 1 == cells.len() {
                    s.push_str(cell);
                } else {
                    let _ = write!(s, "{cell:<w$}  ");
                }
            }
            s.trim_end().to_string()
        };
        let header: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let _ = writeln!(out, "{}", line(&header));
        for row in &rows {
            let _ = writeln!(out, "{}", line(row));
        }
    }
    for w in &inv.warnings {
        let _ = writeln!(out, "warning: {}", clean(w));
    }
    out
}
