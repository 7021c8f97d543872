//! The analyzers, one file each; [`crate::analyzer::registry`] lists them in run order.

pub mod audit;
pub mod conda;
pub mod lang;
pub mod os;
pub mod packages;
pub mod secrets;

use sekisho_image::{Entry, Interest};

/// `Whole` when `wanted`, else `Skip`.
fn whole_if(wanted: bool) -> Interest {
    if wanted {
        Interest::Whole
    } else {
        Interest::Skip
    }
}

/// Whether `entry` is a file named by `test` (paths are normalised, without a leading `/`).
fn path_is(entry: &Entry, test: fn(&str) -> bool) -> Interest {
    whole_if(test(&entry.path))
}
