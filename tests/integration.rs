//! hvkb's integration tests: one test binary (see `Cargo.toml`), one module
//! per area. Behaviour tests run on the fixture knowledge base
//! (`tests/fixtures/kb.toml`); claims about the built-in catalog live in the
//! `data_*` modules, so a catalog edit breaks only those.

/// Running the binary, comparing with golden files.
mod util;

/// `hvkb cite`: styles, BibTeX, CSL-JSON, compact citations.
mod cite;
/// Every command's behaviour, through the JSON contract's types.
mod commands;
/// Claims about the built-in catalog: verdicts, configurations, conventions.
mod data_catalog;
/// Claims about the built-in containers, sandboxes, managers and clouds.
mod data_containers;
/// Claims about the historical and embedded catalog: VM/370, CP-67,
/// partitioning and microkernel hypervisors.
mod data_history;
/// The built-in data files are valid against the printed JSON Schemas.
mod data_schema;
/// Claims about the built-in sources: the citation standard holds.
mod data_sources;
/// `hvkb detect` on recorded machines, virt-what's and ours.
mod detect;
/// Bad input: data files, special files, command-line mistakes, full disks.
mod errors;
/// Output compared byte for byte with reviewed golden files.
mod golden;
/// Hostile input, one class per test: bounded output, the documented code.
mod hostile;
/// Property tests of the loader and the engine.
mod properties;
/// The README shows real output.
mod readme;
/// The static site and the layer diagrams.
mod site;
/// Terminal widths, table formats, colour.
mod terminal;
/// User catalogs and criteria files: overlays, replacement, new schools.
mod user_data;
