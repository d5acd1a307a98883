#include "http/message.h"

#include <stdexcept>

namespace wsp {

std::vector<std::pair<std::string, std::string>> RateLimitHeaders::pairs() const {
    if (!present) return {};
    if (unlimited)
        return {{"X-RateLimit-Limit", "unlimited"},
                {"X-RateLimit-Remaining", "unlimited"},
                {"X-RateLimit-Reset", "0"}};
    return {{"X-RateLimit-Limit", std::to_string(limit)},
            {"X-RateLimit-Remaining", std::to_string(remaining)},
            {"X-RateLimit-Reset", std::to_string(reset_at)}};
}

std::optional<std::string> Request::query(const std::string& name) const {
    auto it = query_params.find(name);
    if (it == query_params.end()) return std::nullopt;
    return it->second;
}

Result<std::string> Request::required_query(const std::string& name,
                                            const std::string& label) const {
    auto v = query(name);
    if (!v || v->empty()) return validation(label + " is required");
    return *v;
}

Result<std::optional<int64_t>> Request::query_int(const std::string& name) const {
    auto v = query(name);
    if (!v) return std::optional<int64_t>();
    try {
        size_t used = 0;
        int64_t n = std::stoll(*v, &used);
        if (used == v->size()) return std::optional<int64_t>(n);
    } catch (const std::exception&) {
        // not a number, or out of range: the same answer
    }
    return validation(name + " must be an integer");
}

Result<int64_t> Request::query_int(const std::string& name, int64_t fallback) const {
    auto v = query(name);
    if (!v || v->empty()) return fallback;
    if (v->size() > 9 || v->find_first_not_of("0123456789") != std::string::npos)
        return validation(name + " must be a positive integer");
    return std::stoll(*v);
}

}  // namespace wsp
