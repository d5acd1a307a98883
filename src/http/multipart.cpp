#include "http/multipart.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "base/strings.h"

namespace wsp {
namespace {

constexpr size_t kMaxHeaderBlock = 16 * 1024;

Error malformed(std::string_view why) {
    return validation("Malformed multipart body: " + std::string(why));
}

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// `key=value` parameters after the first `;`, values plain or quoted (with
// backslash escapes). Keys lowercased.
template <class F>
void for_each_param(std::string_view v, F&& f) {
    size_t i = v.find(';');
    while (i != std::string_view::npos && i < v.size()) {
        ++i;
        while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
        size_t eq = v.find('=', i);
        if (eq == std::string_view::npos) return;
        std::string key = to_lower(trim(v.substr(i, eq - i)));
        i = eq + 1;
        std::string value;
        if (i < v.size() && v[i] == '"') {
            ++i;
            while (i < v.size() && v[i] != '"') {
                if (v[i] == '\\' && i + 1 < v.size()) ++i;
                value.push_back(v[i++]);
            }
            i = v.find(';', i);
        } else {
            size_t end = v.find(';', i);
            value = std::string(trim(v.substr(i, end == std::string_view::npos ? end : end - i)));
            i = end;
        }
        f(key, std::move(value));
    }
}

// RFC 5987 ext-value: UTF-8''percent%20encoded.
std::optional<std::string> decode_ext_value(std::string_view v) {
    size_t q = v.find("''");
    if (q == std::string_view::npos) return std::nullopt;
    if (to_lower(v.substr(0, q)) != "utf-8") return std::nullopt;
    v.remove_prefix(q + 2);
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '%' && i + 2 < v.size()) {
            int h = hex(v[i + 1]), l = hex(v[i + 2]);
            if (h < 0 || l < 0) return std::nullopt;
            out.push_back(static_cast<char>(h * 16 + l));
            i += 2;
        } else if (v[i] == '%') {
            return std::nullopt;
        } else {
            out.push_back(v[i]);
        }
    }
    return out;
}

// Length of the longest suffix of `data` that is a proper prefix of `delim`.
size_t partial_suffix(std::string_view data, std::string_view delim) {
    size_t max = std::min(data.size(), delim.size() - 1);
    for (size_t len = max; len > 0; --len)
        if (std::memcmp(data.data() + data.size() - len, delim.data(), len) == 0) return len;
    return 0;
}

}  // namespace

PartHeaders parse_disposition(std::string_view value) {
    PartHeaders h;
    std::optional<std::string> star;
    for_each_param(value, [&](const std::string& key, std::string v) {
        if (key == "name")
            h.name = std::move(v);
        else if (key == "filename")
            h.filename = std::move(v);
        else if (key == "filename*")
            star = decode_ext_value(v);
    });
    if (star) h.filename = std::move(star);
    return h;
}

Result<std::string> multipart_boundary(std::string_view content_type) {
    std::string type = to_lower(trim(content_type.substr(0, content_type.find(';'))));
    if (type != "multipart/form-data")
        return validation("Content-Type must be multipart/form-data");
    std::string boundary;
    for_each_param(content_type, [&](const std::string& key, std::string v) {
        if (key == "boundary") boundary = std::move(v);
    });
    if (boundary.empty() || boundary.size() > 70)
        return validation("Content-Type must carry a boundary of 1-70 characters");
    return boundary;
}

MultipartParser::MultipartParser(std::string boundary) : delimiter_("\r\n--" + boundary) {
    // The first delimiter may open the body, without the CRLF before it:
    // pretend one came first (the preamble's data is discarded anyway).
    pending_ = "\r\n";
}

Result<void> MultipartParser::emit(std::string_view data, MultipartEvents& events) {
    if (state_ == State::body && !data.empty()) return events.on_part_data(data);
    return Ok{};
}

Result<void> MultipartParser::delimiter_found(MultipartEvents& events) {
    if (state_ == State::body && in_part_) {
        in_part_ = false;
        CHECK_OK(events.on_part_end());
    }
    state_ = State::after_delimiter;
    return Ok{};
}

Result<void> MultipartParser::headers_done(MultipartEvents& events) {
    PartHeaders h;
    bool disposition = false;
    std::string_view block = header_block_;
    while (!block.empty()) {
        size_t eol = block.find("\r\n");
        std::string_view line = block.substr(0, eol);
        block.remove_prefix(eol == std::string_view::npos ? block.size() : eol + 2);
        if (line.empty()) continue;
        size_t colon = line.find(':');
        if (colon == std::string_view::npos) return malformed("a part header has no ':'");
        std::string name = to_lower(trim(line.substr(0, colon)));
        std::string_view value = trim(line.substr(colon + 1));
        if (name == "content-disposition") {
            PartHeaders d = parse_disposition(value);
            h.name = std::move(d.name);
            h.filename = std::move(d.filename);
            disposition = true;
        } else if (name == "content-type") {
            h.content_type = std::string(value);
        }
    }
    if (!disposition) return malformed("a part has no Content-Disposition");
    header_block_.clear();
    state_ = State::body;
    in_part_ = true;
    return events.on_part_begin(h);
}

// Body or preamble: looks for the delimiter, passing on (or dropping) what
// comes before it and holding back a tail that could be its start.
Result<void> MultipartParser::scan(std::string_view& chunk, MultipartEvents& events) {
    const std::string_view delim = delimiter_;
    if (!pending_.empty()) {
        // Does a delimiter start in what was held back? Look at it together
        // with just enough of the new chunk to contain a whole delimiter.
        // (`pending_` is always shorter than the delimiter.)
        const size_t held = pending_.size();
        const size_t take = std::min(chunk.size(), delim.size());
        pending_.append(chunk.data(), take);
        size_t at = pending_.find(delim);
        if (at != std::string::npos) {
            CHECK_OK(emit(std::string_view(pending_).substr(0, at), events));
            chunk.remove_prefix(at + delim.size() - held);
            pending_.clear();
            return delimiter_found(events);
        }
        if (take == delim.size()) {
            // No delimiter starts in the held bytes: they are data. The
            // borrowed bytes are still in `chunk` and are scanned below.
            pending_.resize(held);
            CHECK_OK(emit(pending_, events));
            pending_.clear();
        } else {
            // The whole chunk is in pending_ now: pass on what cannot be
            // the start of a delimiter, hold the rest.
            chunk = std::string_view();
            size_t keep = partial_suffix(pending_, delim);
            CHECK_OK(emit(std::string_view(pending_).substr(0, pending_.size() - keep), events));
            pending_.erase(0, pending_.size() - keep);
            return Ok{};
        }
    }
    size_t at = chunk.find(delim);
    if (at != std::string_view::npos) {
        CHECK_OK(emit(chunk.substr(0, at), events));
        chunk.remove_prefix(at + delim.size());
        return delimiter_found(events);
    }
    size_t keep = partial_suffix(chunk, delim);
    CHECK_OK(emit(chunk.substr(0, chunk.size() - keep), events));
    pending_.assign(chunk.substr(chunk.size() - keep));
    chunk = std::string_view();
    return Ok{};
}

Result<void> MultipartParser::feed(std::string_view chunk, MultipartEvents& events) {
    while (!chunk.empty()) {
        switch (state_) {
            case State::preamble:
            case State::body:
                CHECK_OK(scan(chunk, events));
                break;
            case State::after_delimiter: {
                char c = chunk.front();
                chunk.remove_prefix(1);
                if (c == '-')
                    state_ = State::dash2;
                else if (c == '\r')
                    state_ = State::expect_lf;
                else if (c != ' ' && c != '\t')
                    return malformed("unexpected bytes after a boundary");
                break;
            }
            case State::dash2:
                if (chunk.front() != '-') return malformed("unexpected bytes after a boundary");
                chunk.remove_prefix(1);
                state_ = State::epilogue;
                break;
            case State::expect_lf:
                if (chunk.front() != '\n') return malformed("boundary line not ended by CRLF");
                chunk.remove_prefix(1);
                state_ = State::headers;
                break;
            case State::headers: {
                // Up to and including the blank line ending the headers.
                while (!chunk.empty()) {
                    header_block_.push_back(chunk.front());
                    chunk.remove_prefix(1);
                    if (header_block_.size() > kMaxHeaderBlock)
                        return malformed("part headers too long");
                    if (header_block_ == "\r\n" ||
                        (header_block_.size() >= 4 &&
                         header_block_.compare(header_block_.size() - 4, 4, "\r\n\r\n") == 0)) {
                        CHECK_OK(headers_done(events));
                        break;
                    }
                }
                break;
            }
            case State::epilogue:
                return Ok{};  // everything after the closing boundary is ignored
        }
    }
    return Ok{};
}

}  // namespace wsp
