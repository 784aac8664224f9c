//! `tongxunlu`: the command-line tool. A thin layer over the library; see `tongxunlu --help`.

mod cli;

fn main() {
    std::process::exit(cli::run());
}
