#include "drivers/fs/user_path.h"

#include <algorithm>

namespace wsp::fs {
namespace {

// "<field><text>"; append() rather than operator+ (GCC 12 warns falsely
// about operator+ on strings here).
Error bad(std::string_view field, std::string_view text) {
    std::string m;
    m.append(field).append(text);
    return validation(std::move(m));
}

}  // namespace

Result<void> check_name(std::string_view name, std::string_view field) {
    if (name.empty()) return bad(field, " must not be empty");
    if (name.find('\0') != std::string_view::npos) return bad(field, " contains a NUL byte");
    if (name.find('/') != std::string_view::npos) return bad(field, " must be a plain name");
    if (name == "." || name == "..") return bad(field, " must not be '.' or '..'");
    if (name.size() > kMaxNameBytes) return bad(field, " has a name longer than 255 bytes");
    return Ok{};
}

Result<std::string> parse_user_path(std::string_view raw, std::string_view field,
                                    const std::vector<std::string>& reserved) {
    if (raw.empty()) return bad(field, " is required");
    if (raw.find('\0') != std::string_view::npos) return bad(field, " contains a NUL byte");
    if (raw.size() > kMaxPathBytes) return bad(field, " is longer than 4096 bytes");
    // Relative paths are taken from the home too, as if they began with "/".
    if (raw.front() == '/') raw.remove_prefix(1);
    if (!raw.empty() && raw.front() == '/') return bad(field, " contains an empty segment ('//')");
    if (!raw.empty() && raw.back() == '/') raw.remove_suffix(1);
    std::string out;
    bool first = true;
    size_t start = 0;
    while (!raw.empty() && start <= raw.size()) {
        size_t end = raw.find('/', start);
        if (end == std::string_view::npos) end = raw.size();
        std::string_view seg = raw.substr(start, end - start);
        start = end + 1;
        if (seg.empty()) return bad(field, " contains an empty segment ('//')");
        if (seg == ".") continue;
        if (seg == "..") return bad(field, " must not contain '..'");
        if (seg.size() > kMaxNameBytes) return bad(field, " has a name longer than 255 bytes");
        if (first && std::find(reserved.begin(), reserved.end(), seg) != reserved.end())
            return bad(field, " is reserved for the panel");
        first = false;
        if (!out.empty()) out += '/';
        out += seg;
        if (end == raw.size()) break;
    }
    // The limit holds for the path as the API gives it back, "/" included
    // (a relative "a/b" given without it was one byte under): else a path
    // accepted here comes back in a listing as one the next request refuses.
    if (out.size() + 1 > kMaxPathBytes) return bad(field, " is longer than 4096 bytes");
    return out;
}

std::string to_user_path(std::string_view relative) {
    std::string out;
    out.reserve(relative.size() + 1);
    out.push_back('/');
    out.append(relative);
    return out;
}

std::pair<std::string, std::string> split_parent(const std::string& relative) {
    size_t slash = relative.rfind('/');
    if (slash == std::string::npos) return {"", relative};
    return {relative.substr(0, slash), relative.substr(slash + 1)};
}

}  // namespace wsp::fs
