// JsonText (http/json_text.h) writes what boost::json would: the same bytes
// for awkward strings, and me_json_text the same object as me_json.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/encode.h"
#include "http/json_text.h"

namespace wsp {
namespace {

namespace json = boost::json;

TEST(JsonText, EscapesAsBoostJsonDoes) {
    std::string all_controls;
    for (int c = 0; c < 0x20; ++c) all_controls += static_cast<char>(c);
    const std::string cases[] = {"",
                                 "plain",
                                 "quote \" and backslash \\",
                                 all_controls,
                                 "tab\tnew\nline\rfeed\fback\b",
                                 "utf-8: \xc3\xa9\xe2\x82\xac / slash",
                                 std::string("nul\0inside", 10),
                                 "\x7f del"};
    for (const auto& s : cases) {
        JsonText j;
        j.field("k", s);
        EXPECT_EQ(std::move(j).take(), json::serialize(json::object{{"k", s}})) << s;
    }
}

// Strings are scanned eight bytes at a time: every byte value that needs
// escaping (and a few that do not, high bytes included) at every position
// of strings of 1 to 24 bytes.
TEST(JsonText, EscapesAtEveryPositionOfTheWord) {
    std::string specials;
    for (int c = 0; c < 0x20; ++c) specials += static_cast<char>(c);
    specials += "\"\\ !/\x7f\x80\xc3\xff";
    for (size_t len = 1; len <= 24; ++len)
        for (size_t pos = 0; pos < len; ++pos)
            for (char c : specials) {
                std::string s(len, 'a');
                s[pos] = c;
                JsonText j;
                j.field("k", s);
                ASSERT_EQ(std::move(j).take(), json::serialize(json::object{{"k", s}}))
                    << len << " " << pos << " " << int(c);
            }
}

TEST(JsonText, NumbersBooleansNullAndOrder) {
    JsonText j;
    j.field("a", int64_t{-1})
        .field("b", int64_t{9223372036854775807})
        .field("c", true)
        .field("d", false)
        .null_field("e")
        .field("f", "x");
    EXPECT_EQ(std::move(j).take(), json::serialize(json::object{{"a", -1},
                                                                {"b", int64_t{9223372036854775807}},
                                                                {"c", true},
                                                                {"d", false},
                                                                {"e", nullptr},
                                                                {"f", "x"}}));
    EXPECT_EQ(JsonText().take(), "{}");
}

TEST(JsonText, MeMatchesMeJson) {
    Me me;
    me.user.username = "jo\"hn";
    me.user.email = "john@example.com";
    me.user.role = Role::reseller;
    me.user.creator = "admin";
    me.user.created_at = 1700000000;
    me.package.name = "gold\\";
    me.package.max_domains = 10;
    me.package.max_database_users = -1;
    me.home_dir = "/home/jo\"hn";
    for (const char* impersonated_by : {"", "admin"}) {
        for (bool two_factor : {false, true}) {
            me.impersonated_by = impersonated_by;
            me.two_factor_enabled = two_factor;
            EXPECT_EQ(me_json_text(me), json::serialize(me_json(me)));
        }
    }
}

}  // namespace
}  // namespace wsp
