#pragma once
// The command line: `wispanel serve`, `user add|passwd|list`, `key create`,
// `--version`. Returns the process exit code.
namespace wsp {
int run_command_line(int argc, char** argv);
}
