#pragma once
// The sandbox_uids table (schema/0009_sandbox_uids.sql): which uid each
// account runs as in sandbox mode when the panel is root.
#include <cstdint>
#include <optional>
#include <string>

#include "store/db.h"

namespace wsp {

class SandboxUidRepo {
  public:
    explicit SandboxUidRepo(Db& db) : db_(db) {}

    std::optional<int64_t> find(const std::string& account);
    // Gives `account` the uid after the highest ever handed out in
    // [base, base + count); nullopt when the range is used up. The caller
    // runs it in a transaction.
    std::optional<int64_t> allocate(const std::string& account, int64_t base, int64_t count,
                                    int64_t now);
    // The account is gone: its uid stays taken, by nobody.
    void retire(const std::string& account, int64_t now);

  private:
    Db& db_;
};

}  // namespace wsp
