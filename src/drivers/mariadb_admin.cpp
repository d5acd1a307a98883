#include "drivers/mariadb_admin.h"

#include <mariadb/errmsg.h>
#include <mariadb/mysqld_error.h>
#include <spdlog/spdlog.h>

#include <fstream>

#include "base/strings.h"

namespace wsp {
namespace {

// Client-side errors that mean "no server" rather than "bad statement".
bool is_connection_error(unsigned int code) {
    return code == CR_CONNECTION_ERROR || code == CR_CONN_HOST_ERROR ||
           code == CR_SERVER_GONE_ERROR || code == CR_SERVER_LOST || code == CR_UNKNOWN_HOST ||
           code == CR_SERVER_LOST_EXTENDED || code == ER_SERVER_SHUTDOWN ||
           code == ER_CONNECTION_KILLED;
}

Error unavailable_error() {
    return unavailable("Database server is unavailable");
}

Error server_error(MYSQL* conn) {
    unsigned int code = mysql_errno(conn);
    if (is_connection_error(code)) return unavailable_error();
    if (code == ER_DB_CREATE_EXISTS) return conflict("Database already exists");
    if (code == ER_CANNOT_USER) return conflict("Database user already exists");
    // Its data dir's disk is full: the answer is 507, as for the panel's own.
    const std::string_view message = mysql_error(conn);
    if (code == ER_DISK_FULL || code == ER_RECORD_FILE_FULL ||
        message.find("No space left on device") != std::string_view::npos ||
        message.find("Errcode: 28") != std::string_view::npos ||
        message.find("errno: 28") != std::string_view::npos) {
        spdlog::error("mariadb: {} {}", code, message);
        return insufficient_storage("The database server's disk is full");
    }
    return internal("mariadb: " + std::to_string(code) + " " + mysql_error(conn));
}

// mysql_library_init is not thread-safe; run it once before any thread.
struct LibraryInit {
    LibraryInit() { mysql_library_init(0, nullptr, nullptr); }
};

}  // namespace

Result<MariadbCredentials> read_credentials(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) return unavailable_error();
    MariadbCredentials c;
    std::string line;
    while (std::getline(in, line)) {
        auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        std::string_view text = line;
        std::string key(trim(text.substr(0, eq), " \t\r"));
        std::string value(trim(text.substr(eq + 1), " \t\r"));
        if (key == "user") c.user = value;
        if (key == "password") c.password = value;
        if (key == "socket") c.socket = value;
    }
    if (c.user.empty()) return internal("no user in " + file.filename().string());
    return c;
}

MariadbAdmin::MariadbAdmin(MariadbEndpoint endpoint, size_t pool_size)
    : endpoint_(std::move(endpoint)), pool_size_(std::max<size_t>(1, pool_size)) {
    static LibraryInit init;
}

MariadbAdmin::~MariadbAdmin() {
    flush();
}

void MariadbAdmin::flush() {
    std::vector<MYSQL*> conns;
    {
        std::lock_guard lock(mutex_);
        conns.swap(idle_);
    }
    for (MYSQL* c : conns) mysql_close(c);
}

namespace {

// A Galera node fit for writes: wsrep_ready ON and its cluster Primary.
bool galera_ready(MYSQL* conn) {
    const std::string sql =
        "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_cluster_status')";
    if (mysql_real_query(conn, sql.data(), sql.size()) != 0) return false;
    MYSQL_RES* res = mysql_store_result(conn);
    if (!res) return false;
    bool ready = false, primary = false;
    while (MYSQL_ROW row = mysql_fetch_row(res)) {
        if (!row[0] || !row[1]) continue;
        const std::string name = row[0], value = row[1];
        if (name == "wsrep_ready") ready = value == "ON";
        if (name == "wsrep_cluster_status") primary = value == "Primary";
    }
    mysql_free_result(res);
    return ready && primary;
}

}  // namespace

Result<MYSQL*> MariadbAdmin::connect(std::string* why) {
    if (endpoint_.nodes.empty()) return connect_to(endpoint_.host, endpoint_.port, why);
    const size_t n = endpoint_.nodes.size();
    const size_t start = preferred_.load() % n;
    for (size_t i = 0; i < n; ++i) {
        const size_t at = (start + i) % n;
        const std::string& node = endpoint_.nodes[at];
        const auto colon = node.rfind(':');
        const std::string host = node.substr(0, colon);
        const int port = colon == std::string::npos ? 3306 : std::atoi(node.c_str() + colon + 1);
        auto conn = connect_to(host, port, why);
        if (!conn) continue;
        if (endpoint_.galera) {
            const std::string sync = "SET SESSION wsrep_sync_wait = 1";
            if (!galera_ready(*conn) || mysql_real_query(*conn, sync.data(), sync.size()) != 0) {
                if (why) *why = node + " is not ready (wsrep_ready / Primary)";
                mysql_close(*conn);
                continue;
            }
        }
        if (at != start) {
            spdlog::warn("mariadb: failing over from {} to {}", endpoint_.nodes[start], node);
            preferred_ = at;
        }
        return conn;
    }
    return unavailable_error();
}

std::pair<std::string, int> MariadbAdmin::current_node() const {
    if (endpoint_.nodes.empty()) return {endpoint_.host, endpoint_.port};
    const std::string& node = endpoint_.nodes[preferred_.load() % endpoint_.nodes.size()];
    const auto colon = node.rfind(':');
    const int port = colon == std::string::npos ? 3306 : std::atoi(node.c_str() + colon + 1);
    return {node.substr(0, colon), port};
}

Result<MYSQL*> MariadbAdmin::connect_to(const std::string& host_name, int port, std::string* why) {
    TRY(MariadbCredentials creds, read_credentials(endpoint_.credentials_file));
    MYSQL* conn = mysql_init(nullptr);
    if (!conn) return internal("mysql_init failed");
    unsigned int connect_timeout = static_cast<unsigned int>(endpoint_.connect_timeout_s);
    unsigned int io_timeout = static_cast<unsigned int>(endpoint_.query_timeout_s);
    mysql_optionsv(conn, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
    mysql_optionsv(conn, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
    mysql_optionsv(conn, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
    mysql_optionsv(conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    unsigned int protocol = endpoint_.socket.empty() ? MYSQL_PROTOCOL_TCP : MYSQL_PROTOCOL_SOCKET;
    mysql_optionsv(conn, MYSQL_OPT_PROTOCOL, &protocol);
    if (endpoint_.tls && endpoint_.socket.empty()) {
        my_bool enforce = 1;
        mysql_optionsv(conn, MYSQL_OPT_SSL_ENFORCE, &enforce);
    }
    const char* host = endpoint_.socket.empty() ? host_name.c_str() : "localhost";
    const char* socket = endpoint_.socket.empty() ? nullptr : endpoint_.socket.c_str();
    // Several statements per query (batch()): a create or delete is one
    // round trip instead of three (issue 24). Every statement is built from
    // names checked by drivers/sql_ident.h, never from free text.
    if (!mysql_real_connect(conn, host, creds.user.c_str(), creds.password.c_str(), nullptr,
                            static_cast<unsigned int>(port), socket, CLIENT_MULTI_STATEMENTS)) {
        unsigned int code = mysql_errno(conn);
        std::string message = mysql_error(conn);
        mysql_close(conn);
        spdlog::debug("mariadb: connect failed: {} {}", code, message);
        if (why) *why = std::to_string(code) + " " + message;
        return unavailable_error();
    }
    return conn;
}

Result<MYSQL*> MariadbAdmin::acquire() {
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            MYSQL* c = idle_.back();
            idle_.pop_back();
            return c;
        }
    }
    return connect();
}

void MariadbAdmin::release(MYSQL* conn) {
    {
        std::lock_guard lock(mutex_);
        if (idle_.size() < pool_size_) {
            idle_.push_back(conn);
            return;
        }
    }
    mysql_close(conn);
}

namespace {

// The rows of the current result (none for a statement without any).
Result<std::vector<SqlRow>> take_rows(MYSQL* conn) {
    std::vector<SqlRow> rows;
    if (MYSQL_RES* res = mysql_store_result(conn)) {
        unsigned int n = mysql_num_fields(res);
        while (MYSQL_ROW row = mysql_fetch_row(res)) {
            unsigned long* lengths = mysql_fetch_lengths(res);
            SqlRow out;
            for (unsigned int i = 0; i < n; ++i) {
                if (row[i])
                    out.emplace_back(std::string(row[i], lengths[i]));
                else
                    out.emplace_back(std::nullopt);
            }
            rows.push_back(std::move(out));
        }
        mysql_free_result(res);
    } else if (mysql_field_count(conn) != 0) {
        return server_error(conn);
    }
    return rows;
}

}  // namespace

Result<std::vector<SqlRow>> MariadbAdmin::run(const std::string& sql, size_t& done) {
    // A pooled connection may have outlived a server restart. When it fails
    // before the statement reached the server (2006: gone), one retry on a
    // fresh connection is safe; "lost" mid-statement (2013) is not retried.
    done = 0;
    for (int attempt = 0; attempt < 2; ++attempt) {
        TRY(MYSQL * conn, acquire());
        if (mysql_real_query(conn, sql.data(), sql.size()) != 0) {
            unsigned int code = mysql_errno(conn);
            Error error = server_error(conn);
            if (is_connection_error(code)) {
                mysql_close(conn);
                flush();
                if (code == CR_SERVER_GONE_ERROR && attempt == 0) continue;
                return error;
            }
            release(conn);
            return error;
        }
        // One result per statement, in order; the server stops at the
        // first error (mysql_next_result then answers it).
        std::vector<SqlRow> rows;
        for (;;) {
            auto taken = take_rows(conn);
            if (!taken) {
                const bool gone = is_connection_error(mysql_errno(conn));
                mysql_close(conn);
                if (gone) flush();
                return taken.error();
            }
            rows = std::move(*taken);
            ++done;
            const int next = mysql_next_result(conn);
            if (next == -1) break;  // no more results
            if (next > 0) {
                unsigned int code = mysql_errno(conn);
                Error error = server_error(conn);
                if (is_connection_error(code)) {
                    mysql_close(conn);
                    flush();
                    return error;
                }
                release(conn);
                return error;
            }
        }
        release(conn);
        return rows;
    }
    return unavailable_error();
}

Result<void> MariadbAdmin::exec(const std::string& sql) {
    auto r = query(sql);
    if (!r) return r.error();
    return Ok{};
}

Result<std::vector<SqlRow>> MariadbAdmin::query(const std::string& sql) {
    size_t done = 0;
    auto r = run(sql, done);
    if (!r && r.error().code == Code::unavailable && on_unavailable_) on_unavailable_();
    return r;
}

Result<std::vector<SqlRow>> MariadbAdmin::batch(const std::vector<std::string>& statements,
                                                size_t& done) {
    std::string sql;
    for (const auto& s : statements) {
        if (!sql.empty()) sql += ";\n";
        sql += s;
    }
    auto r = run(sql, done);
    if (!r && r.error().code == Code::unavailable && on_unavailable_) on_unavailable_();
    return r;
}

Result<void> MariadbAdmin::check_connect() {
    auto creds = read_credentials(endpoint_.credentials_file);
    const std::string who = creds ? creds->user : "?";
    const std::string where = endpoint_.socket.empty()
                                  ? endpoint_.host + ":" + std::to_string(endpoint_.port)
                                  : endpoint_.socket;
    std::string why;
    auto conn = connect(&why);
    if (!conn) return validation("Cannot connect to " + where + " as " + who + ": " + why);
    mysql_close(*conn);
    return Ok{};
}

bool MariadbAdmin::ping() {
    auto conn = connect();
    if (!conn) return false;
    bool ok = mysql_ping(*conn) == 0;
    mysql_close(*conn);
    return ok;
}

}  // namespace wsp
