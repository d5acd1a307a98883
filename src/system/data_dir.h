#pragma once
// The data directory's permissions, checked at every start: the
// store (panel.db and its -wal/-shm), TLS keys, run and log files must stay
// out of reach of the accounts' uids, which can reach DATA_DIR/home/<self>
// only. Modes that are too open are narrowed and logged; what cannot be
// fixed stops the start.
#include <sys/types.h>

#include <filesystem>

#include "base/result.h"

namespace wsp {

struct DataDirPolicy {
    // Entries owned by these uids (the accounts' range) stop the start: an
    // account could change their modes back.
    uid_t first_account_uid = 1;
    uid_t last_account_uid = 0;  // first > last (the default): no range
};

// DATA_DIR and home/ become exactly 0711 (traversable, not listable);
// pma/ and run/ may keep execute bits (the PHP user, and everyone's way to
// the MariaDB socket) but no read or write for group or others; every other entry directly in
// DATA_DIR loses all group and other bits (the subtrees then cannot be reached by anyone else).
// Symlinks are reported, never followed.
Result<void> secure_data_dir(const std::filesystem::path& dir, const DataDirPolicy& policy);

}  // namespace wsp
