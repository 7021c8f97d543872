//! PHP: Composer's `installed.json` and `composer.lock`.
use crate::{LangError, Parsed};
fn todo_(f: &'static str) -> Result<Parsed, LangError> {
    Err(LangError::malformed(f, "not read yet"))
}
/// `vendor/composer/installed.json`.
pub fn installed_json(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("installed.json")
}
/// `composer.lock`.
pub fn composer_lock(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("composer.lock")
}
