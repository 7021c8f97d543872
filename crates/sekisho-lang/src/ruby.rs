//! Ruby: installed gemspecs and `Gemfile.lock`.
use crate::{LangError, Parsed};
fn todo_(f: &'static str) -> Result<Parsed, LangError> {
    Err(LangError::malformed(f, "not read yet"))
}
/// `specifications/*.gemspec`.
pub fn gemspec(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("gemspec")
}
/// `Gemfile.lock`.
pub fn gemfile_lock(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("Gemfile.lock")
}
