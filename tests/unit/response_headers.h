#pragma once
// What unit tests read from a Response built in memory.
#include <string>
#include <string_view>

#include "http/message.h"

namespace wsp {

// The first header named `name` (as the handler spelled it); "" when absent.
inline std::string header_of(const Response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
        if (k == name) return v;
    return "";
}

}  // namespace wsp
