//! Helpers shared by the CLI's integration tests.

/// The workspace's registry harness (`tests/registry_harness.rs`).
#[path = "../../../../tests/registry_harness.rs"]
pub mod registry;
