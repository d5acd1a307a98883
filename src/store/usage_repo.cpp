#include "store/usage_repo.h"

namespace wsp {

std::vector<UsageCounts> UsageRepo::counts(const ReadTx& tx,
                                           const std::optional<std::string>& username) {
    // Each count is an index lookup (every table has an index on owner or
    // is keyed by it), so thousands of accounts stay one quick statement.
    std::string sql =
        "SELECT u.username, u.package, "
        "(SELECT count(*) FROM domains d WHERE d.owner = u.username), "
        "(SELECT count(*) FROM databases b WHERE b.owner = u.username), "
        "(SELECT count(*) FROM ftp_accounts f WHERE f.owner = u.username), "
        "(SELECT count(*) FROM cron_jobs c WHERE c.owner = u.username) "
        "FROM users u";
    if (username) sql += " WHERE u.username = ?";
    sql += " ORDER BY u.username";
    Stmt s(tx, sql);
    if (username) s.bind(1, *username);
    std::vector<UsageCounts> out;
    while (s.step())
        out.push_back(
            {s.text(0), s.text(1), s.integer(2), s.integer(3), s.integer(4), s.integer(5)});
    return out;
}

}  // namespace wsp
