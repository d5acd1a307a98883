#pragma once
// Helpers shared by the database service's files (database_service.cpp,
// database_users.cpp): undo of MariaDB steps and owner-prefixed names.
#include <spdlog/spdlog.h>

#include <functional>
#include <string>
#include <vector>

#include "base/result.h"
#include "drivers/sql_ident.h"

namespace wsp::db_steps {

// Steps already done on MariaDB, undone in reverse unless the whole change
// succeeded. Undo failures are logged: nothing better can be done then.
class Undo {
  public:
    ~Undo() {
        if (done_) return;
        for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) {
            if (auto r = (*it)(); !r)
                spdlog::error("databases: undo failed: {}", r.error().message);
        }
    }
    void add(std::function<Result<void>()> step) { steps_.push_back(std::move(step)); }
    void commit() { done_ = true; }

  private:
    std::vector<std::function<Result<void>()>> steps_;
    bool done_ = false;
};

inline Result<SqlName> full_name(const std::string& owner, const std::string& name, size_t max,
                                 const char* field) {
    // Validate the part the client chose first, so the message is about it.
    if (name.empty())
        return validation("Invalid " + std::string(field) + " (only [a-zA-Z0-9_] allowed)");
    TRY(SqlName part, SqlName::parse(name, max, field));
    return SqlName::parse(owner + "_" + part.str(), max, field);
}

}  // namespace wsp::db_steps
