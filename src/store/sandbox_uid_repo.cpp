#include "store/sandbox_uid_repo.h"

namespace wsp {

std::optional<int64_t> SandboxUidRepo::find(const ReadTx& tx, const std::string& account) {
    Stmt s(tx, "SELECT uid FROM sandbox_uids WHERE account = ?");
    s.bind(1, account);
    if (!s.step()) return std::nullopt;
    return s.integer(0);
}

std::vector<std::pair<std::string, int64_t>> SandboxUidRepo::all(const ReadTx& tx) {
    Stmt s(tx, "SELECT account, uid FROM sandbox_uids WHERE account IS NOT NULL");
    std::vector<std::pair<std::string, int64_t>> out;
    while (s.step()) out.emplace_back(s.text(0), s.integer(1));
    return out;
}

std::optional<int64_t> SandboxUidRepo::allocate(WriteTx& tx, const std::string& account,
                                                int64_t base, int64_t count, int64_t now) {
    if (auto existing = find(tx, account)) return existing;
    Stmt highest(tx, "SELECT MAX(uid) FROM sandbox_uids WHERE uid >= ? AND uid < ?");
    highest.bind_all(base, base + count);
    int64_t next = base;
    if (highest.step() && !highest.is_null(0)) next = highest.integer(0) + 1;
    if (next >= base + count) return std::nullopt;
    Stmt insert(tx, "INSERT INTO sandbox_uids (uid, account, created_at) VALUES (?, ?, ?)");
    insert.bind_all(next, account, now);
    insert.run();
    return next;
}

void SandboxUidRepo::retire(WriteTx& tx, const std::string& account, int64_t now) {
    Stmt s(tx, "UPDATE sandbox_uids SET account = NULL, retired_at = ? WHERE account = ?");
    s.bind_all(now, account);
    s.run();
}

}  // namespace wsp
