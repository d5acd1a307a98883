#pragma once
// The panel's store: one SQLite connection in WAL mode, shared by every
// thread behind a recursive mutex. All SQL lives in src/store/ (checked by
// tests/checks/sql_outside_store.sh). Code outside the store reaches the
// tables only through repositories, and every repository function takes a
// transaction handle that only Db::read()/Db::write() hand out, so a
// repository call outside a transaction does not compile:
//   db.write([&](WriteTx& tx) -> Result<T> { ...; UserRepo::insert(tx, u); ... })
// write() holds the mutex from BEGIN IMMEDIATE to COMMIT, so its steps are
// atomic and isolated; read() runs each statement under the mutex for its own
// duration. Both turn a DbError into an Error in one place (store_error).
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "base/result.h"
#include "store/embedded.h"

namespace wsp {

class Db;

// A read handle: lets repositories read. Only Db::read() makes one (and a
// WriteTx is one), so holding it proves the caller went through the store.
class ReadTx {
  public:
    ReadTx(const ReadTx&) = delete;
    ReadTx& operator=(const ReadTx&) = delete;

  private:
    // Private, not protected: nobody else can derive a handle into being.
    friend class Db;
    friend class Stmt;
    friend class WriteTx;
    explicit ReadTx(Db& db) : db_(db) {}
    ~ReadTx() = default;
    Db& db_;
};

// A write handle: an open BEGIN IMMEDIATE transaction, made only by
// Db::write(). Repository functions that change rows require it.
class WriteTx : public ReadTx {
  public:
    // The rowid of this transaction's last INSERT.
    int64_t last_insert_id() const;

  private:
    friend class Db;
    explicit WriteTx(Db& db) : ReadTx(db) {}
};

// A prepared statement; bind with 1-based indexes, then step().
class Stmt {
  public:
    Stmt(const ReadTx& tx, std::string_view sql);
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
    // On the Db itself: only the store's own migration bookkeeping.
    friend class Db;
    Stmt(Db& db, std::string_view sql);

    Db& db_;
    sqlite3_stmt* stmt_ = nullptr;
    std::unique_lock<std::recursive_mutex> lock_;
};

// Thrown inside the store only; repositories' callers see Result values
// (see Db::read/Db::write).
struct DbError {
    int code;
    std::string message;
    bool is_constraint() const { return (code & 0xff) == SQLITE_CONSTRAINT; }
};

// What a DbError is to the store's callers. SQLITE_FULL (SQLite's unix VFS
// answers a write's ENOSPC with it; also a file at max_page_count) is
// insufficient_storage (507, "The disk is full"); anything else, including
// SQLITE_IOERR_WRITE (a write failing with any other errno: EIO, EDQUOT),
// is an internal error. SQLite's text goes to the log, never to a client.
Error store_error(const DbError& e);

class Db {
  public:
    // Opens (creating if needed) the file, sets WAL, foreign keys, a busy
    // timeout, and applies the embedded migrations.
    static Result<std::unique_ptr<Db>> open(const std::string& path);
    ~Db();

    // Runs `body(ReadTx&)`, which returns a Result. A DbError becomes
    // store_error(e), so SQL text never reaches a client.
    template <class F>
    auto read(F&& body) -> std::invoke_result_t<F, ReadTx&> {
        try {
            ReadTx tx(*this);
            return body(tx);
        } catch (const DbError& e) {
            return store_error(e);
        }
    }

    // Runs `body(WriteTx&)` inside BEGIN IMMEDIATE ... COMMIT; an error
    // result or a DbError rolls back, and a DbError becomes store_error(e).
    // Not re-entrant: a body must not call write() again.
    template <class F>
    auto write(F&& body) -> std::invoke_result_t<F, WriteTx&> {
        try {
            Transaction transaction(*this);
            WriteTx tx(*this);
            auto result = body(tx);
            if (result.ok()) transaction.commit();
            return result;
        } catch (const DbError& e) {
            return store_error(e);
        }
    }

    // Applies those of `migrations` not yet recorded, in order, each in its
    // own transaction: a failing one leaves the schema at the last whole
    // version (open() does this with the embedded ones).
    Result<void> apply_migrations(const std::vector<Migration>& migrations);

  private:
    friend class Stmt;
    friend class WriteTx;

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

    // Prepared statements kept for reuse (db.cpp), used under mutex_.
    struct StmtCache;

    explicit Db(sqlite3* db);
    void exec(std::string_view sql);
    std::recursive_mutex& mutex() { return mutex_; }
    sqlite3* handle() { return db_; }
    StmtCache& statements() { return *statements_; }

    sqlite3* db_;
    std::recursive_mutex mutex_;
    std::unique_ptr<StmtCache> statements_;
};

}  // namespace wsp
