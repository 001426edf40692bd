//! hvkb: a knowledge base that classifies hypervisors as Type 1, Type 2 or
//! neither, from sourced facts, and explains why.
//!
//! Data flow (see `DESIGN.md` in the project's shared notes):
//!
//! ```text
//! cli (clap) → load built-in data + user files   (load)
//!            → validate, collecting every problem (validate)
//!            → classify under a school             (engine, pure)
//!            → render table | json                 (render, pure)
//!            → one writer to stdout; errors to stderr; exit code (app, main)
//! ```
//!
//! No verdict is stored in data, and nothing in this crate names a product:
//! facts, criteria and schools are all data files under `data/`.

pub mod app;
pub mod cli;
pub mod debate;
pub mod diagnostic;
pub mod engine;
pub mod error;
pub mod load;
pub mod model;
pub mod render;
pub mod validate;
