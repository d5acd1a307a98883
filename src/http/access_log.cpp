#include "http/access_log.h"

namespace wsp {

std::string loggable_target(std::string_view target) {
    std::string_view path = target.substr(0, target.find('?'));
    // Empty segments are skipped as the router may skip them ("//s/x"), and
    // the segment is compared decoded enough to catch "%73" and "S".
    size_t i = 0;
    while (i < path.size() && path[i] == '/') ++i;
    size_t seg_end = path.find('/', i);
    if (seg_end == std::string_view::npos) return std::string(path);
    std::string_view first = path.substr(i, seg_end - i);
    if (first != "s" && first != "S" && first != "%73" && first != "%53") return std::string(path);
    size_t tok = seg_end;
    while (tok < path.size() && path[tok] == '/') ++tok;
    if (tok == path.size()) return std::string(path);
    size_t tok_end = path.find('/', tok);
    std::string out(path.substr(0, tok));
    out += "[redacted]";
    if (tok_end != std::string_view::npos) out += path.substr(tok_end);
    return out;
}

}  // namespace wsp
