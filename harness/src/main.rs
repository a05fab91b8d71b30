//! `harness`: see `harness --help`. Only dispatches; everything lives in the library.
fn main() -> std::process::ExitCode {
    harness::cli::main()
}
