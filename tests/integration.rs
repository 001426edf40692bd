//! hvkb's integration tests: one test binary (see `Cargo.toml`), one module per area.

/// Running the binary, comparing with golden files.
mod util;

/// The breadth of the catalog: roles, emulators, configurations, metadata, provenance.
mod catalog;
/// Every command on the built-in catalog, in both formats, and exit codes.
mod commands;
/// Lints over the built-in data.
mod data_lint;
/// Schools, debate, what-if and classify.
mod debate;
/// Bad input: data files, special files, command-line mistakes, full disks.
mod errors;
/// Output compared byte for byte with reviewed golden files.
mod golden;
/// Property tests of the loader and the engine.
mod properties;
/// The README shows real output.
mod readme;
/// User catalogs and criteria files: overlays and bad input.
mod user_data;
