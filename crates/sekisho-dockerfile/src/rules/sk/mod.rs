//! sekisho's own SK rules, one file per rule.

pub(crate) mod sk1001;
pub(crate) mod sk1002;
pub(crate) mod sk1003;
pub(crate) mod sk1004;
pub(crate) mod sk1005;
pub(crate) mod sk1006;
pub(crate) mod sk1007;
pub(crate) mod sk1008;
pub(crate) mod sk1009;
pub(crate) mod sk1010;
pub(crate) mod sk1011;
pub(crate) mod sk1012;
pub(crate) mod sk1013;
pub(crate) mod sk1014;
pub(crate) mod sk1015;
