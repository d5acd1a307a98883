// JSON bodies in, the error envelope out: every bad input is a 400 naming
// the field, and every error has the same five members.
#include "http/json_io.h"

#include <gtest/gtest.h>

#include "response_headers.h"

namespace wsp {
namespace {

namespace json = boost::json;

json::object obj(const char* text) {
    return json::parse(text).as_object();
}

Request with_body(std::string body) {
    Request r;
    r.body = std::move(body);
    return r;
}

TEST(ParseObject, EmptyBodyIsEmptyObject) {
    auto o = parse_object(with_body(""));
    ASSERT_TRUE(o.ok());
    EXPECT_TRUE(o->empty());
}

TEST(ParseObject, RejectsMalformedAndNonObjects) {
    for (const char* body : {"{", "{\"a\":}", "nul", "{'a':1}", "{\"a\":1}x", "[1,2]", "\"s\"",
                             "42", "null", "\xff\xfe"}) {
        auto o = parse_object(with_body(body));
        ASSERT_FALSE(o.ok()) << body;
        EXPECT_EQ(o.error().code, Code::validation) << body;
    }
    auto array = parse_object(with_body("[]"));
    ASSERT_FALSE(array.ok());
    EXPECT_EQ(array.error().message, "Request body must be a JSON object");
}

TEST(ParseObject, DeepNestingIsA400NotACrash) {
    std::string deep = "{\"a\":" + std::string(10000, '[') + std::string(10000, ']') + "}";
    auto o = parse_object(with_body(deep));
    ASSERT_FALSE(o.ok());
    EXPECT_EQ(o.error().code, Code::validation);
}

TEST(Fields, ReadsEachType) {
    auto o = obj(R"({"s":"x","n":-5,"u":7,"b":true,"l":["a","b"],"z":null})");
    Fields f(o);
    EXPECT_EQ(*f.string("s").value(), "x");
    EXPECT_EQ(*f.integer("n").value(), -5);
    EXPECT_EQ(*f.integer("u").value(), 7);
    EXPECT_EQ(*f.boolean("b").value(), true);
    EXPECT_EQ(*f.strings("l").value(), (std::vector<std::string>{"a", "b"}));
    // Absent and null read as "not given".
    EXPECT_FALSE(f.string("missing").value().has_value());
    EXPECT_FALSE(f.string("z").value().has_value());
    EXPECT_FALSE(f.integer("z").value().has_value());
    EXPECT_FALSE(f.boolean("z").value().has_value());
    EXPECT_FALSE(f.strings("z").value().has_value());
}

TEST(Fields, WrongTypesNameTheField) {
    auto o = obj(
        R"({"s":1,"n":"5","f":1.5,"big":18446744073709551615,"b":"true","l":"a","m":["a",1],"o":{}})");
    Fields f(o);
    auto s = f.string("s");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, Code::validation);
    EXPECT_EQ(s.error().message, "Field 's' must be a string");
    EXPECT_EQ(f.integer("n").error().message, "Field 'n' must be an integer");
    EXPECT_EQ(f.integer("f").error().message, "Field 'f' must be an integer");
    EXPECT_EQ(f.integer("big").error().message, "Field 'big' must be an integer");
    EXPECT_EQ(f.boolean("b").error().message, "Field 'b' must be true or false");
    EXPECT_EQ(f.strings("l").error().message, "Field 'l' must be an array of strings");
    EXPECT_EQ(f.strings("m").error().message, "Field 'm' must be an array of strings");
    EXPECT_EQ(f.string("o").error().message, "Field 'o' must be a string");
    EXPECT_EQ(f.required_string("s", "S").error().message, "Field 's' must be a string");
}

TEST(Fields, RequiredFieldsSayWhatIsMissing) {
    auto o = obj(R"({"empty":"","flag":false})");
    Fields f(o);
    EXPECT_EQ(f.required_string("path", "Path").error().message, "Path is required");
    EXPECT_EQ(f.required_string("empty", "Name").error().message, "Name is required");
    EXPECT_EQ(f.required_boolean("enabled", "Enabled").error().message, "Enabled is required");
    EXPECT_EQ(f.required_boolean("flag", "Flag").value(), false);
}

TEST(ErrorResponse, IsTheOneEnvelope) {
    Response r = error_response(validation("Path is required"));
    EXPECT_EQ(r.status, 400u);
    EXPECT_EQ(r.content_type, "application/json");
    auto v = json::parse(r.body).as_object();
    EXPECT_EQ(v, obj(R"({"success":false,"code":"VALIDATION_ERROR","error":"Path is required",
                        "message":"Path is required","status":400})"));
}

TEST(ErrorResponse, CodesAndStatuses) {
    struct Case {
        Code code;
        unsigned status;
        const char* name;
    };
    const Case cases[] = {
        {Code::validation, 400, "VALIDATION_ERROR"},
        {Code::unauthorized, 401, "UNAUTHORIZED"},
        {Code::forbidden, 403, "FORBIDDEN"},
        {Code::not_found, 404, "NOT_FOUND"},
        {Code::method_not_allowed, 405, "METHOD_NOT_ALLOWED"},
        {Code::conflict, 409, "CONFLICT"},
        {Code::too_large, 413, "PAYLOAD_TOO_LARGE"},
        {Code::rate_limited, 429, "RATE_LIMITED"},
        {Code::internal, 500, "INTERNAL_ERROR"},
        {Code::unavailable, 503, "SERVICE_UNAVAILABLE"},
        {Code::reauth_required, 403, "REAUTH_REQUIRED"},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(status_of(c.code), c.status);
        Response r = error_response({c.code, "m"});
        EXPECT_EQ(r.status, c.status);
        auto v = json::parse(r.body).as_object();
        EXPECT_EQ(v.at("code").as_string(), c.name);
        EXPECT_EQ(v.at("status").as_int64(), c.status);
        EXPECT_EQ(v.at("success").as_bool(), false);
        EXPECT_EQ(v.size(), 5u);
    }
}

TEST(ErrorResponse, InternalDetailsStayInside) {
    Response r = error_response(internal("SQLITE_BUSY on /var/lib/wispanel/panel.db"));
    EXPECT_EQ(r.status, 500u);
    EXPECT_EQ(r.body.find("panel.db"), std::string::npos);
    EXPECT_EQ(r.body.find("SQLITE"), std::string::npos);
    auto v = json::parse(r.body).as_object();
    EXPECT_EQ(v.at("error").as_string(), "Internal server error");
    EXPECT_EQ(v.at("message").as_string(), "Internal server error");
}

// A component down (MariaDB, ProFTPD, phpMyAdmin) is a 503 that says when
// to come back, whichever service raised it; no other error carries one.
TEST(ErrorResponse, ServiceUnavailableSaysWhenToRetry) {
    Response r = error_response(unavailable("Database server is unavailable"));
    EXPECT_EQ(r.status, 503u);
    EXPECT_EQ(header_of(r, "Retry-After"), "5");
    EXPECT_EQ(header_of(error_response(internal("x")), "Retry-After"), "");
    EXPECT_EQ(header_of(error_response(not_found("x")), "Retry-After"), "");
}

TEST(JsonResponse, MessageAndStatus) {
    Response m = message_response("Logged out successfully");
    EXPECT_EQ(m.status, 200u);
    EXPECT_EQ(json::parse(m.body), json::parse(R"({"message":"Logged out successfully"})"));
    Response c = json_response(json::array{1, 2}, 201);
    EXPECT_EQ(c.status, 201u);
    EXPECT_EQ(c.body, "[1,2]");
}

}  // namespace
}  // namespace wsp

namespace wsp {
namespace {

Request with_query(std::map<std::string, std::string> q) {
    Request r;
    r.query_params = std::move(q);
    return r;
}

TEST(RequestQuery, Strings) {
    Request r = with_query({{"owner", "alice"}, {"empty", ""}});
    EXPECT_EQ(r.query("owner"), "alice");
    EXPECT_EQ(r.query("empty"), "");
    EXPECT_FALSE(r.query("missing"));
    EXPECT_EQ(*r.required_query("owner", "Owner"), "alice");
    for (const char* name : {"empty", "missing"}) {
        auto v = r.required_query(name, "Path");
        ASSERT_FALSE(v.ok()) << name;
        EXPECT_EQ(v.error().message, "Path is required");
    }
}

TEST(RequestQuery, Integers) {
    Request r = with_query({{"limit", "50"},
                            {"neg", "-3"},
                            {"bad", "5x"},
                            {"huge", "99999999999999999999"},
                            {"empty", ""}});
    EXPECT_EQ(*r.query_int("limit"), std::optional<int64_t>(50));
    EXPECT_EQ(*r.query_int("neg"), std::optional<int64_t>(-3));
    EXPECT_EQ(*r.query_int("missing"), std::optional<int64_t>());
    for (const char* name : {"bad", "huge", "empty"}) {
        auto v = r.query_int(name);
        ASSERT_FALSE(v.ok()) << name;
        EXPECT_EQ(v.error().code, Code::validation);
        EXPECT_EQ(v.error().message, std::string(name) + " must be an integer");
    }
}

TEST(RequestQuery, CountsWithDefault) {
    Request r = with_query({{"page", "2"}, {"empty", ""}, {"neg", "-1"}, {"long", "1234567890"}});
    EXPECT_EQ(*r.query_int("page", 1), 2);
    EXPECT_EQ(*r.query_int("missing", 20), 20);
    EXPECT_EQ(*r.query_int("empty", 20), 20);
    for (const char* name : {"neg", "long"}) {
        auto v = r.query_int(name, 1);
        ASSERT_FALSE(v.ok()) << name;
        EXPECT_EQ(v.error().message, std::string(name) + " must be a positive integer");
    }
}

TEST(ErrorJson, InternalDetailsStayOut) {
    auto e = error_json(internal("SELECT failed: /var/lib/secret"));
    EXPECT_EQ(boost::json::serialize(e),
              "{\"success\":false,\"code\":\"INTERNAL_ERROR\",\"error\":\"Internal server "
              "error\",\"message\":\"Internal server error\",\"status\":500}");
    EXPECT_EQ(boost::json::serialize(error_json(not_found("No such task"))),
              error_response(not_found("No such task")).body);
}

}  // namespace
}  // namespace wsp
