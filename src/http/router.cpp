#include "http/router.h"

#include <algorithm>
#include <optional>

#include <boost/container/small_vector.hpp>

namespace wsp {
namespace {

// A request path has a few segments: kept on the stack.
using Segments = boost::container::small_vector<std::string_view, 12>;

std::string_view without_trailing_slash(std::string_view path) {
    if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    return path;
}

Segments split_path(std::string_view path) {
    Segments out;
    path = without_trailing_slash(path);
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
        Compiled c{&r, {}, {}};
        for (auto seg : split_path(r.pattern)) {
            c.segments.emplace_back(seg);
            c.parameter.push_back(is_parameter(c.segments.back()));
        }
        compiled_.push_back(std::move(c));
    }
    for (const Compiled& c : compiled_) {
        if (std::find(c.parameter.begin(), c.parameter.end(), true) != c.parameter.end()) continue;
        auto& rows = exact_[std::string(without_trailing_slash(c.route->pattern))];
        if (std::none_of(rows.begin(), rows.end(),
                         [&](const auto& row) { return row.first == c.route->method; }))
            rows.emplace_back(c.route->method, c.route);
    }
    for (uint32_t i = 0; i < compiled_.size(); ++i) {
        const Compiled& c = compiled_[i];
        const size_t n = c.segments.size();
        if (by_size_.size() <= n) by_size_.resize(n + 1);
        Bucket& b = by_size_[n];
        if (n > kKeyed && !c.parameter[kKeyed])
            b.by_key[c.segments[kKeyed]].push_back(i);
        else
            b.any.push_back(i);
    }
}

RouteMatch Router::match(Verb method, std::string_view path) const {
    RouteMatch result;
    if (path.empty() || path.front() != '/') return result;
    if (auto it = exact_.find(without_trailing_slash(path)); it != exact_.end())
        for (const auto& [verb, route] : it->second)
            if (verb == method) {
                result.route = route;
                return result;
            }
    const Segments segments = split_path(path);
    if (segments.size() >= by_size_.size()) return result;
    // Only the routes that can match: same segment count, and the keyed
    // segment equal (or a parameter there). Both lists are in table order;
    // merged, the walk below sees the candidates as a scan of the whole
    // table would.
    const Bucket& bucket = by_size_[segments.size()];
    static const std::vector<uint32_t> kNone;
    const std::vector<uint32_t>* keyed = &kNone;
    if (segments.size() > kKeyed)
        if (auto it = bucket.by_key.find(segments[kKeyed]); it != bucket.by_key.end())
            keyed = &it->second;
    const std::vector<uint32_t>& any = bucket.any;
    // Matching compares segments in place; parameters are decoded only for
    // the route that wins (this runs on every request: no allocation per
    // candidate route).
    int best_literals = -1;
    // HEAD falls back to the GET route of the same path.
    int best_get = -1;
    const Compiled* best = nullptr;
    const Compiled* get_route = nullptr;
    bool any_match = false;
    auto matches = [&](const Compiled& c, int& literals) {
        literals = 0;
        for (size_t i = 0; i < segments.size(); ++i) {
            if (c.parameter[i]) {
                if (segments[i].empty() || !valid_escapes(segments[i])) return false;
            } else {
                if (c.segments[i] != segments[i]) return false;
                ++literals;
            }
        }
        return true;
    };
    auto walk = [&](auto&& visit) {
        size_t a = 0, k = 0;
        while (a < any.size() || k < keyed->size()) {
            uint32_t i;
            if (k == keyed->size() || (a < any.size() && any[a] < (*keyed)[k]))
                i = any[a++];
            else
                i = (*keyed)[k++];
            visit(compiled_[i]);
        }
    };
    walk([&](const Compiled& c) {
        int literals = 0;
        if (!matches(c, literals)) return;
        any_match = true;
        // "/ftp/status" beats "/ftp/{id}": the most literal match wins.
        if (c.route->method == method && literals > best_literals) {
            best_literals = literals;
            best = &c;
        } else if (method == Verb::head && c.route->method == Verb::get && literals > best_get) {
            // (A HEAD request with no HEAD row: the path's GET route.)
            best_get = literals;
            get_route = &c;
        }
    });
    if (!best) best = get_route;
    if (!best) {
        // Only a 405 needs the methods the path does have.
        if (any_match)
            walk([&](const Compiled& c) {
                int literals = 0;
                if (matches(c, literals)) result.allowed.push_back(c.route->method);
            });
        return result;
    }
    result.route = best->route;
    for (size_t i = 0; i < segments.size(); ++i) {
        if (!best->parameter[i]) continue;
        const std::string& want = best->segments[i];
        result.params[want.substr(1, want.size() - 2)] = *percent_decode(segments[i]);
    }
    return result;
}

}  // namespace wsp
