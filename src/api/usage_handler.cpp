#include "api/respond.h"
#include "api/usage_handlers.h"
#include "services/usage.h"

namespace wsp::api {
namespace {

namespace json = boost::json;

json::object usage_json(const AccountUsage& u) {
    json::object items;
    for (const auto& item : u.items)
        items[item.name] = json::object{{"used", item.used}, {"limit", item.limit}};
    json::array near(u.near_limit.begin(), u.near_limit.end());
    json::array over(u.over_limit.begin(), u.over_limit.end());
    return json::object{{"username", u.username},
                        {"package", u.package},
                        {"usage", std::move(items)},
                        {"near_limit", std::move(near)},
                        {"over_limit", std::move(over)}};
}

}  // namespace

Response user_usage(Services& s, const Request& r) {
    return respond(account_usage(s.ctx, *r.caller, r.param("username")), usage_json);
}

Response all_usage(Services& s, const Request& r) {
    return respond_list(wsp::all_usage(s.ctx, *r.caller), usage_json);
}

}  // namespace wsp::api
