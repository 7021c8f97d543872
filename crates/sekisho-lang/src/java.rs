//! Java: archives (jar, war, ear, nested jars) and Maven, Gradle and sbt files.
use crate::{LangError, Limits, Parsed};
fn todo_(f: &'static str) -> Result<Parsed, LangError> {
    Err(LangError::malformed(f, "not read yet"))
}
/// A Java archive.
pub fn archive(_path: &str, _c: &[u8], _l: &Limits) -> Result<Parsed, LangError> {
    todo_("jar")
}
/// `pom.xml`.
pub fn pom(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("pom.xml")
}
/// `gradle.lockfile`.
pub fn gradle_lockfile(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("gradle.lockfile")
}
/// `build.sbt.lock`.
pub fn sbt_lock(_c: &[u8]) -> Result<Parsed, LangError> {
    todo_("build.sbt.lock")
}
