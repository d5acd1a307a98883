#include "api/routes.h"

namespace wsp {

// This area's routes; empty until the area is built.
std::span<const Route> files_routes() {
    return {};
}

}  // namespace wsp
