#pragma once
// The sandbox_uids table (schema/0009_sandbox_uids.sql): which uid each
// account runs as in sandbox mode when the panel is root. Stateless: every
// function takes the transaction handle it runs in (see store/db.h).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/db.h"

namespace wsp {

class SandboxUidRepo {
  public:
    static std::optional<int64_t> find(const ReadTx& tx, const std::string& account);
    // Every account that has a uid, with it (retired uids left out).
    static std::vector<std::pair<std::string, int64_t>> all(const ReadTx& tx);
    // Gives `account` the uid after the highest ever handed out in
    // [base, base + count) (its own when it has one); nullopt when the range
    // is used up.
    static std::optional<int64_t> allocate(WriteTx& tx, const std::string& account, int64_t base,
                                           int64_t count, int64_t now);
    // The account is gone: its uid stays taken, by nobody.
    static void retire(WriteTx& tx, const std::string& account, int64_t now);
};

}  // namespace wsp
