//! What every rule file imports: the rule model, the instruction model, the shell model
//! and the shared helpers.

pub(crate) use super::util::*;
pub(crate) use super::{parse_ignore_pragma, Items};
pub(crate) use super::{Check, Item, Kind, Loc, RuleInfo, Sink};
pub(crate) use crate::parser::{Args, CmdLine, CopyArgs, FromArgs};
pub(crate) use crate::shell::{Command, ParsedShell};
pub(crate) use crate::Severity::*;
pub(crate) use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
