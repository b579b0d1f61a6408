// What the command lines of all five programs share: --version, and the documented exit status 2 for
// a command line that does not parse. CLI11 would exit with its own codes (104-109), which no man page
// or monitoring script knows.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace command_line {

// The top-level CMakeLists.txt checks this against project(VERSION) at configure time.
inline constexpr const char* kVersion = "0.1.0";

inline void add_version(CLI::App& app, const std::string& program) {
    app.set_version_flag("--version", program + " " + kVersion);
}

// Parses argv. Returns -1 when the program should go on; otherwise the status to exit with: 0 after
// --help or --version, 2 for a usage error (printed by CLI11 to stderr).
inline int parse(CLI::App& app, int argc, char** argv) {
    try {
        app.parse(argc, argv);
        return -1;
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
}

}  // namespace command_line
