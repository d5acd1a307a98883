#pragma once
// Each API area plugs itself into the panel in its own wire_*() function
// (src/app/wire_<area>.cpp): it builds its service into Services, registers
// its OwnerCleanup with the user service, its /health probe, and what it
// starts and stops with `serve` (Panel::on_serve).
#include "base/result.h"

namespace wsp {

class Panel;

Result<void> wire_databases(Panel& panel);
Result<void> wire_ftp(Panel& panel);
Result<void> wire_cron(Panel& panel);
Result<void> wire_files(Panel& panel);
Result<void> wire_backups(Panel& panel);
// Idempotency-Key, webhooks, single sign-on, metrics (app/wire_integrations.cpp).
Result<void> wire_integrations(Panel& panel);

inline Result<void> wire_areas(Panel& panel) {
    CHECK_OK(wire_databases(panel));
    CHECK_OK(wire_ftp(panel));
    CHECK_OK(wire_cron(panel));
    CHECK_OK(wire_files(panel));
    CHECK_OK(wire_backups(panel));
    CHECK_OK(wire_integrations(panel));
    return Ok{};
}

}  // namespace wsp
