#include "store/db.h"

#include <spdlog/spdlog.h>

#include <functional>
#include <memory>
#include <unordered_map>

#include "base/clock.h"
#include "store/embedded.h"

namespace wsp {
namespace {

constexpr size_t kMaxCached = 256;  // dynamic SQL texts beyond that are not kept

// Hashes std::string and std::string_view alike: a lookup by the caller's
// string_view builds no std::string.
struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const noexcept {
        return std::hash<std::string_view>{}(text);
    }
};

}  // namespace

// Prepared statements kept for reuse, per SQL text, one cache per Db (so
// per connection): parsing and planning a statement cost more than running
// it (a third of the panel's CPU on a database create, issue 24). A cache
// is used only under its Db's mutex (a Stmt holds it for its whole life),
// so it needs no lock of its own, and it is looked up by string_view, so a
// statement builds no std::string either. A statement in use is out of the
// cache, so the same text can be open twice (a nested read).
struct Db::StmtCache {
    std::unordered_map<std::string, std::vector<sqlite3_stmt*>, TextHash, std::equal_to<>> idle;
    size_t count = 0;

    StmtCache() = default;
    StmtCache(const StmtCache&) = delete;
    StmtCache& operator=(const StmtCache&) = delete;
    // Before its connection closes (sqlite3_close refuses open statements).
    ~StmtCache() {
        for (auto& [sql, list] : idle)
            for (sqlite3_stmt* s : list) sqlite3_finalize(s);
    }

    sqlite3_stmt* take(std::string_view sql) {
        auto it = idle.find(sql);
        if (it == idle.end() || it->second.empty()) return nullptr;
        sqlite3_stmt* s = it->second.back();
        it->second.pop_back();
        --count;
        return s;
    }

    void give_back(sqlite3_stmt* s) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        if (count >= kMaxCached) {
            sqlite3_finalize(s);
            return;
        }
        const std::string_view sql = sqlite3_sql(s);
        auto it = idle.find(sql);
        if (it == idle.end())
            it = idle.emplace(std::string(sql), std::vector<sqlite3_stmt*>{}).first;
        it->second.push_back(s);
        ++count;
    }
};

namespace {

// Transaction control statements, prepared once like the rest.
bool cacheable_control(std::string_view sql) {
    return sql == "BEGIN IMMEDIATE" || sql == "COMMIT" || sql == "ROLLBACK";
}

}  // namespace

int64_t WriteTx::last_insert_id() const {
    return sqlite3_last_insert_rowid(db_.handle());
}

Stmt::Stmt(const ReadTx& tx, std::string_view sql) : Stmt(tx.db_, sql) {}

Stmt::Stmt(Db& db, std::string_view sql) : db_(db), lock_(db.mutex()) {
    stmt_ = db.statements().take(sql);
    if (stmt_) return;
    if (sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) != SQLITE_OK) {
        sqlite3_finalize(stmt_);
        stmt_ = nullptr;
        throw DbError{sqlite3_errcode(db.handle()), sqlite3_errmsg(db.handle())};
    }
}

Stmt::~Stmt() {
    if (stmt_) db_.statements().give_back(stmt_);
}

Stmt& Stmt::bind(int index, std::string_view value) {
    sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
    return *this;
}

Stmt& Stmt::bind(int index, int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
}

Stmt& Stmt::bind(int index, std::nullopt_t) {
    sqlite3_bind_null(stmt_, index);
    return *this;
}

Stmt& Stmt::bind(int index, const std::optional<int64_t>& value) {
    return value ? bind(index, *value) : bind(index, std::nullopt);
}

bool Stmt::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw DbError{sqlite3_extended_errcode(db_.handle()), sqlite3_errmsg(db_.handle())};
}

int64_t Stmt::run() {
    while (step()) {
    }
    return sqlite3_changes64(db_.handle());
}

std::string Stmt::text(int column) const {
    const unsigned char* p = sqlite3_column_text(stmt_, column);
    return p ? std::string(reinterpret_cast<const char*>(p),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
             : std::string();
}

int64_t Stmt::integer(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

bool Stmt::is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Error store_error(const DbError& e) {
    if ((e.code & 0xff) == SQLITE_FULL) {
        spdlog::error("store: {}", e.message);
        return insufficient_storage("The disk is full; free some space and try again");
    }
    return internal("store: " + e.message);
}

Result<std::unique_ptr<Db>> Db::open(const std::string& path) {
    // SQLite's own locking is redundant here: the one connection is used
    // only under the Db's mutex (every Stmt, exec and transaction holds it),
    // so NOMUTEX drops a lock/unlock pair from every sqlite3_column_* and
    // step, and no memory statistics means no global lock per allocation.
    // Together they were ~13 % of the panel's CPU at a 10,000-account
    // start (issue 24). The memory setting applies only before SQLite's
    // first use in the process; later it is refused, which changes nothing.
    static const int no_memstatus = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)no_memstatus;
    sqlite3* handle = nullptr;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &handle, flags, nullptr) != SQLITE_OK) {
        std::string msg = handle ? sqlite3_errmsg(handle) : "out of memory";
        sqlite3_close(handle);
        return internal("cannot open the panel database: " + msg);
    }
    std::unique_ptr<Db> db(new Db(handle));
    try {
        sqlite3_busy_timeout(handle, 5000);
        db->exec("PRAGMA journal_mode=WAL");
        db->exec("PRAGMA synchronous=NORMAL");
        db->exec("PRAGMA foreign_keys=ON");
    } catch (const DbError& e) {
        return internal("cannot set up the panel database: " + e.message);
    }
    CHECK_OK(db->apply_migrations(embedded_migrations()));
    return db;
}

Db::Db(sqlite3* db) : db_(db), statements_(std::make_unique<StmtCache>()) {}

Db::~Db() {
    {
        std::lock_guard lock(mutex_);
        statements_.reset();
    }
    sqlite3_close(db_);
}

void Db::exec(std::string_view sql) {
    if (cacheable_control(sql)) {
        Stmt s(*this, sql);
        s.run();
        return;
    }
    std::lock_guard lock(mutex_);
    char* err = nullptr;
    std::string s(sql);
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        std::string msg = err ? err : "unknown error";
        sqlite3_free(err);
        throw DbError{sqlite3_extended_errcode(db_), msg};
    }
}

// Each migration runs in its own transaction with its version recorded, so
// a crash part-way leaves the schema at the last whole version.
Result<void> Db::apply_migrations(const std::vector<Migration>& migrations) {
    try {
        exec(
            "CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY, "
            "file TEXT NOT NULL, applied_at INTEGER NOT NULL)");
        for (const Migration& m : migrations) {
            Stmt check(*this, "SELECT 1 FROM schema_migrations WHERE version = ?");
            check.bind(1, int64_t{m.version});
            if (check.step()) continue;
            Transaction tx(*this);
            exec(m.sql);
            Stmt record(*this,
                        "INSERT INTO schema_migrations(version, file, applied_at) VALUES(?,?,?)");
            record.bind_all(int64_t{m.version}, std::string_view(m.file), now_unix()).run();
            tx.commit();
        }
    } catch (const DbError& e) {
        return internal("migration failed: " + e.message);
    }
    return Ok{};
}

Db::Transaction::Transaction(Db& db) : db_(db), lock_(db.mutex()) {
    db_.exec("BEGIN IMMEDIATE");
}

Db::Transaction::~Transaction() {
    if (!done_) {
        try {
            db_.exec("ROLLBACK");
        } catch (const DbError&) {
            // Nothing to do: SQLite has already rolled back on most errors.
        }
    }
}

void Db::Transaction::commit() {
    db_.exec("COMMIT");
    done_ = true;
}

}  // namespace wsp
