//! Rust: `Cargo.lock` and cargo-auditable binaries.
use crate::{LangError, Parsed};
fn todo_(f: &'static str) -> Result<Parsed, LangError> {
    Err(LangError::malformed(f, "not read yet"))
}
/// cargo-auditable data of a binary (empty when there is none).
pub fn auditable_binary(_c: &[u8]) -> Result<Parsed, LangError> {
    Ok(Parsed::default())
}
/// `Cargo.lock`.
pub fn cargo_lock(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("Cargo.lock")
}
