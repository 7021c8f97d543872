//! JavaScript: installed `node_modules` packages and npm, yarn, pnpm and bun lockfiles.
use crate::{LangError, Parsed};
fn todo_(f: &'static str) -> Result<Parsed, LangError> {
    Err(LangError::malformed(f, "not read yet"))
}
/// `node_modules/**/package.json`.
pub fn package_json(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("package.json")
}
/// `package-lock.json` v1-v3.
pub fn package_lock(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("package-lock.json")
}
/// `yarn.lock`.
pub fn yarn_lock(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("yarn.lock")
}
/// `pnpm-lock.yaml`.
pub fn pnpm_lock(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("pnpm-lock.yaml")
}
/// `bun.lock`.
pub fn bun_lock(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("bun.lock")
}
