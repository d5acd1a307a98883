#include "drivers/mariadb_privileges.h"

#include <algorithm>
#include <cctype>

namespace wsp {
namespace {

const std::vector<std::string> kReadPrivileges = {"SELECT", "SHOW VIEW"};
const std::vector<std::string> kReadWritePrivileges = {
    "SELECT",      "INSERT",  "UPDATE",   "DELETE", "CREATE TEMPORARY TABLES",
    "LOCK TABLES", "EXECUTE", "SHOW VIEW"};

Error bad_privileges() {
    return validation(
        "Invalid privileges (\"read\", \"read_write\", \"all\" or a list of: SELECT, INSERT, "
        "UPDATE, DELETE, CREATE, DROP, REFERENCES, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK "
        "TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, "
        "DELETE HISTORY)");
}

}  // namespace

const std::vector<std::string>& admin_privileges_needed() {
    static const std::vector<std::string> kNeeded = [] {
        std::vector<std::string> all = PrivilegeSet::allowed();
        all.push_back("CREATE USER");
        all.push_back("PROCESS");
        return all;
    }();
    return kNeeded;
}

const std::vector<std::string>& PrivilegeSet::allowed() {
    // Database-level privileges only: nothing global (FILE, SUPER,
    // PROCESS...), never GRANT OPTION.
    static const std::vector<std::string> kAllowed = {
        "SELECT",        "INSERT",     "UPDATE",      "DELETE",        "CREATE",
        "DROP",          "REFERENCES", "INDEX",       "ALTER",         "CREATE TEMPORARY TABLES",
        "LOCK TABLES",   "EXECUTE",    "CREATE VIEW", "SHOW VIEW",     "CREATE ROUTINE",
        "ALTER ROUTINE", "EVENT",      "TRIGGER",     "DELETE HISTORY"};
    return kAllowed;
}

Result<PrivilegeSet> PrivilegeSet::named(std::string_view name) {
    if (name == "read") return PrivilegeSet("read", kReadPrivileges);
    if (name == "read_write") return PrivilegeSet("read_write", kReadWritePrivileges);
    if (name == "all") return PrivilegeSet("all", {"ALL PRIVILEGES"});
    return bad_privileges();
}

Result<PrivilegeSet> PrivilegeSet::list(const std::vector<std::string>& items) {
    if (items.empty()) return bad_privileges();
    std::vector<bool> wanted(allowed().size(), false);
    for (const auto& item : items) {
        std::string word;
        for (char c : item) {
            if (c == '_') c = ' ';
            word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
        }
        auto it = std::find(allowed().begin(), allowed().end(), word);
        if (it == allowed().end()) return bad_privileges();
        wanted[static_cast<size_t>(it - allowed().begin())] = true;
    }
    std::vector<std::string> out;
    for (size_t i = 0; i < wanted.size(); ++i)
        if (wanted[i]) out.push_back(allowed()[i]);
    return PrivilegeSet("", std::move(out));
}

Result<PrivilegeSet> PrivilegeSet::parse_stored(std::string_view s) {
    if (s == "read" || s == "read_write" || s == "all") return named(s);
    std::vector<std::string> items;
    size_t start = 0;
    while (start <= s.size()) {
        size_t comma = s.find(',', start);
        if (comma == std::string_view::npos) comma = s.size();
        items.emplace_back(s.substr(start, comma - start));
        start = comma + 1;
    }
    return list(items);
}

std::string PrivilegeSet::stored() const {
    if (!name_.empty()) return name_;
    std::string out;
    for (const auto& item : items_) {
        if (!out.empty()) out += ",";
        out += item;
    }
    return out;
}

std::string PrivilegeSet::sql() const {
    std::string out;
    for (const auto& item : items_) {
        if (!out.empty()) out += ", ";
        out += item;
    }
    return out;
}

}  // namespace wsp
