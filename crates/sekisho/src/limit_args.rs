//! The safety limits of an image scan as flags (`--max-layers`, `--max-file-size`, ...), shared
//! by every command that reads an image. Defaults are the library's [`Limits::default`].

use clap::Args;
use sekisho_image::Limits;

/// Safety limits for hostile images (defaults are safe; raise them for unusual images).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Limits")]
pub struct LimitArgs {
    /// Most layers an image may have.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_layers)]
    pub max_layers: usize,
    /// Largest file whose content is analysed (larger ones are skipped with a warning).
    #[arg(long, value_name = "SIZE", default_value = "256MiB", value_parser = parse_size)]
    pub max_file_size: u64,
    /// Largest uncompressed size of one layer.
    #[arg(long, value_name = "SIZE", default_value = "64GiB", value_parser = parse_size)]
    pub max_layer_size: u64,
    /// Largest expansion ratio (uncompressed to compressed) of a layer past 256 MiB.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_ratio)]
    pub max_ratio: u64,
    /// Most descriptors read across nested indexes.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_index_descriptors)]
    pub max_index_descriptors: usize,
    /// Longest path of an entry, in bytes (longer entries are skipped with a warning).
    #[arg(long, value_name = "BYTES", default_value_t = Limits::default().max_path_len)]
    pub max_path_length: usize,
    /// Most directory levels of an entry's path (deeper entries are skipped with a warning).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_depth)]
    pub max_path_depth: usize,
    /// Most file content kept per layer for analysis after it streams (past it, content is
    /// dropped with a warning; the scan goes on).
    #[arg(long, value_name = "SIZE", default_value = "512MiB", value_parser = parse_size)]
    pub max_captured: u64,
}

impl LimitArgs {
    /// The limits these flags ask for.
    pub fn to_limits(&self) -> Limits {
        Limits {
            max_layers: self.max_layers,
            max_content: self.max_file_size,
            max_layer_size: self.max_layer_size,
            max_ratio: self.max_ratio,
            max_index_descriptors: self.max_index_descriptors,
            max_path_len: self.max_path_length,
            max_depth: self.max_path_depth,
            max_captured: self.max_captured,
            ..Limits::default()
        }
    }
}

/// A size: a number of bytes with an optional unit: `K`/`KiB`, `M`/`MiB`, `G`/`GiB`, `T`/`TiB`
/// (powers of 1024), `KB`, `MB`, `GB`, `TB` (powers of 1000), `B`. Case is ignored.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("{s:?}: expected a size such as 1048576, 256MiB or 64GiB"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "t" | "tib" => 1 << 40,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        other => {
            return Err(format!(
                "{s:?}: unknown size unit {other:?} (KiB, MiB, GiB, TiB, KB, MB, GB, TB)"
            ))
        }
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("{s:?}: too large"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        limits: LimitArgs,
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("256MiB"), Ok(256 << 20));
        assert_eq!(parse_size("64GiB"), Ok(64 << 30));
        assert_eq!(parse_size("64gib"), Ok(64 << 30));
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("10 MB"), Ok(10_000_000));
        assert_eq!(parse_size("2K"), Ok(2048));
        assert!(parse_size("MiB").is_err());
        assert!(parse_size("12 furlongs").is_err());
        assert!(parse_size("99999999999TiB").is_err());
    }

    #[test]
    fn defaults_are_the_library_defaults() {
        let cli = Cli::parse_from(["x"]);
        let (got, want) = (cli.limits.to_limits(), Limits::default());
        assert_eq!(format!("{got:?}"), format!("{want:?}"));
    }

    #[test]
    fn flags_reach_the_limits() {
        let cli = Cli::parse_from([
            "x",
            "--max-layers",
            "7",
            "--max-file-size",
            "1MiB",
            "--max-layer-size",
            "2GiB",
            "--max-ratio",
            "50",
            "--max-index-descriptors",
            "9",
            "--max-path-length",
            "300",
            "--max-path-depth",
            "12",
            "--max-captured",
            "3MiB",
        ]);
        let l = cli.limits.to_limits();
        assert_eq!(
            (l.max_layers, l.max_content, l.max_layer_size, l.max_ratio),
            (7, 1 << 20, 2 << 30, 50)
        );
        assert_eq!(
            (
                l.max_index_descriptors,
                l.max_path_len,
                l.max_depth,
                l.max_captured
            ),
            (9, 300, 12, 3 << 20)
        );
    }
}
