#include "http/static_files.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "base/strings.h"
#include "http/file_response.h"
#include "http/json_io.h"
#include "system/confined.h"

namespace wsp {
namespace {

// Bigger than anything a Vite build emits; a guard, not a feature.
constexpr off_t kMaxFileBytes = 32 * 1024 * 1024;

constexpr std::string_view kIndex = "index.html";
constexpr std::string_view kAssetsPrefix = "assets/";

bool is_api_path(std::string_view path) {
    return path == "/api" || path.starts_with("/api/");
}

// "/a/b.js" -> "a/b.js"; nullopt for anything that is not a plain relative
// path of visible names (NUL, "..", ".", hidden files, empty segments).
// openat2 confines the open anyway; this keeps such paths out of the SPA
// fallback too, so they are a plain 404.
std::optional<std::string> relative_path(std::string_view path) {
    if (path.empty() || path.front() != '/') return std::nullopt;
    if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos)
        return std::nullopt;
    std::string_view rest = path.substr(1);
    if (rest.empty()) return std::string(kIndex);
    size_t start = 0;
    while (start <= rest.size()) {
        size_t end = rest.find('/', start);
        if (end == std::string_view::npos) end = rest.size();
        std::string_view part = rest.substr(start, end - start);
        const bool last = end == rest.size();
        if (part.empty() && !last) return std::nullopt;  // "//"
        if (!part.empty() && part.front() == '.') return std::nullopt;
        start = end + 1;
    }
    if (rest.back() == '/') return std::string(rest) + std::string(kIndex);
    return std::string(rest);
}

struct Opened {
    UniqueFd fd;
    off_t size = 0;
};

// A regular file beneath `dir`, or nullopt (missing, a directory, a symlink,
// an escape attempt: all the same to the caller).
std::optional<Opened> open_file(const UniqueFd& dir, const std::string& rel) {
    auto fd = open_beneath(dir.get(), rel, O_RDONLY | O_NOFOLLOW, 0, Symlinks::refuse);
    if (!fd) return std::nullopt;
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    return Opened{std::move(*fd), st.st_size};
}

std::optional<std::string> read_all(const Opened& f) {
    if (f.size > kMaxFileBytes) return std::nullopt;
    std::string out(static_cast<size_t>(f.size), '\0');
    size_t done = 0;
    while (done < out.size()) {
        ssize_t n =
            ::pread(f.fd.get(), out.data() + done, out.size() - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return std::nullopt;
        done += static_cast<size_t>(n);
    }
    return out;
}

bool compressible(std::string_view type) {
    return type.starts_with("text/") || type.starts_with("application/javascript") ||
           type.starts_with("application/json") || type.starts_with("image/svg+xml") ||
           type.starts_with("application/manifest+json");
}

}  // namespace

bool accepts_gzip(std::string_view header) {
    while (!header.empty()) {
        size_t comma = header.find(',');
        std::string_view item = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        size_t semi = item.find(';');
        std::string coding = to_lower(trim(item.substr(0, semi)));
        if (coding != "gzip" && coding != "x-gzip" && coding != "*") continue;
        if (semi == std::string_view::npos) return true;
        std::string params = to_lower(item.substr(semi + 1));
        params.erase(std::remove(params.begin(), params.end(), ' '), params.end());
        // q=0, q=0.0, q=0.00 ... refuse; any other weight accepts.
        auto q = params.find("q=");
        if (q == std::string::npos) return true;
        std::string_view w = std::string_view(params).substr(q + 2);
        w = w.substr(0, w.find(';'));
        return w.find_first_not_of("0.") != std::string_view::npos;
    }
    return false;
}

StaticFiles::StaticFiles(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(dir_ / kIndex, ec))
        spdlog::info("web interface: serving {}", dir_.string());
    else
        spdlog::info("web interface: no {} in {} (run 'make web'); only the API is served", kIndex,
                     dir_.string());
}

std::optional<Response> StaticFiles::serve(Verb method, std::string_view path,
                                           std::string_view accept_encoding) const {
    if (method != Verb::get && method != Verb::head) return std::nullopt;
    if (is_api_path(path)) return std::nullopt;
    auto dir = open_dir(dir_);
    if (!dir) return std::nullopt;  // no built interface: 404 as before

    auto rel = relative_path(path);
    if (!rel) return error_response(not_found("File not found"));
    auto file = open_file(*dir, *rel);
    if (!file) {
        // A missing hashed asset is a 404 (never HTML in place of a script);
        // any other path is one of the interface's routes.
        if (rel->starts_with(kAssetsPrefix)) return error_response(not_found("File not found"));
        rel = std::string(kIndex);
        file = open_file(*dir, *rel);
        if (!file) return std::nullopt;
    }

    Response r;
    r.content_type = std::string(content_type_for(*rel));
    const bool immutable = rel->starts_with(kAssetsPrefix);
    r.headers.emplace_back("Cache-Control",
                           immutable ? "public, max-age=31536000, immutable" : "no-cache");
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    if (r.content_type.starts_with("text/html")) {
        r.headers.emplace_back("Content-Security-Policy",
                               "default-src 'self'; img-src 'self' data:; frame-src blob:; "
                               "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; "
                               "base-uri 'none'; "
                               "form-action 'self'");
        r.headers.emplace_back("X-Frame-Options", "DENY");
        r.headers.emplace_back("Referrer-Policy", "no-referrer");
    }
    const Opened* body = &*file;
    std::optional<Opened> gz;
    if (compressible(r.content_type)) {
        r.headers.emplace_back("Vary", "Accept-Encoding");
        if (accepts_gzip(accept_encoding)) gz = open_file(*dir, *rel + ".gz");
        if (gz) {
            body = &*gz;
            r.headers.emplace_back("Content-Encoding", "gzip");
        }
    }
    auto bytes = read_all(*body);
    if (!bytes) {
        spdlog::warn("static: cannot read {} (or larger than {} bytes)", *rel, kMaxFileBytes);
        return error_response(not_found("File not found"));
    }
    // HEAD gets the same answer; the server sends its header only (with the
    // body's Content-Length).
    r.body = std::move(*bytes);
    return r;
}

}  // namespace wsp
