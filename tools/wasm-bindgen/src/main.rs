//! `wasm-bindgen`, exactly as the upstream binary runs it: the same arguments, the same output.
//! Only where its dependencies come from differs (see Cargo.toml).

use std::{env, process};

fn main() {
    if let Err(error) = wasm_bindgen_cli::wasm_bindgen::run_cli_with_args(env::args_os()) {
        eprintln!("error: {error:?}");
        process::exit(1);
    }
}
