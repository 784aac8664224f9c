//! `tongxunlu`: the command-line tool. A thin layer over the library; see `tongxunlu --help`.

mod cli;

fn main() {
    if let Err(error) = cli::run() {
        // One line, whatever the error: a directory's problems are listed with `; `.
        eprintln!("tongxunlu: error: {}", error.to_string().replace('\n', "; "));
        std::process::exit(1);
    }
}
