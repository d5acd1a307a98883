// libFuzzer target for the streaming multipart parser: the input's first
// line is the Content-Type, its first byte the chunk size the body is fed
// in. Whatever the bytes: no crash, parts begin and end in pairs, and no
// more part data comes out than went in.
#include <cstdint>
#include <string>
#include <string_view>

#include "http/multipart.h"

namespace {

struct Counter : wsp::MultipartEvents {
    int open = 0;
    size_t data = 0;
    wsp::Result<void> on_part_begin(const wsp::PartHeaders&) override {
        if (open != 0) __builtin_trap();
        ++open;
        return wsp::Ok{};
    }
    wsp::Result<void> on_part_data(std::string_view d) override {
        if (open != 1) __builtin_trap();
        data += d.size();
        return wsp::Ok{};
    }
    wsp::Result<void> on_part_end() override {
        if (open != 1) __builtin_trap();
        --open;
        return wsp::Ok{};
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    if (in.empty()) return 0;
    const size_t chunk = 1 + static_cast<unsigned char>(in[0]) % 64;
    in.remove_prefix(1);
    const size_t eol = in.find('\n');
    const std::string_view type = in.substr(0, eol);
    const std::string_view body = eol == std::string_view::npos ? "" : in.substr(eol + 1);
    (void)wsp::parse_disposition(type);
    auto boundary = wsp::multipart_boundary(type);
    if (!boundary) return 0;
    wsp::MultipartParser parser(*boundary);
    Counter events;
    for (size_t at = 0; at < body.size(); at += chunk)
        if (!parser.feed(body.substr(at, chunk), events)) return 0;
    if (events.data > body.size()) __builtin_trap();
    if (parser.done() && events.open != 0) __builtin_trap();
    return 0;
}
