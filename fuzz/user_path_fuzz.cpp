// libFuzzer target for the paths of the file API: whatever a request says,
// an accepted path is plain names only (no "..", ".", empty segment, NUL,
// leading "/"), within the length limits and not in a reserved directory,
// and it survives the round trip through to_user_path.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/fs/user_path.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::vector<std::string> reserved{".wispanel-trash", ".wispanel-history"};
    std::string_view raw(reinterpret_cast<const char*>(data), size);
    (void)wsp::fs::check_name(raw, "Name");
    auto rel = wsp::fs::parse_user_path(raw, "Path", reserved);
    if (!rel) {
        if (rel.error().message.empty()) __builtin_trap();
        return 0;
    }
    const std::string& p = *rel;
    if (p.size() > wsp::fs::kMaxPathBytes) __builtin_trap();
    if (!p.empty() && (p.front() == '/' || p.back() == '/')) __builtin_trap();
    if (p.find('\0') != std::string::npos) __builtin_trap();
    size_t start = 0;
    while (!p.empty() && start <= p.size()) {
        size_t end = p.find('/', start);
        if (end == std::string::npos) end = p.size();
        std::string_view seg(p.data() + start, end - start);
        if (seg.empty() || seg == "." || seg == ".." || seg.size() > wsp::fs::kMaxNameBytes)
            __builtin_trap();
        if (start == 0)
            for (const auto& r : reserved)
                if (seg == r) __builtin_trap();
        start = end + 1;
    }
    auto again = wsp::fs::parse_user_path(wsp::fs::to_user_path(p), "Path", reserved);
    if (!again || *again != p) __builtin_trap();
    auto [parent, name] = wsp::fs::split_parent(p);
    if (!p.empty() && (parent.empty() ? name : parent + "/" + name) != p) __builtin_trap();
    return 0;
}
