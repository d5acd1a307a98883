#pragma once
// An area that owns per-account items (databases, FTP accounts, cron jobs)
// registers one of these, so deleting an account removes its items too.
#include <cstdint>
#include <string>

#include "base/result.h"

namespace wsp {

class OwnerCleanup {
  public:
    virtual ~OwnerCleanup() = default;
    // The key in the delete response's "removed" object, e.g. "databases".
    virtual std::string removed_key() const = 0;
    // Removes every item of `owner`; returns how many.
    virtual Result<int64_t> remove_all_of(const std::string& owner) = 0;
};

}  // namespace wsp
