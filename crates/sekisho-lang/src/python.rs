//! Python: installed distributions (`*.dist-info/METADATA`, `*.egg-info`) and lockfiles.
use crate::{LangError, Parsed};
fn todo_(f: &'static str) -> Result<Parsed, LangError> {
    Err(LangError::malformed(f, "not read yet"))
}
/// `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, `*.egg-info` files.
pub fn metadata(_path: &str, _c: &[u8]) -> Result<Parsed, LangError> {
    todo_("METADATA")
}
/// `requirements*.txt`.
pub fn requirements(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("requirements.txt")
}
/// `Pipfile.lock`.
pub fn pipfile_lock(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("Pipfile.lock")
}
/// `poetry.lock`.
pub fn poetry_lock(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("poetry.lock")
}
/// `uv.lock`.
pub fn uv_lock(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("uv.lock")
}
/// `pylock.toml`.
pub fn pylock(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("pylock.toml")
}
/// `pdm.lock`.
pub fn pdm_lock(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("pdm.lock")
}
