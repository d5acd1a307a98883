#pragma once
// What the access log may show of a request target: secrets in paths are
// redacted, so the log is not a list of working share links.
#include <string>
#include <string_view>

namespace wsp {

// The path without its query (a query may carry tokens), with the token of
// a public share link (`/s/<token>...`) replaced by "[redacted]".
std::string loggable_target(std::string_view target);

}  // namespace wsp
