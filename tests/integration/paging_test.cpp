// Paged lists (issue 24) against the real binary: `?page=&per_page=` on
// GET /users, /domains, /databases, /ftp and /cronjobs; the bodies keep
// their documented shapes, the total is in X-Total-Count (and the FTP
// list's `total`), the other pages in RFC 8288 Link headers, and bad
// values are 400s naming the field. One panel, one test: it checks many
// things at once so CI starts one process.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <string>
#include <vector>

#include "foundation_helpers.h"
#include "support/panel_process.h"

namespace wsp::test {
namespace {

namespace json = boost::json;

// rel -> target of a Link header (`<url>; rel="next", <url>; rel="last"`).
std::map<std::string, std::string> links_of(const HttpResult& r) {
    std::map<std::string, std::string> out;
    const std::string header = r.header("Link");
    static const std::regex kLink(R"(<([^>]*)>;\s*rel="([a-z]+)\")");
    for (auto it = std::sregex_iterator(header.begin(), header.end(), kLink);
         it != std::sregex_iterator(); ++it)
        out[(*it)[2]] = (*it)[1];
    return out;
}

std::vector<int64_t> ids_of(const json::array& jobs) {
    std::vector<int64_t> out;
    for (const auto& j : jobs) out.push_back(j.at("id").as_int64());
    return out;
}

TEST(Paging, ListsArePagedInTheStoreWithTotalsAndLinks) {
    PanelProcess panel(PanelOptions{.config = {"ftp.mode=off"}});
    const auto& http = panel.http();
    const std::string admin = panel.admin_key();
    const std::string alice = panel.create_user_with_key("alice");
    const std::string bob = panel.create_user_with_key("bob");

    for (int i = 0; i < 5; ++i)
        ASSERT_EQ(http.post("/api/v1/cronjobs",
                            {{"name", std::string("a").append(std::to_string(i))},
                             {"command", "true"},
                             {"cron_expr", "0 3 * * *"}},
                            alice)
                      .status,
                  201);
    for (int i = 0; i < 2; ++i)
        ASSERT_EQ(http.post("/api/v1/cronjobs",
                            {{"name", std::string("b").append(std::to_string(i))},
                             {"command", "true"},
                             {"cron_expr", "0 4 * * *"}},
                            bob)
                      .status,
                  201);

    // No paging asked for: the whole list, as before, with its total.
    auto all = http.get("/api/v1/cronjobs", admin);
    ASSERT_EQ(all.status, 200) << all.body;
    const auto every_id = ids_of(array_of(all));
    ASSERT_EQ(every_id.size(), 7u);
    EXPECT_EQ(all.header("X-Total-Count"), "7");
    EXPECT_EQ(all.header("Link"), "");

    // Walking rel="next" from the first page gives the same ids, in order.
    std::vector<int64_t> walked;
    std::string next = "/api/v1/cronjobs?per_page=3";
    int pages = 0;
    while (!next.empty() && pages < 10) {
        auto r = http.get(next, admin);
        ASSERT_EQ(r.status, 200) << next << ": " << r.body;
        EXPECT_EQ(r.header("X-Total-Count"), "7");
        const auto page = ids_of(array_of(r));
        EXPECT_LE(page.size(), 3u);
        walked.insert(walked.end(), page.begin(), page.end());
        auto links = links_of(r);
        EXPECT_EQ(links["first"], "/api/v1/cronjobs?page=1&per_page=3") << r.header("Link");
        EXPECT_EQ(links["last"], "/api/v1/cronjobs?page=3&per_page=3") << r.header("Link");
        EXPECT_EQ(links.count("prev"), pages > 0 ? 1u : 0u) << r.header("Link");
        next = links.count("next") ? links["next"] : "";
        ++pages;
    }
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(walked, every_id);

    // The middle page names both neighbours.
    auto middle = http.get("/api/v1/cronjobs?page=2&per_page=3", admin);
    ASSERT_EQ(middle.status, 200);
    auto links = links_of(middle);
    EXPECT_EQ(links["prev"], "/api/v1/cronjobs?page=1&per_page=3");
    EXPECT_EQ(links["next"], "/api/v1/cronjobs?page=3&per_page=3");
    // Past the end: an empty page, the total still true.
    auto past = http.get("/api/v1/cronjobs?page=9&per_page=3", admin);
    ASSERT_EQ(past.status, 200);
    EXPECT_TRUE(array_of(past).empty());
    EXPECT_EQ(past.header("X-Total-Count"), "7");
    EXPECT_EQ(links_of(past)["prev"], "/api/v1/cronjobs?page=3&per_page=3");
    // `page` alone: 50 per page.
    auto page_only = http.get("/api/v1/cronjobs?page=1", admin);
    EXPECT_EQ(array_of(page_only).size(), 7u);
    EXPECT_EQ(links_of(page_only)["last"], "/api/v1/cronjobs?page=1&per_page=50");

    // A customer pages its own items only; its total is its own.
    auto own = http.get("/api/v1/cronjobs?per_page=2&page=3", alice);
    ASSERT_EQ(own.status, 200);
    EXPECT_EQ(own.header("X-Total-Count"), "5");
    const auto own_page = array_of(own);
    ASSERT_EQ(own_page.size(), 1u);
    EXPECT_EQ(own_page[0].at("owner").as_string(), "alice");
    EXPECT_EQ(own_page[0].at("id").as_int64(), every_id[4]);
    // An admin's owner filter stays in the links.
    auto bobs = http.get("/api/v1/cronjobs?owner=bob&per_page=1", admin);
    EXPECT_EQ(bobs.header("X-Total-Count"), "2");
    EXPECT_EQ(links_of(bobs)["next"], "/api/v1/cronjobs?owner=bob&page=2&per_page=1");

    // Users (admin, alice, bob by username).
    auto users = http.get("/api/v1/users?page=2&per_page=2", admin);
    ASSERT_EQ(users.status, 200) << users.body;
    EXPECT_EQ(users.header("X-Total-Count"), "3");
    const auto user_page = array_of(users);
    ASSERT_EQ(user_page.size(), 1u);
    EXPECT_EQ(user_page[0].at("username").as_string(), "bob");
    EXPECT_EQ(links_of(users)["prev"], "/api/v1/users?page=1&per_page=2");
    EXPECT_EQ(array_of(http.get("/api/v1/users", admin)).size(), 3u);

    // Domains.
    for (const char* d : {"c.example.com", "a.example.com", "b.example.com"})
        ASSERT_EQ(http.post("/api/v1/domains", {{"domain", d}}, alice).status, 201);
    auto domains = http.get("/api/v1/domains?per_page=2&page=1", alice);
    ASSERT_EQ(domains.status, 200) << domains.body;
    EXPECT_EQ(domains.header("X-Total-Count"), "3");
    const auto domain_page = array_of(domains);
    ASSERT_EQ(domain_page.size(), 2u);
    EXPECT_EQ(domain_page[0].at("domain").as_string(), "a.example.com");
    EXPECT_EQ(domain_page[1].at("domain").as_string(), "b.example.com");

    // FTP keeps its {accounts,total} body; total is the whole list's.
    for (const char* name : {"web", "deploy", "logs"})
        ASSERT_EQ(
            http.post("/api/v1/ftp", {{"username", name}, {"password", "Ftp-pass-123"}}, alice)
                .status,
            201);
    auto ftp = http.get("/api/v1/ftp?page=2&per_page=2", alice);
    ASSERT_EQ(ftp.status, 200) << ftp.body;
    auto ftp_body = object_of(ftp);
    EXPECT_EQ(ftp_body.size(), 2u);
    EXPECT_EQ(ftp_body.at("total").as_int64(), 3);
    ASSERT_EQ(ftp_body.at("accounts").as_array().size(), 1u);
    EXPECT_EQ(ftp_body.at("accounts").as_array()[0].at("username").as_string(), "alice_web");
    EXPECT_EQ(ftp.header("X-Total-Count"), "3");
    EXPECT_EQ(links_of(ftp)["first"], "/api/v1/ftp?page=1&per_page=2");
    EXPECT_EQ(object_of(http.get("/api/v1/ftp", bob)).at("total").as_int64(), 0);

    // Bad values: 400 naming the field, on every paged list (databases
    // included: the parameters are read before MariaDB is asked anything).
    for (const char* path : {"/api/v1/users", "/api/v1/domains", "/api/v1/databases", "/api/v1/ftp",
                             "/api/v1/cronjobs"}) {
        const std::string p(path);
        for (const char* q : {"?page=0", "?page=-1", "?page=abc", "?page=1.5&per_page=5"}) {
            auto r = http.get(p + q, admin);
            expect_validation(r, "page");
            EXPECT_TRUE(r.error().starts_with("page ")) << p << q << ": " << r.body;
        }
        for (const char* q :
             {"?per_page=0", "?per_page=1001", "?per_page=x", "?page=2&per_page=-5"}) {
            auto r = http.get(p + q, admin);
            expect_validation(r, "per_page");
            EXPECT_TRUE(r.error().starts_with("per_page ")) << p << q << ": " << r.body;
        }
    }
    // The largest page is allowed.
    EXPECT_EQ(http.get("/api/v1/cronjobs?per_page=1000", admin).status, 200);
}

}  // namespace
}  // namespace wsp::test
