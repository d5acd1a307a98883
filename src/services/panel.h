#pragma once
// What every service shares: the settings, the store, the in-memory auth
// index, the OS identity seam and the clock.
#include "base/clock.h"
#include "config/config.h"
#include "services/auth_index.h"
#include "store/db.h"
#include "system/identity.h"

namespace wsp {

class EventSink;  // services/events.h

struct PanelContext {
    const Config& config;
    Db& db;
    AuthIndex& index;
    Identity& identity;
    const Clock& clock;
    // Where services announce changes (webhooks); null: nowhere.
    EventSink* events = nullptr;
};

}  // namespace wsp
