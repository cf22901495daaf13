fn main() {
    // WIP-GATE std::process::exit(watchbill::cli::main());
}
