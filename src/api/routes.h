#pragma once
#include <span>

#include "http/router.h"

namespace wsp {
// Every route of the API, in one table.
std::span<const Route> api_routes();
}  // namespace wsp
