//! The criterion benches live in `benches/benches/`; the knowledge base's kernels they time are
//! the `kernels` crate's, shared with the regression gate.
