#pragma once
// Privilege sets of a database's users (issue 21): the only privilege words
// that reach GRANT/REVOKE come from the fixed list here.
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace wsp {

// The privileges a database user holds on its one database: a named set
// ("read": SELECT, SHOW VIEW; "read_write": read + INSERT, UPDATE, DELETE,
// LOCK TABLES, CREATE TEMPORARY TABLES, EXECUTE; "all": ALL PRIVILEGES on
// the database, never GRANT OPTION) or an explicit list drawn from the
// database-level privileges in allowed(). Only these words reach GRANT.
class PrivilegeSet {
  public:
    // "read" | "read_write" | "all".
    static Result<PrivilegeSet> named(std::string_view name);
    // Each item case-insensitive, "_" for a space ("show_view"); duplicates
    // are merged; an empty list or an unknown word is a 400.
    static Result<PrivilegeSet> list(const std::vector<std::string>& items);
    // As stored by stored().
    static Result<PrivilegeSet> parse_stored(std::string_view s);
    static const std::vector<std::string>& allowed();

    // "read" / "read_write" / "all", or "" for an explicit list.
    const std::string& name() const { return name_; }
    // The privileges, in allowed() order ({"ALL PRIVILEGES"} for "all").
    const std::vector<std::string>& items() const { return items_; }
    // The name, or the items joined by ",".
    std::string stored() const;
    // For GRANT/REVOKE: "SELECT, SHOW VIEW" or "ALL PRIVILEGES".
    std::string sql() const;

  private:
    PrivilegeSet(std::string name, std::vector<std::string> items)
        : name_(std::move(name)), items_(std::move(items)) {}
    std::string name_;
    std::vector<std::string> items_;
};

// What the panel's admin account needs on a server, ON *.* WITH GRANT
// OPTION (docs/databases.md): the data privileges (a grantor must hold what
// it grants), CREATE USER, and PROCESS for sizes.
const std::vector<std::string>& admin_privileges_needed();

}  // namespace wsp
