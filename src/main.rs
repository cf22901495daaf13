#![forbid(unsafe_code)]

fn main() {
    std::process::exit(watchbill::cli::main());
}
