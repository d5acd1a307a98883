#include "app/panel.h"
#include "app/wire.h"

namespace wsp {

// Not built yet: the area's routes answer nothing (see api/databases_routes.cpp).
Result<void> wire_databases(Panel&) {
    return Ok{};
}

}  // namespace wsp
