#pragma once
// The one place where names become SQL text. MariaDB cannot bind database,
// user or host names as parameters, so each is parsed into a type that can
// only hold a safe value, and only these functions quote it. Nothing else
// in the panel builds SQL from request data.
#include <string>
#include <string_view>

#include "base/result.h"

namespace wsp {

// MariaDB's limits (10.11): database names 64 characters, user names 80.
inline constexpr size_t kMaxDatabaseName = 64;
inline constexpr size_t kMaxUserName = 80;

// A database or user name: [A-Za-z0-9_]{1,max}.
class SqlName {
  public:
    // `field` names the field in the 400 ("database name", "database user").
    static Result<SqlName> parse(std::string_view s, size_t max_len, std::string_view field);
    const std::string& str() const { return s_; }

  private:
    explicit SqlName(std::string s) : s_(std::move(s)) {}
    std::string s_;
};

// The host part of an account: "localhost", an IPv4/IPv6 address, an IPv4
// address/netmask, a host name or pattern ([A-Za-z0-9.-] with % and _
// wildcards), or "%".
class SqlHost {
  public:
    // The API's remote_host: a CIDR is converted to MariaDB's
    // address/netmask form ("10.0.0.0/24" -> "10.0.0.0/255.255.255.0");
    // "localhost" is refused (the local entry always exists).
    static Result<SqlHost> parse_remote(std::string_view s);
    // A value read back from mysql.user (already in MariaDB's form).
    static Result<SqlHost> parse_stored(std::string_view s);
    static SqlHost localhost() { return SqlHost("localhost"); }
    static SqlHost any() { return SqlHost("%"); }
    const std::string& str() const { return s_; }

  private:
    explicit SqlHost(std::string s) : s_(std::move(s)) {}
    std::string s_;
};

// A mysql_native_password hash: '*' and 40 upper-case hex digits. The panel
// sends hashes, never clear passwords, so no password appears in SQL text,
// the process list or a log.
class PasswordHash {
  public:
    static PasswordHash of(std::string_view password);
    static Result<PasswordHash> parse(std::string_view s);
    const std::string& str() const { return s_; }

  private:
    explicit PasswordHash(std::string s) : s_(std::move(s)) {}
    std::string s_;
};

// `name`
std::string quote_ident(const SqlName& name);
// `name` for GRANT ... ON <db>.*, with _ and % escaped: unescaped they are
// wildcards, and `john_a`.* would also match johnXa.
std::string quote_grant_db(const SqlName& name);
// 'name' as a string literal (WHERE User = ...)
std::string quote_literal(const SqlName& name);
// 'host' as a string literal
std::string quote_literal(const SqlHost& host);
// 'name\_%': a LIKE pattern matching every name that starts with `prefix`.
std::string quote_like_prefix(const SqlName& prefix);
// 'user'@'host'
std::string quote_account(const SqlName& user, const SqlHost& host);
// '*HASH'
std::string quote_hash(const PasswordHash& hash);

}  // namespace wsp
