fn main() -> std::process::ExitCode {
    packbench::cli::main()
}
