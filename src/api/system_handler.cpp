#include "api/handlers.h"
#include "api/respond.h"
#include "store/embedded.h"

namespace wsp::api {

Response health(Services& s, const Request&) {
    boost::json::object components{{"store", "up"}};
    bool all_up = true;
    for (const auto& [name, probe] : s.health) {
        bool up = probe();
        all_up = all_up && up;
        components[name] = up ? "up" : "down";
    }
    return json_response({{"status", all_up ? "ok" : "degraded"},
                          {"version", WSP_VERSION},
                          {"components", std::move(components)},
                          {"disk_quota", s.ctx.identity.quota_state()},
                          {"isolation", s.ctx.identity.isolation()}});
}

Response openapi(Services&, const Request&) {
    Response r;
    r.body = std::string(embedded_openapi_json());
    return r;
}

}  // namespace wsp::api
