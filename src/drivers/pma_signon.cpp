#include "drivers/pma_signon.h"

#include <fcntl.h>
#include <pwd.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "base/clock.h"
#include "base/secrets.h"
#include "base/strings.h"
#include "drivers/mariadb_catalog.h"
#include "drivers/mariadb_server.h"
#include "drivers/sql_ident.h"
#include "system/file_io.h"

namespace wsp {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDocRoot = "/usr/share/phpmyadmin";
constexpr const char* kTempPrefix = "PMA_";
// A phpMyAdmin session lasts at most this long; then its user is dropped.
constexpr int64_t kSessionMaxS = 3600;

Result<void> make_dir(const fs::path& path, mode_t mode, std::optional<RunAs> owner) {
    std::error_code ec;
    fs::create_directories(path, ec);
    if (::chmod(path.c_str(), mode) != 0)
        return internal("cannot create " + path.filename().string());
    if (owner && ::chown(path.c_str(), owner->uid, owner->gid) != 0)
        return internal("cannot chown " + path.filename().string());
    return Ok{};
}

std::string php_string(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

std::optional<RunAs> php_identity() {
    if (::geteuid() != 0) return std::nullopt;
    const passwd* pw = ::getpwnam("www-data");
    if (!pw) pw = ::getpwnam("nobody");
    if (!pw) return std::nullopt;
    return RunAs{pw->pw_uid, pw->pw_gid};
}

std::string hex_to_bytes(const std::string& hex) {
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return out;
}

const char* kRouter = R"PHP(<?php
// php -S router. phpMyAdmin lives at /pma/ (the panel proxies that prefix,
// on phpMyAdmin's own origin, to here unchanged), so the links and cookies
// it makes from PHP_SELF all point below /pma/. docroot/pma is a symlink to
// the package's tree. The panel's sign-on is /pma/signon.php (and
// /pma/?token=... /pma/?logout=1).
//
// Only requests from the panel's proxy: it sends the per-start secret
// (php -S listens on 127.0.0.1, where any local process, a customer's cron
// job say, could otherwise talk to it over plain HTTP).
$secret = (string)getenv('WSP_PMA_PROXY_SECRET');
$given = (string)($_SERVER['HTTP_X_WISPANEL_PMA_PROXY'] ?? '');
unset($_SERVER['HTTP_X_WISPANEL_PMA_PROXY']);
if (strlen($secret) < 32 || !hash_equals($secret, $given)) {
    http_response_code(403); header('Content-Type: text/plain; charset=utf-8');
    echo "Forbidden: phpMyAdmin is served through the panel only.\n"; return true;
}
$path = rawurldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '/');
if (!str_starts_with($path, '/pma/')) { http_response_code(404); return true; }
$rel = substr($path, 4);
if ($rel === '/signon.php' || ($rel === '/' && (isset($_GET['token']) || isset($_GET['logout'])))) {
    require __DIR__ . '/signon.php'; return true;
}
if (str_ends_with($path, '/')) { $path .= 'index.php'; $rel .= 'index.php'; }
// phpMyAdmin's public entry points only (Debian's apache.conf denies
// libraries/ and templates/; nothing else of the tree is meant for the
// web either: setup/, sql/, vendor/, locale/, config.sample.inc.php, ...).
$scripts = ['/index.php', '/url.php', '/js/messages.php'];
$assets = ['/js/', '/themes/', '/doc/html/'];
$public = in_array($rel, $scripts, true) || $rel === '/favicon.ico' || $rel === '/robots.txt';
foreach ($assets as $dir) {
    if (str_starts_with($rel, $dir) && !str_ends_with($rel, '.php')) { $public = true; }
}
if (!$public) { http_response_code(404); return true; }
$root = realpath($_SERVER['DOCUMENT_ROOT'] . '/pma');
$file = realpath($_SERVER['DOCUMENT_ROOT'] . $path);
if ($root === false || $file === false || !is_file($file)) { http_response_code(404); return true; }
if (!str_ends_with($file, '.php')) {
    // Debian links phpMyAdmin's JS/CSS into these packaged trees.
    foreach ([$root . '/', '/usr/share/javascript/', '/usr/share/doc/phpmyadmin/'] as $dir) {
        if (str_starts_with($file, $dir)) { return false; }
    }
    http_response_code(404); return true;
}
if (!str_starts_with($file, $root . '/')) { http_response_code(404); return true; }
define('CONFIG_FILE', __DIR__ . '/config.inc.php');
$_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = $path; $_SERVER['SCRIPT_FILENAME'] = $file;
chdir(dirname($file)); require $file; return true;
)PHP";

const char* kSignon = R"PHP(<?php
// Single-use sign-on: the token file is claimed with rename(), so a second
// use (or a concurrent one) fails; the password is wiped from it at once.
function deny(string $msg): void {
    http_response_code(403); header('Content-Type: text/plain; charset=utf-8');
    echo $msg, "\n"; exit;
}
$dir = __DIR__ . '/tokens';
session_name('PanelSignon');
if (isset($_GET['logout'])) {
    session_start();
    $u = $_SESSION['PMA_single_signon_user'] ?? '';
    if (preg_match('/^PMA_[0-9]+_[0-9a-f]+$/', $u)) { @touch("$dir/$u.ended"); }
    $_SESSION = []; session_destroy();
    deny('Signed out. Open phpMyAdmin from the panel again.');
}
$token = (string)($_GET['token'] ?? '');
if (!preg_match('/^[A-Za-z0-9_-]{43,128}$/', $token)) deny('Open phpMyAdmin from the panel.');
$h = hash('sha256', $token);
$claimed = "$dir/$h.claimed";
if (!@rename("$dir/$h.token", $claimed)) deny('This phpMyAdmin link is invalid, expired or already used.');
$data = json_decode((string)file_get_contents($claimed), true);
@unlink($claimed);
if (!is_array($data) || (int)($data['expires_at'] ?? 0) < time())
    deny('This phpMyAdmin link is invalid, expired or already used.');
@touch($dir . '/' . $data['user'] . '.claimed');
session_start(); session_regenerate_id(true);
$_SESSION['PMA_single_signon_user'] = $data['user'];
$_SESSION['PMA_single_signon_password'] = $data['password'];
// A database on another host: phpMyAdmin's one server entry is pointed at
// it for this session (the panel wrote the address; the visitor cannot).
if (!empty($data['host'])) {
    $_SESSION['PMA_single_signon_host'] = (string)$data['host'];
    $_SESSION['PMA_single_signon_port'] = (int)$data['port'];
    $_SESSION['PMA_single_signon_cfgupdate'] = ['socket' => '', 'compress' => false,
        'ssl' => !empty($data['tls']), 'ssl_verify' => false];
} else {
    unset($_SESSION['PMA_single_signon_host'], $_SESSION['PMA_single_signon_port'],
          $_SESSION['PMA_single_signon_cfgupdate']);
}
session_write_close();
header('Location: /pma/index.php?route=/database/structure&db=' . rawurlencode($data['db']));
)PHP";

}  // namespace

PmaSignon::PmaSignon(const Config& config, fs::path data_dir, std::shared_ptr<MariadbAdmin> admin,
                     std::function<std::string()> base_url, fs::path socket,
                     std::string proxy_secret)
    : config_(config),
      dir_(data_dir / "pma"),
      socket_(std::move(socket)),
      admin_(std::move(admin)),
      base_url_(std::move(base_url)),
      proxy_secret_(std::move(proxy_secret)),
      run_as_(php_identity()) {}

Result<void> PmaSignon::prepare() {
    CHECK_OK(make_dir(dir_, 0711, std::nullopt));
    for (const char* sub : {"tokens", "sessions", "tmp"})
        CHECK_OK(make_dir(dir_ / sub, 0700, run_as_));
    // The cookie-encryption secret: exactly 32 bytes, made once.
    fs::path secret_file = dir_ / "blowfish.secret";
    std::string secret_hex;
    {
        std::ifstream in(secret_file);
        std::getline(in, secret_hex);
    }
    if (secret_hex.size() != 64) {
        secret_hex = random_hex(32);
        CHECK_OK(write_file_atomic(secret_file, secret_hex + "\n", 0600));
    }
    std::ostringstream cfg;
    cfg << "<?php\n// Written by WisPanel at each start; do not edit.\n"
        << "$cfg['blowfish_secret'] = hex2bin(" << php_string(secret_hex) << ");\n"
        << "$cfg['TempDir'] = " << php_string((dir_ / "tmp").string()) << ";\n"
        << "$cfg['VersionCheck'] = false;\n$cfg['SendErrorReports'] = 'never';\n"
        << "$i = 1;\n"
        << "$cfg['Servers'][$i]['auth_type'] = 'signon';\n"
        << "$cfg['Servers'][$i]['SignonSession'] = 'PanelSignon';\n"
        << "$cfg['Servers'][$i]['SignonURL'] = '/pma/signon.php';\n"
        << "$cfg['Servers'][$i]['LogoutURL'] = '/pma/signon.php?logout=1';\n"
        << "$cfg['Servers'][$i]['host'] = 'localhost';\n"
        << "$cfg['Servers'][$i]['connect_type'] = 'socket';\n"
        << "$cfg['Servers'][$i]['socket'] = " << php_string(socket_.string()) << ";\n"
        << "$cfg['Servers'][$i]['hide_db'] = "
           "'^(information_schema|performance_schema|mysql|sys)$';\n";
    // Readable by the PHP user's group only: it holds the cookie secret.
    std::optional<FileOwner> group_only;
    if (run_as_) group_only = FileOwner{0, run_as_->gid};
    CHECK_OK(write_file_atomic(dir_ / "config.inc.php", cfg.str(), 0640, group_only));
    CHECK_OK(write_file_atomic(dir_ / "router.php", kRouter, 0644));
    // The docroot php -S serves: just "pma" -> the package's tree.
    CHECK_OK(make_dir(dir_ / "docroot", 0755, std::nullopt));
    std::error_code ec;
    const fs::path link = dir_ / "docroot" / "pma";
    if (fs::read_symlink(link, ec) != fs::path(kDocRoot)) {
        fs::remove(link, ec);
        fs::create_directory_symlink(kDocRoot, link, ec);
        if (ec) return internal("cannot link the phpMyAdmin docroot");
    }
    CHECK_OK(write_file_atomic(dir_ / "signon.php", kSignon, 0644));
    return Ok{};
}

ChildSpec PmaSignon::child_spec() const {
    ChildSpec spec;
    spec.name = "phpmyadmin";
    spec.argv = {"/usr/bin/php",
                 "-d",
                 "display_errors=0",
                 "-d",
                 "log_errors=1",
                 "-d",
                 "error_log=" + (dir_ / "php-error.log").string(),
                 "-d",
                 "session.save_path=" + (dir_ / "sessions").string(),
                 "-d",
                 "session.gc_maxlifetime=" + std::to_string(kSessionMaxS),
                 "-d",
                 "session.cookie_httponly=1",
                 "-d",
                 "session.cookie_path=/pma/",
                 "-d",
                 "expose_php=0",
                 "-S",
                 "127.0.0.1:" + std::to_string(config_.pma.port),
                 "-t",
                 (dir_ / "docroot").string(),
                 (dir_ / "router.php").string()};
    spec.options.run_as = run_as_;
    // A page pulls dozens of assets through the /pma/ proxy at once; one
    // PHP process would serve them in turn. The Supervisor stops the whole
    // process group, workers included (shared/notes pitfall 18).
    // The proxy's secret goes in the environment: readable by php -S's own
    // user and root only (/proc/PID/environ), never written to disk.
    spec.options.env = {"PATH=/usr/bin:/bin", "PHP_CLI_SERVER_WORKERS=4",
                        "WSP_PMA_PROXY_SECRET=" + proxy_secret_};
    spec.options.cwd = dir_;
    spec.log_file = dir_ / "php-server.log";
    spec.stop_grace = std::chrono::seconds(5);
    return spec;
}

Result<PmaLink> PmaSignon::issue(const DatabaseRecord& record, const DatabaseEndpoint& where) {
    TRY(SqlName db, SqlName::parse(record.name, kMaxDatabaseName, "database name"));
    const int64_t now = now_unix();
    TRY(SqlName user,
        SqlName::parse(std::string(kTempPrefix) + std::to_string(now) + "_" + random_hex(6),
                       kMaxUserName, "database user"));
    const std::string password = random_hex(24);
    const std::string token =
        base64_encode(hex_to_bytes(random_hex(32)), Base64::url_unpadded);  // 256 bits
    MariadbCatalog catalog(*where.admin);
    const SqlHost entry = where.login_host;
    std::error_code ec;
    const fs::path remote_marker = dir_ / "tokens" / (user.str() + ".remote");
    if (!where.local) {
        // Which host holds this temporary user, for the sweep (written
        // before the user exists, so no user is ever left untracked).
        CHECK_OK(
            write_file_atomic(remote_marker, where.host_name + "\n" + entry.str() + "\n", 0600));
    }
    auto forget = [&] {
        (void)catalog.drop_user(user, entry);
        fs::remove(remote_marker, ec);
    };
    if (auto r = catalog.create_user(user, entry, PasswordHash::of(password)); !r) {
        fs::remove(remote_marker, ec);
        return r.error();
    }
    if (auto r = catalog.grant_all(db, user, entry); !r) {
        forget();
        return r.error();
    }
    boost::json::object data{{"user", user.str()},
                             {"password", password},
                             {"db", db.str()},
                             {"expires_at", now + config_.pma.token_ttl_s}};
    if (!where.local) {
        data["host"] = where.address;
        data["port"] = where.port;
        data["tls"] = where.tls;
    }
    if (auto r = write_file_atomic(dir_ / "tokens" / (sha256_hex(token) + ".token"),
                                   boost::json::serialize(data), 0600, file_owner(run_as_));
        !r) {
        forget();
        return r.error();
    }
    // Always through phpMyAdmin's own listener (its origin, the /pma/ proxy).
    std::string base = config_.pma.public_url.empty() ? base_url_() : config_.pma.public_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return PmaLink{base + "/pma/?token=" + token, token};
}

void PmaSignon::sweep() {
    const int64_t now = now_unix();
    std::error_code ec;
    // A temporary user is done when its session ended (logout), its token
    // was not used in time, or it is older than a session may last.
    auto finished = [&](const std::string& name, int64_t created) {
        const bool ended = fs::exists(dir_ / "tokens" / (name + ".ended"));
        const bool claimed = fs::exists(dir_ / "tokens" / (name + ".claimed"));
        const bool unused = !claimed && now > created + config_.pma.token_ttl_s + 5;
        const bool too_old = now > created + kSessionMaxS;
        return ended || unused || too_old;
    };
    sweep_remote(finished);
    // Unused token files past their expiry.
    for (auto& e : fs::directory_iterator(dir_ / "tokens", ec)) {
        if (e.path().extension() != ".token") continue;
        std::ifstream in(e.path());
        std::stringstream ss;
        ss << in.rdbuf();
        boost::system::error_code jec;
        auto v = boost::json::parse(ss.str(), jec);
        if (jec || !v.is_object() || !v.as_object().contains("expires_at") ||
            v.at("expires_at").to_number<int64_t>() < now)
            fs::remove(e.path(), ec);
    }
    auto rows = admin_->query("SELECT User FROM mysql.user WHERE User LIKE " +
                              quote_like_prefix(SqlName::parse(kTempPrefix, 8, "user").value()));
    if (!rows) return;
    MariadbCatalog catalog(*admin_);
    for (const auto& row : *rows) {
        if (!row.at(0)) continue;
        const std::string& name = *row[0];
        auto parsed = SqlName::parse(name, kMaxUserName, "user");
        if (!parsed) continue;
        int64_t created = 0;
        try {
            created = std::stoll(name.substr(4, name.find('_', 4) - 4));
        } catch (...) {
            continue;
        }
        if (fs::exists(dir_ / "tokens" / (name + ".remote"))) continue;  // below
        if (!finished(name, created)) continue;
        if (catalog.drop_user(*parsed, SqlHost::localhost()).ok()) {
            fs::remove(dir_ / "tokens" / (name + ".ended"), ec);
            fs::remove(dir_ / "tokens" / (name + ".claimed"), ec);
            spdlog::info("phpmyadmin: removed temporary user {}", name);
        }
    }
}

void PmaSignon::sweep_remote(const std::function<bool(const std::string&, int64_t)>& finished) {
    // Users on other hosts, one marker file each (<user>.remote: the host's
    // name and the user's host entry); no query to those hosts unless one
    // is due.
    std::error_code ec;
    for (auto& e : fs::directory_iterator(dir_ / "tokens", ec)) {
        if (e.path().extension() != ".remote") continue;
        const std::string name = e.path().stem().string();
        int64_t created = 0;
        try {
            created = std::stoll(name.substr(4, name.find('_', 4) - 4));
        } catch (...) {
            continue;
        }
        if (!finished(name, created)) continue;
        std::ifstream in(e.path());
        std::string host, entry;
        std::getline(in, host);
        std::getline(in, entry);
        auto user = SqlName::parse(name, kMaxUserName, "user");
        auto at = SqlHost::parse_stored(entry);
        if (!user || !at || !resolve_) continue;
        auto where = resolve_(host);
        if (!where && where.error().code != Code::not_found) continue;  // down: next time
        if (where && !MariadbCatalog(*where->admin).drop_user(*user, *at).ok()) continue;
        std::error_code rm;
        fs::remove(dir_ / "tokens" / (name + ".ended"), rm);
        fs::remove(dir_ / "tokens" / (name + ".claimed"), rm);
        fs::remove(e.path(), rm);
        spdlog::info("phpmyadmin: removed temporary user {} on host {}", name, host);
    }
}

Result<int64_t> PmaSignon::drop_users_on(const std::string& database,
                                         const DatabaseEndpoint& where) {
    TRY(SqlName db, SqlName::parse(database, kMaxDatabaseName, "database name"));
    if (!where.local) {
        // Another host: its temporary users all have a marker, written
        // before they were made; none, no query (deleting and moving
        // databases there stays one round trip shorter).
        bool any = false;
        std::error_code dir_ec;
        for (auto& e : fs::directory_iterator(dir_ / "tokens", dir_ec))
            if (e.path().extension() == ".remote") {
                any = true;
                break;
            }
        if (!any) return int64_t{0};
    }
    // mysql.db keeps the grant's database pattern as written: `alice\_shop`
    // (quote_grant_db); as an SQL string literal each backslash is doubled.
    std::string pattern = quote_grant_db(db);
    std::string literal = "'";
    for (char c : pattern.substr(1, pattern.size() - 2)) {
        if (c == '\\') literal += '\\';
        literal += c;
    }
    literal += "'";
    TRY(auto rows,
        where.admin->query("SELECT DISTINCT User, Host FROM mysql.db WHERE User LIKE " +
                           quote_like_prefix(SqlName::parse(kTempPrefix, 8, "user").value()) +
                           " AND Db = " + literal));
    MariadbCatalog catalog(*where.admin);
    int64_t dropped = 0;
    std::error_code ec;
    for (const auto& row : rows) {
        if (!row.at(0)) continue;
        auto user = SqlName::parse(*row[0], kMaxUserName, "user");
        if (!user || row.size() < 2 || !row[1]) continue;
        TRY(SqlHost entry, SqlHost::parse_stored(*row[1]));
        CHECK_OK(catalog.drop_user(*user, entry));
        fs::remove(dir_ / "tokens" / (user->str() + ".ended"), ec);
        fs::remove(dir_ / "tokens" / (user->str() + ".claimed"), ec);
        fs::remove(dir_ / "tokens" / (user->str() + ".remote"), ec);
        spdlog::info("phpmyadmin: removed temporary user {} (database {} closed to it)",
                     user->str(), database);
        ++dropped;
    }
    return dropped;
}

}  // namespace wsp
