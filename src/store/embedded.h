#pragma once
// Files compiled into the binary by cmake/embed.cmake.
#include <string_view>
#include <vector>

namespace wsp {

struct Migration {
    int version;
    const char* file;
    const char* sql;
};

// schema/*.sql in version order.
const std::vector<Migration>& embedded_migrations();

// docs/openapi.yaml, as JSON.
std::string_view embedded_openapi_json();

}  // namespace wsp
