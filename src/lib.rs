//! hvkb: a knowledge base that classifies hypervisors as Type 1, Type 2 or
//! neither, from sourced facts, and explains why.
//!
//! Data flow:
//!
//! ```text
//! cli (clap) → load built-in data + user files     (load: syntax and shape)
//!            → validate, collecting every problem   (validate)
//!            → resolve the command into a query      (query)
//!            → classify and explain                  (engine, explain, debate: pure)
//!            → render text | json | markdown | cite  (render, cite: pure)
//!            → one writer to stdout; diagnostics to stderr; exit code (app, main)
//! ```
//!
//! No verdict is stored in data, and nothing in this crate names a product,
//! a school or a trait: facts, criteria and schools are data files.

pub mod app;
pub mod cite;
pub mod cli;
pub mod complete;
pub mod debate;
pub mod detect;
pub mod diagnostic;
pub mod diagram;
pub mod engine;
pub mod error;
pub mod explain;
pub mod load;
pub mod model;
pub mod paths;
pub mod prose;
pub mod query;
pub mod render;
pub mod schema;
pub mod site;
#[cfg(test)]
mod testkb;
pub mod validate;
