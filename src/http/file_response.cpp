#include "http/file_response.h"

#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>
#include <variant>
#include <vector>

#include "base/secrets.h"
#include "base/strings.h"
#include "http/json_io.h"
#include "http/ranges.h"

namespace wsp {
namespace {

// Pieces of a body: literal text (multipart headers) and spans of one file.
struct FileSpanPart {
    uint64_t offset = 0, length = 0;
};
using Segment = std::variant<std::string, FileSpanPart>;

// Reads the segments in order with pread from the one fd opened for this
// answer (never reopened by name).
class FileSource final : public BodySource {
  public:
    FileSource(UniqueFd fd, std::vector<Segment> segments)
        : fd_(std::move(fd)), segments_(std::move(segments)) {}

    Result<size_t> read(std::span<char> buf) override {
        size_t filled = 0;
        while (filled < buf.size() && index_ < segments_.size()) {
            Segment& seg = segments_[index_];
            if (auto* text = std::get_if<std::string>(&seg)) {
                size_t n = std::min(buf.size() - filled, text->size() - pos_);
                std::memcpy(buf.data() + filled, text->data() + pos_, n);
                filled += n;
                pos_ += n;
                if (pos_ == text->size()) next();
                continue;
            }
            auto& span = std::get<FileSpanPart>(seg);
            size_t want =
                static_cast<size_t>(std::min<uint64_t>(buf.size() - filled, span.length - pos_));
            ssize_t n = ::pread(fd_.get(), buf.data() + filled, want,
                                static_cast<off_t>(span.offset + pos_));
            if (n < 0) {
                if (errno == EINTR) continue;
                return internal("download read failed");
            }
            if (n == 0) return internal("file shrank during the download");
            filled += static_cast<size_t>(n);
            pos_ += static_cast<uint64_t>(n);
            if (pos_ == span.length) next();
        }
        return filled;
    }

    std::optional<FileSpan> file_span() override {
        if (segments_.size() != 1 || index_ != 0 || pos_ != 0) return std::nullopt;
        auto* span = std::get_if<FileSpanPart>(&segments_[0]);
        if (!span) return std::nullopt;
        return FileSpan{fd_.get(), span->offset, span->length};
    }

  private:
    void next() {
        ++index_;
        pos_ = 0;
    }
    UniqueFd fd_;
    std::vector<Segment> segments_;
    size_t index_ = 0;
    uint64_t pos_ = 0;
};

std::string content_range(const ByteRange& b, uint64_t size) {
    return "bytes " + std::to_string(b.first) + "-" + std::to_string(b.last) + "/" +
           std::to_string(size);
}

// Conditional GET: If-None-Match wins over If-Modified-Since.
bool client_is_current(const Request& request, std::string_view etag, time_t mtime) {
    if (auto inm = request.header("if-none-match")) return none_match(*inm, etag);
    if (auto ims = request.header("if-modified-since")) {
        auto since = parse_http_date(trim(*ims));
        return since && mtime <= *since;
    }
    return false;
}

// The Range header, unless If-Range says the client holds another version
// (ranges only while the file is the one the client has).
std::optional<std::string_view> range_header(const Request& request, std::string_view etag,
                                             std::string_view modified) {
    auto range = request.header("range");
    if (!range) return std::nullopt;
    if (auto if_range = request.header("if-range")) {
        std::string_view v = trim(*if_range);
        if (v.starts_with("\"") ? v != etag : v != modified) return std::nullopt;
    }
    return range;
}

}  // namespace

std::string_view content_type_for(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 28> kTypes{{
        {".html", "text/html; charset=utf-8"},
        {".js", "application/javascript; charset=utf-8"},
        {".mjs", "application/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".webmanifest", "application/manifest+json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".gif", "image/gif"},
        {".webp", "image/webp"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".woff", "font/woff"},
        {".txt", "text/plain; charset=utf-8"},
        {".csv", "text/csv; charset=utf-8"},
        {".md", "text/markdown; charset=utf-8"},
        {".php", "text/plain; charset=utf-8"},  // shown, never run
        {".xml", "application/xml"},
        {".wasm", "application/wasm"},
        {".pdf", "application/pdf"},
        {".zip", "application/zip"},
        {".gz", "application/gzip"},
        {".tar", "application/x-tar"},
        {".mp4", "video/mp4"},
        {".mp3", "audio/mpeg"},
    }};
    for (const auto& [ext, type] : kTypes)
        if (name.size() > ext.size() && name.ends_with(ext)) return type;
    return "application/octet-stream";
}

std::string attachment_disposition(std::string_view name) {
    std::string ascii, encoded;
    static const char* hex = "0123456789ABCDEF";
    for (unsigned char c : name) {
        bool plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
        ascii += plain ? static_cast<char>(c) : '_';
        if (std::isalnum(c) || std::strchr("!#$&+-.^_`|~", c)) {
            encoded += static_cast<char>(c);
        } else {
            encoded += '%';
            encoded += hex[c >> 4];
            encoded += hex[c & 15];
        }
    }
    return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

std::string http_date(time_t t) {
    struct tm tm {};
    ::gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buf;
}

std::optional<time_t> parse_http_date(std::string_view s) {
    struct tm tm {};
    std::string text(s);
    const char* end = ::strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end != '\0') return std::nullopt;
    return ::timegm(&tm);
}

std::string etag_of(const struct stat& st) {
    char buf[96];
    const auto mtime_ns = static_cast<unsigned long long>(st.st_mtim.tv_sec) * 1000000000ull +
                          static_cast<unsigned long long>(st.st_mtim.tv_nsec);
    std::snprintf(buf, sizeof buf, "\"%llx-%llx-%llx\"", static_cast<unsigned long long>(st.st_ino),
                  static_cast<unsigned long long>(st.st_size), mtime_ns);
    return buf;
}

bool none_match(std::string_view header, std::string_view etag) {
    header = trim(header);
    if (header == "*") return true;
    while (!header.empty()) {
        size_t comma = header.find(',');
        std::string_view tag = trim(header.substr(0, comma));
        if (tag.starts_with("W/")) tag.remove_prefix(2);
        if (tag == etag) return true;
        if (comma == std::string_view::npos) break;
        header.remove_prefix(comma + 1);
    }
    return false;
}

Response file_response(UniqueFd fd, const struct stat& st, const Request& request, Response r) {
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    const std::string etag = etag_of(st);
    const std::string modified = http_date(st.st_mtim.tv_sec);
    r.headers.emplace_back("Accept-Ranges", "bytes");
    r.headers.emplace_back("ETag", etag);
    r.headers.emplace_back("Last-Modified", modified);
    if (client_is_current(request, etag, st.st_mtim.tv_sec)) {
        r.status = 304;
        return r;
    }

    auto range = range_header(request, etag, modified);
    RangeRequest ranges = range ? parse_range(*range, size) : RangeRequest{};
    if (ranges.kind == RangeRequest::Kind::unsatisfiable) {
        Response e = error_response({Code::validation, "Range not satisfiable (the file has " +
                                                           std::to_string(size) + " bytes)"},
                                    416);
        e.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
        return e;
    }
    std::vector<Segment> segments;
    if (ranges.kind == RangeRequest::Kind::partial && ranges.ranges.size() == 1) {
        const ByteRange& b = ranges.ranges.front();
        r.status = 206;
        r.headers.emplace_back("Content-Range", content_range(b, size));
        segments.emplace_back(FileSpanPart{b.first, b.length()});
        r.source_length = b.length();
    } else if (ranges.kind == RangeRequest::Kind::partial) {
        const std::string boundary = "wsp-" + random_hex(12);
        uint64_t total = 0;
        for (const ByteRange& b : ranges.ranges) {
            std::string head = "\r\n--" + boundary + "\r\nContent-Type: " + r.content_type +
                               "\r\nContent-Range: " + content_range(b, size) + "\r\n\r\n";
            total += head.size() + b.length();
            segments.emplace_back(std::move(head));
            segments.emplace_back(FileSpanPart{b.first, b.length()});
        }
        std::string tail = "\r\n--" + boundary + "--\r\n";
        total += tail.size();
        segments.emplace_back(std::move(tail));
        r.status = 206;
        r.content_type = "multipart/byteranges; boundary=" + boundary;
        r.source_length = total;
    } else {
        segments.emplace_back(FileSpanPart{0, size});
        r.source_length = size;
    }
    r.source = std::make_shared<FileSource>(std::move(fd), std::move(segments));
    return r;
}

}  // namespace wsp
