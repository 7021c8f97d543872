//! Constraint matching (filled in below).
use crate::{Ecosystem, VersionError};

/// Whether `version` satisfies `constraint`.
pub fn satisfies(eco: Ecosystem, version: &str, constraint: &str) -> Result<bool, VersionError> {
    let _ = (eco, version, constraint);
    Ok(false)
}
