// The served OpenAPI document (compiled into the binary from
// docs/openapi.yaml and docs/openapi/*.yaml) names exactly the router's
// routes: every (method, path) in one is in the other.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cctype>
#include <set>
#include <string>
#include <utility>

#include "api/routes.h"
#include "store/embedded.h"

namespace wsp {
namespace {

namespace json = boost::json;
using Endpoint = std::pair<std::string, std::string>;  // METHOD, path under /api/v1

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

json::object document() {
    boost::system::error_code ec;
    json::value v = json::parse(embedded_openapi_json(), ec);
    EXPECT_FALSE(ec) << ec.message();
    return v.is_object() ? v.as_object() : json::object{};
}

std::set<Endpoint> document_endpoints() {
    static const std::set<std::string> kMethods = {"get",   "put",  "post",    "delete",
                                                   "patch", "head", "options", "trace"};
    std::set<Endpoint> out;
    json::object doc = document();
    for (const auto& [path, item] : doc.at("paths").as_object())
        for (const auto& [key, op] : item.as_object())
            if (kMethods.count(std::string(key)))
                out.emplace(upper(std::string(key)), std::string(path));
    return out;
}

// Routes that are not part of the API: public pages handed to people
// (share links, single sign-on links) and Prometheus' /metrics, documented
// in docs/files.md and docs/integrations.md instead.
bool is_public_page(const std::string& pattern) {
    return pattern == "/s/{token}" || pattern == "/sso/consume/{nonce}" || pattern == "/metrics";
}

std::set<Endpoint> router_endpoints() {
    std::set<Endpoint> out;
    for (const Route& r : api_routes()) {
        std::string pattern(r.pattern);
        if (is_public_page(pattern)) continue;
        EXPECT_TRUE(pattern.starts_with("/api/v1/")) << pattern;
        out.emplace(std::string(boost::beast::http::to_string(r.method)), pattern.substr(7));
    }
    return out;
}

TEST(OpenApi, DocumentIsOpenApi31) {
    json::object doc = document();
    EXPECT_EQ(doc.at("openapi").as_string(), "3.1.0");
    EXPECT_TRUE(doc.at("info").as_object().contains("version"));
    EXPECT_FALSE(doc.at("paths").as_object().empty());
}

TEST(OpenApi, NamesTheSameRoutesAsTheRouter) {
    const auto documented = document_endpoints();
    const auto routed = router_endpoints();
    for (const auto& [method, path] : routed)
        EXPECT_TRUE(documented.count({method, path}))
            << method << " " << path << " is routed but not in the OpenAPI document";
    for (const auto& [method, path] : documented)
        EXPECT_TRUE(routed.count({method, path}))
            << method << " " << path << " is documented but has no route";
}

TEST(OpenApi, NoRouteIsListedTwice) {
    std::set<Endpoint> seen;
    for (const Route& r : api_routes()) {
        Endpoint e{std::string(boost::beast::http::to_string(r.method)), std::string(r.pattern)};
        EXPECT_TRUE(seen.insert(e).second) << e.first << " " << e.second;
    }
}

TEST(OpenApi, PathsHaveNoTrailingSlash) {
    for (const auto& [method, path] : document_endpoints()) {
        EXPECT_TRUE(path.starts_with("/")) << path;
        EXPECT_FALSE(path.size() > 1 && path.ends_with("/")) << path;
    }
}

TEST(OpenApi, EveryOperationHasResponsesAndProtectedOnesDocument401) {
    json::object doc = document();
    std::set<std::string> open_paths;
    for (const Route& r : api_routes())
        if (r.access == Access::open) open_paths.insert(std::string(r.pattern.substr(7)));
    for (const auto& [path, item] : doc.at("paths").as_object()) {
        for (const auto& [method, op] : item.as_object()) {
            if (!op.is_object() || !op.as_object().contains("responses")) {
                if (method == "parameters" || method == "summary" || method == "description")
                    continue;
                ADD_FAILURE() << method << " " << path << " has no responses";
                continue;
            }
            const auto& responses = op.as_object().at("responses").as_object();
            if (!open_paths.count(std::string(path))) {
                EXPECT_TRUE(responses.contains("401"))
                    << method << " " << path << " does not document 401";
            }
        }
    }
}

}  // namespace
}  // namespace wsp
