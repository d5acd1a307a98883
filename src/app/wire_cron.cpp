#include "app/panel.h"
#include "app/wire.h"

namespace wsp {

// Not built yet: the area's routes answer nothing (see api/cron_routes.cpp).
Result<void> wire_cron(Panel&) {
    return Ok{};
}

}  // namespace wsp
