#pragma once
// mariadb-dump and the mariadb client on one database: export, import and
// the dumps of backups. Both log in with a defaults file (0600, removed
// afterwards) naming a login that reaches that one database only (the
// database service makes a temporary user for it): never a password on a
// command line, and an uploaded SQL file cannot reach another database.
// The client runs with --sandbox (no \! shell, no source of files) and
// without LOAD DATA LOCAL. Blocking: worker or task threads only.
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "base/result.h"
#include "drivers/fs/progress.h"
#include "system/file_io.h"
#include "system/process.h"

namespace wsp {

struct MariadbTools {
    std::string dump = "/usr/bin/mariadb-dump";
    std::string client = "/usr/bin/mariadb";
    std::string socket;  // used when not empty
    std::string host = "127.0.0.1";
    int port = 3306;
    bool tls = false;  // TCP: require TLS (the client's --ssl)
};

// A "[client]" file with the login, removed when this goes away.
class ClientDefaults {
  public:
    static Result<ClientDefaults> write(const std::filesystem::path& dir, const MariadbTools& tools,
                                        const std::string& user, const std::string& password);
    ClientDefaults(ClientDefaults&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
    ClientDefaults& operator=(ClientDefaults&&) = delete;
    ClientDefaults(const ClientDefaults&) = delete;
    ClientDefaults& operator=(const ClientDefaults&) = delete;
    ~ClientDefaults();
    const std::filesystem::path& path() const { return path_; }

  private:
    explicit ClientDefaults(std::filesystem::path p) : path_(std::move(p)) {}
    std::filesystem::path path_;
};

// `mariadb-dump --single-transaction --quick ...` of one database (no
// CREATE DATABASE / USE: the dump imports into any database). Its output
// goes to `out_fd` when given (a pipe to restic), else it is read with
// read().
class SqlDump {
  public:
    static Result<std::unique_ptr<SqlDump>> start(const MariadbTools& tools,
                                                  const std::filesystem::path& defaults,
                                                  const std::string& database, int out_fd = -1);
    // The next bytes of SQL; 0 at the end, when the dump must also have
    // succeeded (else the error, with mariadb-dump's message).
    Result<size_t> read(std::span<char> buf);
    // Waits for the dump (out_fd form): its success or failure.
    Result<void> finish();
    ~SqlDump() = default;  // an unfinished dump is killed (Child)

  private:
    SqlDump(Child child, UniqueFd out) : child_(std::move(child)), out_(std::move(out)) {}
    Child child_;
    UniqueFd out_;
    bool finished_ = false;
};

// Compresses what `source` yields as gzip (level 6), a block at a time.
class GzipReader {
  public:
    using Source = std::function<Result<size_t>(std::span<char>)>;
    explicit GzipReader(Source source);
    ~GzipReader();
    GzipReader(const GzipReader&) = delete;
    GzipReader& operator=(const GzipReader&) = delete;
    Result<size_t> read(std::span<char> buf);

  private:
    struct State;
    Source source_;
    std::unique_ptr<State> state_;
};

// Runs the SQL read from `input_fd` (plain or gzip, told by its first
// bytes) on `database` with the mariadb client. The client stops at the
// first error: a 400 "SQL error at line N: ...". Autocommit is off, so the
// rows since the last implicit commit (DDL, LOCK TABLES) are rolled back;
// what MariaDB cannot roll back stays (docs/databases.md). `progress`
// counts the input's bytes and stops the import when cancelled.
Result<void> import_sql(const MariadbTools& tools, const std::filesystem::path& defaults,
                        const std::string& database, int input_fd, fs::Progress* progress);

}  // namespace wsp
