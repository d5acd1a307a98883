#pragma once
#include <cstdint>

#include "store/db.h"

namespace wsp {

// SQLite's PRAGMA data_version on the panel's connection: it changes when
// another connection (an offline `wispanel` command) commits, never for the
// connection's own commits. Throws DbError like any statement.
inline int64_t store_data_version(Db& db) {
    Stmt stmt(db, "PRAGMA data_version");
    return stmt.step() ? stmt.integer(0) : 0;
}

}  // namespace wsp
