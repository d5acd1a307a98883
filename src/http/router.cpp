#include "http/router.h"

#include <optional>

namespace wsp {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    size_t start = 1;
    while (start <= path.size()) {
        size_t slash = path.find('/', start);
        if (slash == std::string_view::npos) slash = path.size();
        out.push_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool is_parameter(const std::string& segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Whether percent_decode would succeed, without building the string.
bool valid_escapes(std::string_view s) {
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') continue;
        if (i + 2 >= s.size() || hex_value(s[i + 1]) < 0 || hex_value(s[i + 2]) < 0) return false;
        i += 2;
    }
    return true;
}

}  // namespace

std::optional<std::string> percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out.push_back(s[i]);
            continue;
        }
        if (i + 2 >= s.size()) return std::nullopt;
        int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

Router::Router(std::span<const Route> routes) : routes_(routes) {
    for (const Route& r : routes) {
        Compiled c{&r, {}};
        for (auto seg : split_path(r.pattern)) c.segments.emplace_back(seg);
        compiled_.push_back(std::move(c));
    }
}

RouteMatch Router::match(Verb method, std::string_view path) const {
    RouteMatch result;
    if (path.empty() || path.front() != '/') return result;
    auto segments = split_path(path);
    // Matching compares segments in place; parameters are decoded only for
    // the route that wins (this runs on every request: no allocation per
    // candidate route).
    int best_literals = -1;
    // HEAD falls back to the GET route of the same path.
    int best_get = -1;
    const Compiled* best = nullptr;
    const Compiled* get_route = nullptr;
    for (const Compiled& c : compiled_) {
        if (c.segments.size() != segments.size()) continue;
        bool ok = true;
        int literals = 0;
        for (size_t i = 0; i < segments.size() && ok; ++i) {
            const std::string& want = c.segments[i];
            if (is_parameter(want)) {
                ok = !segments[i].empty() && valid_escapes(segments[i]);
            } else {
                ok = want == segments[i];
                ++literals;
            }
        }
        if (!ok) continue;
        result.allowed.push_back(c.route->method);
        // "/ftp/status" beats "/ftp/{id}": the most literal match wins.
        if (c.route->method == method && literals > best_literals) {
            best_literals = literals;
            best = &c;
        } else if (method == Verb::head && c.route->method == Verb::get && literals > best_get) {
            // (A HEAD request with no HEAD row: the path's GET route.)
            best_get = literals;
            get_route = &c;
        }
    }
    if (!best) best = get_route;
    if (!best) return result;
    result.route = best->route;
    for (size_t i = 0; i < segments.size(); ++i) {
        const std::string& want = best->segments[i];
        if (is_parameter(want))
            result.params[want.substr(1, want.size() - 2)] = *percent_decode(segments[i]);
    }
    return result;
}

}  // namespace wsp
