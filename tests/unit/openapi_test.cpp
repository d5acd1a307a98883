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

// Issue 24: the paged lists take page and per_page, and say the total (a
// bare array in X-Total-Count and Link; the FTP list also in its body).
TEST(OpenApi, PagedListsDocumentPageAndPerPage) {
    json::object doc = document();
    const auto& params = doc.at("components").as_object().at("parameters").as_object();
    auto param_name = [&](const json::value& p) -> std::string {
        const auto& o = p.as_object();
        if (const auto* ref = o.if_contains("$ref")) {
            std::string r(ref->as_string());
            const std::string prefix = "#/components/parameters/";
            if (!r.starts_with(prefix)) return "";
            const auto* target = params.if_contains(r.substr(prefix.size()));
            return target ? std::string(target->as_object().at("name").as_string()) : "";
        }
        return std::string(o.at("name").as_string());
    };
    for (const char* path : {"/users", "/domains", "/databases", "/ftp", "/cronjobs"}) {
        const auto& op = doc.at("paths").as_object().at(path).as_object().at("get").as_object();
        std::set<std::string> names;
        if (const auto* list = op.if_contains("parameters"))
            for (const auto& p : list->as_array()) names.insert(param_name(p));
        EXPECT_TRUE(names.count("page")) << path << " does not document page";
        EXPECT_TRUE(names.count("per_page")) << path << " does not document per_page";
        const auto& ok = op.at("responses").as_object().at("200").as_object();
        const auto* headers = ok.if_contains("headers");
        ASSERT_TRUE(headers && headers->is_object()) << path << " documents no headers";
        EXPECT_TRUE(headers->as_object().contains("X-Total-Count")) << path;
        EXPECT_TRUE(headers->as_object().contains("Link")) << path;
        EXPECT_TRUE(op.at("responses").as_object().contains("400")) << path << " has no 400";
    }
}

}  // namespace
}  // namespace wsp
