// HEAD falls back to the path's GET route; a route of its own wins; the
// fallback keeps the parameters and the most literal match (issue 8).
#include <gtest/gtest.h>

#include "http/router.h"

namespace wsp {
namespace {

Response get_handler(Services&, const Request&) {
    return {};
}
Response head_handler(Services&, const Request&) {
    return {};
}
Response status_handler(Services&, const Request&) {
    return {};
}

const Route kTable[] = {
    {Verb::get, "/api/v1/files/download", &get_handler, "files"},
    {Verb::get, "/api/v1/items/{id}", &get_handler, "files"},
    {Verb::get, "/api/v1/items/status", &status_handler, "files"},
    {Verb::head, "/api/v1/uploads/{id}", &head_handler, "files"},
    {Verb::patch, "/api/v1/uploads/{id}", &head_handler, "files"},
    {Verb::options, "/api/v1/uploads", &head_handler, "files", Access::open},
    {Verb::post, "/api/v1/uploads", &head_handler, "files"},
};

TEST(RouterHead, HeadUsesTheGetRoute) {
    Router router{kTable};
    auto m = router.match(Verb::head, "/api/v1/files/download");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->handler, &get_handler);
    auto p = router.match(Verb::head, "/api/v1/items/42");
    ASSERT_NE(p.route, nullptr);
    EXPECT_EQ(p.params.at("id"), "42");
    auto s = router.match(Verb::head, "/api/v1/items/status");
    ASSERT_NE(s.route, nullptr);
    EXPECT_EQ(s.route->handler, &status_handler);
}

TEST(RouterHead, OwnHeadRouteAndOtherMethods) {
    Router router{kTable};
    auto h = router.match(Verb::head, "/api/v1/uploads/abc");
    ASSERT_NE(h.route, nullptr);
    EXPECT_EQ(h.route->method, Verb::head);
    EXPECT_EQ(router.match(Verb::patch, "/api/v1/uploads/abc").route->method, Verb::patch);
    EXPECT_EQ(router.match(Verb::options, "/api/v1/uploads").route->method, Verb::options);
    // No GET on the path: HEAD is 405 like any other missing method.
    auto none = router.match(Verb::head, "/api/v1/uploads");
    EXPECT_EQ(none.route, nullptr);
    EXPECT_FALSE(none.allowed.empty());
}

}  // namespace
}  // namespace wsp
