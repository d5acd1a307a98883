#pragma once
#include <cstdint>
#include <optional>

#include "store/db.h"

namespace wsp {

// SQLite's PRAGMA data_version on the panel's connection: it changes when
// another connection (an offline `wispanel` command) commits, never for the
// connection's own commits; nullopt when the store cannot answer.
inline std::optional<int64_t> store_data_version(Db& db) {
    auto version = db.read([&](const ReadTx& tx) -> Result<int64_t> {
        Stmt stmt(tx, "PRAGMA data_version");
        return stmt.step() ? stmt.integer(0) : int64_t{0};
    });
    if (!version) return std::nullopt;
    return *version;
}

}  // namespace wsp
