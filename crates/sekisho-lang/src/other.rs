//! Smaller ecosystems: Dart, Elixir, Swift, CocoaPods, Conan, Julia, conda environments.
use crate::{LangError, Parsed};
fn todo_(f: &'static str) -> Result<Parsed, LangError> {
    Err(LangError::malformed(f, "not read yet"))
}
/// `pubspec.lock`.
pub fn pubspec_lock(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("pubspec.lock")
}
/// `mix.lock`.
pub fn mix_lock(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("mix.lock")
}
/// `Package.resolved`.
pub fn swift_resolved(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("Package.resolved")
}
/// `Podfile.lock`.
pub fn podfile_lock(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("Podfile.lock")
}
/// `conan.lock`.
pub fn conan_lock(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("conan.lock")
}
/// Julia `Manifest.toml`.
pub fn julia_manifest(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("Manifest.toml")
}
/// conda `environment.yml`.
pub fn conda_environment(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("environment.yml")
}
