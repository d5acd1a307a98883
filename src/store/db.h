#pragma once
// A thin SQLite wrapper: one connection in WAL mode, shared by every thread
// behind a recursive mutex. A Transaction holds the mutex from BEGIN to
// COMMIT, so a service's steps are atomic and isolated; single statements
// outside a transaction take the mutex for their own duration.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "store/embedded.h"

namespace wsp {

class Db;

// A prepared statement; bind with 1-based indexes, then step().
class Stmt {
  public:
    Stmt(Db& db, std::string_view sql);
    ~Stmt();
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    Stmt& bind(int index, std::string_view value);
    Stmt& bind(int index, int64_t value);
    Stmt& bind(int index, std::nullopt_t);
    Stmt& bind(int index, const std::optional<int64_t>& value);

    // Binds each argument in order, starting at index 1.
    template <class... Args>
    Stmt& bind_all(const Args&... args) {
        int i = 1;
        (bind(i++, args), ...);
        return *this;
    }

    // True while a row is available; throws DbError on failure.
    bool step();
    // Runs to completion; returns the number of rows changed.
    int64_t run();

    std::string text(int column) const;
    int64_t integer(int column) const;
    bool is_null(int column) const;

  private:
    Db& db_;
    sqlite3_stmt* stmt_ = nullptr;
    std::unique_lock<std::recursive_mutex> lock_;
};

// Thrown inside the store only; repositories' callers see Result values
// (see Transaction::run).
struct DbError {
    int code;
    std::string message;
    bool is_constraint() const { return (code & 0xff) == SQLITE_CONSTRAINT; }
};

class Db {
  public:
    // Opens (creating if needed) the file, sets WAL, foreign keys, a busy
    // timeout, and applies the embedded migrations.
    static Result<std::unique_ptr<Db>> open(const std::string& path);
    ~Db();

    void exec(std::string_view sql);
    int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
    std::recursive_mutex& mutex() { return mutex_; }

    // Applies those of `migrations` not yet recorded, in order, each in its
    // own transaction: a failing one leaves the schema at the last whole
    // version (open() does this with the embedded ones).
    Result<void> apply_migrations(const std::vector<Migration>& migrations);
    sqlite3* handle() { return db_; }

  private:
    explicit Db(sqlite3* db) : db_(db) {}

    sqlite3* db_;
    std::recursive_mutex mutex_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back unless commit() ran.
class Transaction {
  public:
    explicit Transaction(Db& db);
    ~Transaction();
    void commit();

  private:
    Db& db_;
    std::unique_lock<std::recursive_mutex> lock_;
    bool done_ = false;
};

// Runs `body(void)` inside a transaction. body returns a Result; an error
// result or a DbError rolls back. DbError becomes an internal error, so SQL
// text never reaches a client.
template <class F>
auto in_transaction(Db& db, F&& body) -> decltype(body()) {
    try {
        Transaction tx(db);
        auto result = body();
        if (result.ok()) tx.commit();
        return result;
    } catch (const DbError& e) {
        return internal("store: " + e.message);
    }
}

// Same, without a transaction, for single reads.
template <class F>
auto guarded(F&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const DbError& e) {
        return internal("store: " + e.message);
    }
}

}  // namespace wsp
