#include "api/routes.h"

namespace wsp {

// This area's routes; empty until the area is built.
std::span<const Route> databases_routes() {
    return {};
}

}  // namespace wsp
