//! Go: build info of binaries, `go.mod`, `vendor/modules.txt`.
use crate::{LangError, Parsed};
fn todo_(f: &'static str) -> Result<Parsed, LangError> {
    Err(LangError::malformed(f, "not read yet"))
}
/// Build info of a Go binary (empty when there is none).
pub fn binary(_c: &[u8]) -> Result<Parsed, LangError> {
    Ok(Parsed::default())
}
/// `go.mod`.
pub fn go_mod(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("go.mod")
}
/// `vendor/modules.txt`.
pub fn vendor_modules(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("modules.txt")
}
