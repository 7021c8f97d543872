//! .NET: `*.deps.json`, `packages.lock.json`, `packages.config`, `Directory.Packages.props`.
use crate::{LangError, Parsed};
fn todo_(f: &'static str) -> Result<Parsed, LangError> {
    Err(LangError::malformed(f, "not read yet"))
}
/// `*.deps.json`.
pub fn deps_json(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("deps.json")
}
/// `packages.lock.json`.
pub fn packages_lock(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("packages.lock.json")
}
/// `packages.config`.
pub fn packages_config(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("packages.config")
}
/// `Directory.Packages.props`.
pub fn directory_packages_props(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("Directory.Packages.props")
}
