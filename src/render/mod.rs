//! Output formats. Each format only formats what the domain built
//! ([`crate::explain::Explanation`], [`crate::debate::Debate`], the
//! knowledge base) and returns a `String`; only [`crate::app`] writes.

pub mod grid;
pub mod json;
pub mod tables;
pub mod text;
