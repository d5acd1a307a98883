#pragma once
// errno -> API error. Messages name the problem and never a host path.
#include <string_view>

#include "base/result.h"

namespace wsp::fs {

// `what` is the user's own path (or field) the error is about.
Error errno_error(int err, std::string_view what);

}  // namespace wsp::fs
