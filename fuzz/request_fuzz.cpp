// libFuzzer target for what every request goes through before a handler:
// route matching with percent-decoding, JSON body parsing and typed field
// reads, IP rules and domain names. Nothing here may crash, hang or leak,
// whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/routes.h"
#include "base/ip_rules.h"
#include "base/names.h"
#include "http/json_io.h"
#include "http/router.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const wsp::Router router(wsp::api_routes());
    std::string input(reinterpret_cast<const char*>(data), size);

    for (auto verb : {wsp::Verb::get, wsp::Verb::post, wsp::Verb::delete_})
        (void)router.match(verb, "/api/v1/" + input);
    (void)wsp::percent_decode(input);

    wsp::Request req;
    req.body = input;
    if (auto obj = wsp::parse_object(req); obj.ok()) {
        wsp::Fields f(*obj);
        (void)f.string("name");
        (void)f.integer("expires_in");
        (void)f.boolean("enabled");
        (void)f.strings("permissions");
    }
    (void)wsp::parse_ip_rule(input);
    (void)wsp::validate_domain(input);
    (void)wsp::validate_username(input);
    (void)wsp::validate_email(input);
    return 0;
}
