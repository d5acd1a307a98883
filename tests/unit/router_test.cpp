// The route table matcher: parameters, optional trailing slash, 404 versus
// 405 (with the methods the path does have), literal segments beating
// parameters, and percent-decoding of parameters.
#include "http/router.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace wsp {
namespace {

Response dummy(Services&, const Request&) {
    return {};
}
Response other(Services&, const Request&) {
    return {};
}

// The parameter route comes first on purpose: order must not matter.
const Route kTable[] = {
    {Verb::get, "/api/v1/users", &dummy, "users"},
    {Verb::post, "/api/v1/users", &dummy, "users"},
    {Verb::get, "/api/v1/users/{username}", &dummy, "users"},
    {Verb::delete_, "/api/v1/users/{username}", &dummy, "users"},
    {Verb::put, "/api/v1/users/{username}/api-keys/{id}", &dummy, "users"},
    {Verb::get, "/api/v1/ftp/{id}", &dummy, "ftp"},
    {Verb::put, "/api/v1/ftp/{id}", &dummy, "ftp"},
    {Verb::get, "/api/v1/ftp/status", &other, "ftp"},
    {Verb::get, "/api/v1/health", &other, "", Access::open},
};

class RouterTest : public ::testing::Test {
  protected:
    Router router{kTable};
};

bool allows(const RouteMatch& m, Verb v) {
    return std::find(m.allowed.begin(), m.allowed.end(), v) != m.allowed.end();
}

TEST_F(RouterTest, MatchesLiteralRoute) {
    auto m = router.match(Verb::get, "/api/v1/users");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->pattern, "/api/v1/users");
    EXPECT_EQ(m.route->method, Verb::get);
    EXPECT_TRUE(m.params.empty());
    EXPECT_EQ(router.match(Verb::post, "/api/v1/users").route->method, Verb::post);
}

TEST_F(RouterTest, ExtractsParameters) {
    auto m = router.match(Verb::put, "/api/v1/users/bob/api-keys/e24ff6f1754c2d9a");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.route->pattern, "/api/v1/users/{username}/api-keys/{id}");
    EXPECT_EQ(m.params.at("username"), "bob");
    EXPECT_EQ(m.params.at("id"), "e24ff6f1754c2d9a");
}

TEST_F(RouterTest, TrailingSlashIsOptional) {
    for (const char* path : {"/api/v1/users/", "/api/v1/users"}) {
        auto m = router.match(Verb::get, path);
        ASSERT_NE(m.route, nullptr) << path;
        EXPECT_EQ(m.route->pattern, "/api/v1/users");
    }
    auto p = router.match(Verb::get, "/api/v1/users/bob/");
    ASSERT_NE(p.route, nullptr);
    EXPECT_EQ(p.params.at("username"), "bob");
}

TEST_F(RouterTest, OnlyOneTrailingSlash) {
    auto m = router.match(Verb::get, "/api/v1/users//");
    EXPECT_EQ(m.route, nullptr);
}

TEST_F(RouterTest, UnknownPathIsNotFound) {
    for (const char* path : {"/api/v1/nosuch", "/api/v1", "/", "/api/v1/users/bob/extra",
                             "/api/v2/users", "api/v1/users", ""}) {
        auto m = router.match(Verb::get, path);
        EXPECT_EQ(m.route, nullptr) << path;
        EXPECT_TRUE(m.allowed.empty()) << path;
    }
}

TEST_F(RouterTest, KnownPathWithOtherMethodListsAllowed) {
    auto m = router.match(Verb::patch, "/api/v1/users");
    EXPECT_EQ(m.route, nullptr);
    ASSERT_EQ(m.allowed.size(), 2u);
    EXPECT_TRUE(allows(m, Verb::get));
    EXPECT_TRUE(allows(m, Verb::post));

    auto u = router.match(Verb::post, "/api/v1/users/bob/");
    EXPECT_EQ(u.route, nullptr);
    EXPECT_TRUE(allows(u, Verb::get));
    EXPECT_TRUE(allows(u, Verb::delete_));
    EXPECT_FALSE(allows(u, Verb::post));

    auto h = router.match(Verb::delete_, "/api/v1/health");
    EXPECT_EQ(h.route, nullptr);
    EXPECT_EQ(h.allowed, std::vector<Verb>{Verb::get});
}

TEST_F(RouterTest, LiteralBeatsParameterWhateverTheOrder) {
    auto status = router.match(Verb::get, "/api/v1/ftp/status");
    ASSERT_NE(status.route, nullptr);
    EXPECT_EQ(status.route->pattern, "/api/v1/ftp/status");
    EXPECT_EQ(status.route->handler, &other);
    EXPECT_TRUE(status.params.empty());

    auto account = router.match(Verb::get, "/api/v1/ftp/john_web");
    ASSERT_NE(account.route, nullptr);
    EXPECT_EQ(account.route->pattern, "/api/v1/ftp/{id}");
    EXPECT_EQ(account.params.at("id"), "john_web");

    // The literal route reversed in the table gives the same answer.
    const Route reversed[] = {kTable[7], kTable[5]};
    Router r2(reversed);
    auto again = r2.match(Verb::get, "/api/v1/ftp/status");
    ASSERT_NE(again.route, nullptr);
    EXPECT_EQ(again.route->pattern, "/api/v1/ftp/status");
}

TEST_F(RouterTest, ParametersArePercentDecoded) {
    auto m = router.match(Verb::get, "/api/v1/users/b%6Fb");
    ASSERT_NE(m.route, nullptr);
    EXPECT_EQ(m.params.at("username"), "bob");

    // An encoded slash stays inside its segment.
    auto slash = router.match(Verb::get, "/api/v1/users/a%2Fb");
    ASSERT_NE(slash.route, nullptr);
    EXPECT_EQ(slash.params.at("username"), "a/b");

    auto unicode = router.match(Verb::get, "/api/v1/users/b%C3%BCcher");
    ASSERT_NE(unicode.route, nullptr);
    EXPECT_EQ(unicode.params.at("username"),
              "b\xC3\xBC"
              "cher");

    // A NUL stays a byte of the value: handlers' validation rejects it.
    auto nul = router.match(Verb::get, "/api/v1/users/a%00b");
    ASSERT_NE(nul.route, nullptr);
    EXPECT_EQ(nul.params.at("username"), std::string("a\0b", 3));
}

TEST_F(RouterTest, MalformedEscapesDoNotMatch) {
    for (const char* path : {"/api/v1/users/%", "/api/v1/users/%4", "/api/v1/users/%zz",
                             "/api/v1/users/ab%g1", "/api/v1/users/ab%"}) {
        auto m = router.match(Verb::get, path);
        EXPECT_EQ(m.route, nullptr) << path;
    }
}

TEST_F(RouterTest, EmptyParameterDoesNotMatch) {
    auto m = router.match(Verb::put, "/api/v1/users//api-keys/x");
    EXPECT_EQ(m.route, nullptr);
}

TEST_F(RouterTest, RoutesAreExposed) {
    EXPECT_EQ(router.routes().size(), std::size(kTable));
}

TEST(PercentDecode, DecodesAndRejects) {
    EXPECT_EQ(percent_decode("%41b"), "Ab");
    EXPECT_EQ(percent_decode("a%2fb%2F"), "a/b/");
    EXPECT_EQ(percent_decode("plain"), "plain");
    EXPECT_EQ(percent_decode(""), "");
    EXPECT_EQ(percent_decode("%"), std::nullopt);
    EXPECT_EQ(percent_decode("%4"), std::nullopt);
    EXPECT_EQ(percent_decode("x%4"), std::nullopt);
    EXPECT_EQ(percent_decode("%G1"), std::nullopt);
    EXPECT_EQ(percent_decode("%1G"), std::nullopt);
}

}  // namespace
}  // namespace wsp

namespace wsp {
namespace {

// Routes without a parameter are found by one lookup of the whole path;
// the answer must be the one the walk gives: the first row of the method
// in table order, with or without a trailing slash on either side, and
// nothing for a method the path does not have.
TEST(RouterExact, LiteralPathsAgreeWithTheWalk) {
    static const Route table[] = {
        {Verb::get, "/api/v1/auth/me", &dummy, ""},
        {Verb::get, "/api/v1/auth/me", &other, ""},  // a duplicate: never chosen
        {Verb::post, "/api/v1/auth/{what}", &other, ""},
        {Verb::get, "/api/v1/list/", &dummy, ""},
    };
    Router router{table};
    for (const char* path : {"/api/v1/auth/me", "/api/v1/auth/me/"}) {
        auto m = router.match(Verb::get, path);
        ASSERT_NE(m.route, nullptr) << path;
        EXPECT_EQ(m.route, &table[0]) << path;
        EXPECT_TRUE(m.params.empty());
    }
    for (const char* path : {"/api/v1/list", "/api/v1/list/"})
        EXPECT_EQ(router.match(Verb::get, path).route, &table[3]) << path;
    auto post = router.match(Verb::post, "/api/v1/auth/me");
    ASSERT_NE(post.route, nullptr);
    EXPECT_EQ(post.route, &table[2]);
    EXPECT_EQ(post.params.at("what"), "me");
    auto put = router.match(Verb::put, "/api/v1/auth/me");
    EXPECT_EQ(put.route, nullptr);
    EXPECT_TRUE(allows(put, Verb::get));
    EXPECT_TRUE(allows(put, Verb::post));
    EXPECT_EQ(router.match(Verb::get, "/api/v1/auth/me//").route, nullptr);
}

}  // namespace
}  // namespace wsp
