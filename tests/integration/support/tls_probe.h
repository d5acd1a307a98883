#pragma once
// The cipher suite `openssl s_client` agrees on with a server: "(NONE)"
// when the handshake fails, "(no run)" when the client could not run. `args` name
// the server and the offer (-connect, -starttls, -tls1_2, -cipher ...).
#include <chrono>
#include <string>
#include <vector>

#include "system/process.h"

namespace wsp::test {

inline std::string negotiated_cipher(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"/usr/bin/openssl", "s_client"};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessOptions o;
    o.timeout = std::chrono::seconds(20);
    auto r = run_process(argv, o);
    if (!r.ok()) return "(no run)";
    const auto at = r->output.find("Cipher is ");
    if (at == std::string::npos) return "";
    return r->output.substr(at + 10, r->output.find('\n', at) - at - 10);
}

}  // namespace wsp::test
