// The streaming multipart parser and Range parsing (issue 8).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "http/multipart.h"
#include "http/ranges.h"

namespace wsp {
namespace {

struct Part {
    PartHeaders headers;
    std::string data;
    bool ended = false;
};

struct Collect : MultipartEvents {
    std::vector<Part> parts;
    Result<void> on_part_begin(const PartHeaders& h) override {
        if (!parts.empty()) {
            EXPECT_TRUE(parts.back().ended);
        }
        parts.push_back({h, "", false});
        return Ok{};
    }
    Result<void> on_part_data(std::string_view d) override {
        EXPECT_FALSE(parts.empty());
        EXPECT_FALSE(d.empty());
        parts.back().data.append(d);
        return Ok{};
    }
    Result<void> on_part_end() override {
        parts.back().ended = true;
        return Ok{};
    }
};

const std::string kBoundary = "----WspBoundary7MA4YWxk";

std::string body_of(const std::vector<std::pair<std::string, std::string>>& parts,
                    const std::string& preamble = "", bool close = true) {
    std::string b = preamble;
    for (const auto& [disp, data] : parts) {
        b += "--" + kBoundary + "\r\nContent-Disposition: " + disp +
             "\r\nContent-Type: application/octet-stream\r\n\r\n" + data + "\r\n";
    }
    if (close) b += "--" + kBoundary + "--\r\n";
    return b;
}

// Feeds `body` in pieces of `size` bytes (the last may be shorter).
Result<void> feed_in(MultipartParser& p, const std::string& body, size_t size, Collect& c) {
    for (size_t i = 0; i < body.size(); i += size)
        CHECK_OK(p.feed(std::string_view(body).substr(i, size), c));
    return Ok{};
}

// Data full of near-boundaries: CRLFs, dashes, boundary prefixes.
std::string tricky_data() {
    std::string d = "\r\n\r\n--\r\n-" + kBoundary.substr(0, 10) + "\r\n--" +
                    kBoundary.substr(0, kBoundary.size() - 1) + "x\r\n-\r\r\n";
    d += std::string(1000, '-');
    d += "\r\n--" + kBoundary.substr(0, 5);
    return d;
}

TEST(Multipart, EveryChunkSizeGivesTheSameParts) {
    std::string binary;
    std::mt19937 rng(7);
    for (int i = 0; i < 3000; ++i) binary.push_back(static_cast<char>(rng() & 0xff));
    const std::string body =
        body_of({{"form-data; name=\"path\"", "/site"},
                 {"form-data; name=\"file\"; filename=\"a.bin\"", binary},
                 {"form-data; name=\"file\"; filename=\"t.txt\"", tricky_data()},
                 {"form-data; name=\"file\"; filename=\"empty\"", ""}},
                "preamble to ignore\r\n");
    for (size_t size : {1, 2, 3, 5, 7, 13, 24, 25, 26, 27, 64, 1000, 100000}) {
        MultipartParser p(kBoundary);
        Collect c;
        ASSERT_TRUE(feed_in(p, body, size, c)) << size;
        ASSERT_TRUE(p.done()) << size;
        ASSERT_EQ(c.parts.size(), 4u) << size;
        EXPECT_EQ(c.parts[0].headers.name, "path");
        EXPECT_FALSE(c.parts[0].headers.filename);
        EXPECT_EQ(c.parts[0].data, "/site");
        EXPECT_EQ(*c.parts[1].headers.filename, "a.bin");
        EXPECT_EQ(c.parts[1].data, binary) << size;
        EXPECT_EQ(c.parts[2].data, tricky_data()) << size;
        EXPECT_EQ(c.parts[3].data, "");
        EXPECT_EQ(c.parts[1].headers.content_type, "application/octet-stream");
        for (auto& part : c.parts) {
            EXPECT_TRUE(part.ended);
        }
    }
}

TEST(Multipart, RandomSplitsGiveTheSameParts) {
    std::mt19937 rng(42);
    for (int round = 0; round < 300; ++round) {
        // Data made of the characters a boundary is made of.
        std::string data;
        const std::string alphabet = "\r\n-" + kBoundary.substr(0, 6);
        size_t len = rng() % 400;
        for (size_t i = 0; i < len; ++i) data.push_back(alphabet[rng() % alphabet.size()]);
        const std::string body = body_of({{"form-data; name=\"a\"; filename=\"x\"", data},
                                          {"form-data; name=\"b\"", data + "\r\n--"}});
        MultipartParser p(kBoundary);
        Collect c;
        size_t at = 0;
        while (at < body.size()) {
            size_t n = 1 + rng() % 60;
            ASSERT_TRUE(p.feed(std::string_view(body).substr(at, n), c));
            at += n;
        }
        ASSERT_TRUE(p.done());
        ASSERT_EQ(c.parts.size(), 2u);
        EXPECT_EQ(c.parts[0].data, data);
        EXPECT_EQ(c.parts[1].data, data + "\r\n--");
    }
}

TEST(Multipart, BodyWithoutPreambleOrTrailingCrlf) {
    std::string body =
        "--" + kBoundary +
        "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\nabc\r\n--" +
        kBoundary + "--";
    MultipartParser p(kBoundary);
    Collect c;
    ASSERT_TRUE(p.feed(body, c));
    EXPECT_TRUE(p.done());
    ASSERT_EQ(c.parts.size(), 1u);
    EXPECT_EQ(c.parts[0].data, "abc");
}

TEST(Multipart, MissingFinalBoundaryIsNotDone) {
    const std::string body =
        body_of({{"form-data; name=\"f\"; filename=\"x\"", "data"}}, "", false);
    for (size_t size : {1, 3, 1000}) {
        MultipartParser p(kBoundary);
        Collect c;
        ASSERT_TRUE(feed_in(p, body, size, c));
        EXPECT_FALSE(p.done());
    }
    // Cut in the middle of the data: not done, the part never ended.
    MultipartParser p(kBoundary);
    Collect c;
    ASSERT_TRUE(p.feed(body.substr(0, body.size() - 20), c));
    EXPECT_FALSE(p.done());
}

TEST(Multipart, MalformedBodiesAre400) {
    auto fails = [](const std::string& body) {
        MultipartParser p(kBoundary);
        Collect c;
        auto r = p.feed(body, c);
        return !r && r.error().code == Code::validation;
    };
    // Garbage after a boundary.
    EXPECT_TRUE(fails("--" + kBoundary + "xyz\r\n"));
    // A boundary line ended by a bare LF.
    EXPECT_TRUE(fails("--" + kBoundary + "\r\r\n"));
    // No Content-Disposition.
    EXPECT_TRUE(fails("--" + kBoundary + "\r\nContent-Type: text/plain\r\n\r\nx\r\n"));
    // A header line without a colon.
    EXPECT_TRUE(fails("--" + kBoundary + "\r\nnonsense\r\n\r\nx"));
    // Headers that never end.
    EXPECT_TRUE(fails("--" + kBoundary + "\r\nX-A: " + std::string(20000, 'a')));
}

TEST(Multipart, TransportPaddingAfterBoundaryIsAllowed) {
    std::string body = "--" + kBoundary +
                       "  \t\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--" +
                       kBoundary + "--\r\nepilogue";
    MultipartParser p(kBoundary);
    Collect c;
    ASSERT_TRUE(p.feed(body, c));
    EXPECT_TRUE(p.done());
    ASSERT_EQ(c.parts.size(), 1u);
    EXPECT_EQ(c.parts[0].data, "1");
}

TEST(Multipart, DispositionParameters) {
    auto h = parse_disposition("form-data; name=\"files[]\"; filename=\"a \\\"q\\\".txt\"");
    EXPECT_EQ(h.name, "files[]");
    EXPECT_EQ(*h.filename, "a \"q\".txt");
    auto star =
        parse_disposition("form-data; name=f; filename=\"x\"; filename*=UTF-8''%C3%A9t%C3%A9.txt");
    EXPECT_EQ(star.name, "f");
    EXPECT_EQ(*star.filename, "\xC3\xA9t\xC3\xA9.txt");
    auto none = parse_disposition("form-data; name=\"path\"");
    EXPECT_FALSE(none.filename);
    auto empty = parse_disposition("form-data; name=\"f\"; filename=\"\"");
    ASSERT_TRUE(empty.filename);
    EXPECT_TRUE(empty.filename->empty());
}

TEST(Multipart, BoundaryFromContentType) {
    EXPECT_EQ(*multipart_boundary("multipart/form-data; boundary=abc"), "abc");
    EXPECT_EQ(*multipart_boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\""), "a b");
    EXPECT_FALSE(multipart_boundary("application/json"));
    EXPECT_FALSE(multipart_boundary("multipart/form-data"));
    EXPECT_FALSE(multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'x')));
}

TEST(Multipart, EventErrorsStopTheParser) {
    struct Refuse : Collect {
        Result<void> on_part_data(std::string_view) override {
            return Error{Code::too_large, "too big"};
        }
    } r;
    MultipartParser p(kBoundary);
    auto res = p.feed(body_of({{"form-data; name=\"f\"; filename=\"x\"", "data"}}), r);
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().code, Code::too_large);
}

using K = RangeRequest::Kind;

TEST(Ranges, SingleSuffixOpenEnded) {
    auto r = parse_range("bytes=0-99", 1000);
    ASSERT_EQ(r.kind, K::partial);
    ASSERT_EQ(r.ranges.size(), 1u);
    EXPECT_EQ(r.ranges[0].first, 0u);
    EXPECT_EQ(r.ranges[0].last, 99u);
    r = parse_range("bytes=-100", 1000);
    EXPECT_EQ(r.ranges[0].first, 900u);
    EXPECT_EQ(r.ranges[0].last, 999u);
    r = parse_range("bytes=990-", 1000);
    EXPECT_EQ(r.ranges[0].first, 990u);
    EXPECT_EQ(r.ranges[0].last, 999u);
    // Clamped to the file.
    r = parse_range("bytes=500-5000", 1000);
    EXPECT_EQ(r.ranges[0].last, 999u);
    r = parse_range("bytes=-5000", 1000);
    EXPECT_EQ(r.ranges[0].first, 0u);
}

TEST(Ranges, Multiple) {
    auto r = parse_range("bytes=0-0, 10-19 ,-1", 100);
    ASSERT_EQ(r.kind, K::partial);
    ASSERT_EQ(r.ranges.size(), 3u);
    EXPECT_EQ(r.ranges[1].first, 10u);
    EXPECT_EQ(r.ranges[1].length(), 10u);
    EXPECT_EQ(r.ranges[2].first, 99u);
    // Unsatisfiable members are dropped while one remains.
    r = parse_range("bytes=5000-6000,0-1", 100);
    ASSERT_EQ(r.ranges.size(), 1u);
}

TEST(Ranges, Unsatisfiable) {
    EXPECT_EQ(parse_range("bytes=1000-", 1000).kind, K::unsatisfiable);
    EXPECT_EQ(parse_range("bytes=2000-3000", 1000).kind, K::unsatisfiable);
    EXPECT_EQ(parse_range("bytes=-0", 1000).kind, K::unsatisfiable);
    EXPECT_EQ(parse_range("bytes=0-", 0).kind, K::unsatisfiable);
}

TEST(Ranges, MalformedIsIgnored) {
    for (const char* h : {"", "bytes", "bytes=", "items=0-1", "bytes=a-b", "bytes=5-1", "bytes=1",
                          "bytes=--1", "bytes=0-1,x", "bytes=1 2-3"})
        EXPECT_EQ(parse_range(h, 1000).kind, K::full) << h;
    std::string many = "bytes=";
    for (int i = 0; i < 40; ++i) many += std::to_string(i) + "-" + std::to_string(i) + ",";
    EXPECT_EQ(parse_range(many, 1000).kind, K::full);
}

}  // namespace
}  // namespace wsp
