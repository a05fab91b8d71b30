//! The criterion benches live in `benches/benches/`; the knowledge base's kernels they time are
//! `harness::kernels`, shared with the regression gate.
