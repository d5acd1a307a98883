#include "app/panel.h"
#include "app/wire.h"

namespace wsp {

// Not built yet: the area's routes answer nothing (see api/ftp_routes.cpp).
Result<void> wire_ftp(Panel&) {
    return Ok{};
}

}  // namespace wsp
