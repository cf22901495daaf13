fn main() {
    std::process::exit(watchbill::cli::main());
}
