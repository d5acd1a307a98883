// http/file_response: the one MIME table, Content-Disposition, validators,
// conditional GET (304), If-Range, and single/multiple/unsatisfiable ranges,
// served from a real file.
#include "http/file_response.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "response_headers.h"

namespace wsp {
namespace {

namespace fs = std::filesystem;

std::string body_of(Response& r) {
    if (!r.source) return r.body;
    std::string out;
    char buf[7];  // small: segments cross buffer ends
    while (true) {
        auto n = r.source->read(buf);
        EXPECT_TRUE(n.ok());
        if (!n.ok() || *n == 0) break;
        out.append(buf, *n);
    }
    return out;
}

class FileResponseTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/wsp-fileresp-XXXXXX";
        dir_ = ::mkdtemp(tmpl);
        std::ofstream(dir_ / "f.txt", std::ios::binary) << "0123456789abcdefghij";  // 20 bytes
    }
    void TearDown() override { fs::remove_all(dir_); }

    // The answer for `headers`, as a download would give it.
    Response serve(std::vector<std::pair<std::string, std::string>> headers) {
        UniqueFd fd(::open((dir_ / "f.txt").c_str(), O_RDONLY | O_CLOEXEC));
        EXPECT_GE(fd.get(), 0);
        ::fstat(fd.get(), &st_);
        Request req;
        req.headers = std::move(headers);
        Response base;
        base.content_type = "text/plain; charset=utf-8";
        base.headers.emplace_back("Cache-Control", "private, no-cache");
        return file_response(std::move(fd), st_, req, std::move(base));
    }

    fs::path dir_;
    struct stat st_ {};
};

TEST(FileResponse, ContentTypes) {
    EXPECT_EQ(content_type_for("a.woff2"), "font/woff2");
    EXPECT_EQ(content_type_for("a.png"), "image/png");
    EXPECT_EQ(content_type_for("a.webmanifest"), "application/manifest+json");
    EXPECT_EQ(content_type_for("a.mjs"), "application/javascript; charset=utf-8");
    EXPECT_EQ(content_type_for("report.pdf"), "application/pdf");
    EXPECT_EQ(content_type_for("backup.tar.gz"), "application/gzip");
    EXPECT_EQ(content_type_for("index.php"), "text/plain; charset=utf-8");
    EXPECT_EQ(content_type_for("photo.jpeg"), "image/jpeg");
    EXPECT_EQ(content_type_for("noext"), "application/octet-stream");
    EXPECT_EQ(content_type_for(".js"), "application/octet-stream");
}

TEST(FileResponse, Disposition) {
    EXPECT_EQ(attachment_disposition("a b.txt"),
              "attachment; filename=\"a b.txt\"; filename*=UTF-8''a%20b.txt");
    EXPECT_EQ(attachment_disposition("\"\xc3\xa9\".txt"),
              "attachment; filename=\"____.txt\"; filename*=UTF-8''%22%C3%A9%22.txt");
}

TEST(FileResponse, HttpDates) {
    EXPECT_EQ(http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
    EXPECT_FALSE(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"));
    EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT junk"));
}

TEST(FileResponse, NoneMatch) {
    EXPECT_TRUE(none_match("\"a\"", "\"a\""));
    EXPECT_TRUE(none_match(" \"x\", W/\"a\" ", "\"a\""));
    EXPECT_TRUE(none_match("*", "\"a\""));
    EXPECT_FALSE(none_match("\"b\"", "\"a\""));
    EXPECT_FALSE(none_match("", "\"a\""));
}

TEST_F(FileResponseTest, WholeFileWithValidators) {
    Response r = serve({});
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.content_type, "text/plain; charset=utf-8");
    EXPECT_EQ(r.headers[0].first, "Cache-Control");  // the caller's headers first
    EXPECT_EQ(header_of(r, "Accept-Ranges"), "bytes");
    EXPECT_EQ(header_of(r, "ETag"), etag_of(st_));
    EXPECT_EQ(header_of(r, "Last-Modified"), http_date(st_.st_mtim.tv_sec));
    ASSERT_TRUE(r.source_length);
    EXPECT_EQ(*r.source_length, 20u);
    auto span = r.source->file_span();  // sendfile-able as one span
    ASSERT_TRUE(span);
    EXPECT_EQ(span->length, 20u);
    EXPECT_EQ(body_of(r), "0123456789abcdefghij");
}

TEST_F(FileResponseTest, NotModified) {
    serve({});
    const std::string etag = etag_of(st_);
    const std::string modified = http_date(st_.st_mtim.tv_sec);
    Response r = serve({{"if-none-match", etag}});
    EXPECT_EQ(r.status, 304u);
    EXPECT_FALSE(r.source);
    EXPECT_EQ(header_of(r, "ETag"), etag);
    EXPECT_EQ(serve({{"if-none-match", "W/" + etag}}).status, 304u);
    EXPECT_EQ(serve({{"if-modified-since", modified}}).status, 304u);
    EXPECT_EQ(serve({{"if-modified-since", http_date(st_.st_mtim.tv_sec - 10)}}).status, 200u);
    EXPECT_EQ(serve({{"if-modified-since", "yesterday"}}).status, 200u);
    // If-None-Match wins over If-Modified-Since.
    EXPECT_EQ(serve({{"if-none-match", "\"other\""}, {"if-modified-since", modified}}).status,
              200u);
}

TEST_F(FileResponseTest, SingleRange) {
    Response r = serve({{"range", "bytes=2-5"}});
    EXPECT_EQ(r.status, 206u);
    EXPECT_EQ(header_of(r, "Content-Range"), "bytes 2-5/20");
    EXPECT_EQ(*r.source_length, 4u);
    EXPECT_EQ(body_of(r), "2345");
    r = serve({{"range", "bytes=-3"}});
    EXPECT_EQ(header_of(r, "Content-Range"), "bytes 17-19/20");
    EXPECT_EQ(body_of(r), "hij");
}

TEST_F(FileResponseTest, MultipleRanges) {
    Response r = serve({{"range", "bytes=0-1,18-"}});
    EXPECT_EQ(r.status, 206u);
    ASSERT_TRUE(r.content_type.starts_with("multipart/byteranges; boundary=wsp-"));
    const std::string boundary = r.content_type.substr(r.content_type.find('=') + 1);
    const std::string expected = "\r\n--" + boundary +
                                 "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                 "Content-Range: bytes 0-1/20\r\n\r\n01\r\n--" +
                                 boundary +
                                 "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                                 "Content-Range: bytes 18-19/20\r\n\r\nij\r\n--" +
                                 boundary + "--\r\n";
    EXPECT_FALSE(r.source->file_span());
    EXPECT_EQ(*r.source_length, expected.size());
    EXPECT_EQ(body_of(r), expected);
}

TEST_F(FileResponseTest, UnsatisfiableRange) {
    Response r = serve({{"range", "bytes=20-"}});
    EXPECT_EQ(r.status, 416u);
    EXPECT_EQ(header_of(r, "Content-Range"), "bytes */20");
    EXPECT_EQ(r.body,
              "{\"success\":false,\"code\":\"VALIDATION_ERROR\",\"error\":\"Range not "
              "satisfiable (the file has 20 bytes)\",\"message\":\"Range not satisfiable (the "
              "file has 20 bytes)\",\"status\":416}");
}

TEST_F(FileResponseTest, IfRange) {
    serve({});
    const std::string etag = etag_of(st_);
    const std::string modified = http_date(st_.st_mtim.tv_sec);
    EXPECT_EQ(serve({{"range", "bytes=0-0"}, {"if-range", etag}}).status, 206u);
    EXPECT_EQ(serve({{"range", "bytes=0-0"}, {"if-range", modified}}).status, 206u);
    // Another version on the client: the whole file.
    Response r = serve({{"range", "bytes=0-0"}, {"if-range", "\"old\""}});
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(body_of(r), "0123456789abcdefghij");
    EXPECT_EQ(serve({{"range", "bytes=0-0"}, {"if-range", "Sun, 06 Nov 1994 08:49:37 GMT"}}).status,
              200u);
    // A Range the server may ignore: the whole file.
    EXPECT_EQ(serve({{"range", "lines=1-2"}}).status, 200u);
}

}  // namespace
}  // namespace wsp
