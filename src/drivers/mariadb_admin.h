#pragma once
// The panel's administrative connection to MariaDB (Connector/C): a small
// pool of reused connections with connect/read/write timeouts. Blocking:
// call it from worker threads only. A server that cannot be reached is a
// 503 (Code::unavailable); the pool is flushed so the panel recovers by
// itself when the server is back.
#include <mariadb/mysql.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace wsp {

struct MariadbEndpoint {
    std::string socket;  // used when not empty
    std::string host;    // else TCP
    int port = 3306;
    // A "[client]" file with user= and password= lines; read at each new
    // connection, so a rotated password is picked up.
    std::filesystem::path credentials_file;
    bool tls = false;  // TCP only: require TLS (MYSQL_OPT_SSL_ENFORCE)
    // Several servers ("host:port" each) instead of host/port: a new
    // connection goes to the last good one, else the next that answers.
    std::vector<std::string> nodes;
    // Galera: a node is used only when wsrep_ready is ON in a Primary
    // cluster, and sessions read their own writes (wsrep_sync_wait = 1).
    bool galera = false;
    int connect_timeout_s = 5;
    int query_timeout_s = 30;
};

struct MariadbCredentials {
    std::string user;
    std::string password;
    std::string socket;  // optional socket= line (setup-mariadb.sh writes one)
};

// Reads user= and password= from a my.cnf-style file.
Result<MariadbCredentials> read_credentials(const std::filesystem::path& file);

using SqlRow = std::vector<std::optional<std::string>>;

class MariadbAdmin {
  public:
    MariadbAdmin(MariadbEndpoint endpoint, size_t pool_size);
    ~MariadbAdmin();
    MariadbAdmin(const MariadbAdmin&) = delete;
    MariadbAdmin& operator=(const MariadbAdmin&) = delete;

    // Runs one statement. Server errors: 1007 (database exists) and 1396
    // (account exists) are 409, others a logged 500; no connection is 503.
    Result<void> exec(const std::string& sql);
    Result<std::vector<SqlRow>> query(const std::string& sql);
    // Runs `statements` in order in one round trip (a multi-statement
    // query); the server stops at the first that fails. `done` is set to the
    // number that completed: on an error, statement `done` failed, and when
    // the connection was lost (503) its outcome is unknown. Answers the
    // rows of the last statement. Only for SQL built by drivers/sql_ident.h.
    Result<std::vector<SqlRow>> batch(const std::vector<std::string>& statements, size_t& done);

    // Opens a fresh connection and pings it (the health monitor).
    bool ping();
    // Opens a fresh connection; a 400 saying why when it fails (adding a
    // database host: "Cannot connect to h:p as u: Access denied ...").
    Result<void> check_connect();
    // Drops every pooled connection (after the server went away).
    void flush();
    // Called (on the calling thread) whenever the server cannot be reached,
    // so the health state turns "down" at once rather than at the next probe.
    void on_unavailable(std::function<void()> f) { on_unavailable_ = std::move(f); }

    // Where new connections go now ("host", port): the endpoint's TCP
    // address, or for several nodes the last good one (what a client
    // program should connect to, to see what this pool sees).
    std::pair<std::string, int> current_node() const;
    bool tls() const { return endpoint_.tls; }
    bool galera() const { return endpoint_.galera; }
    bool over_socket() const { return !endpoint_.socket.empty(); }

  private:
    Result<MYSQL*> acquire();
    void release(MYSQL* conn);
    Result<MYSQL*> connect(std::string* why = nullptr);
    Result<MYSQL*> connect_to(const std::string& host, int port, std::string* why);
    Result<std::vector<SqlRow>> run(const std::string& sql, size_t& done);

    MariadbEndpoint endpoint_;
    size_t pool_size_;
    std::mutex mutex_;
    std::vector<MYSQL*> idle_;
    std::atomic<size_t> preferred_{0};  // index in endpoint_.nodes
    std::function<void()> on_unavailable_;
};

}  // namespace wsp
