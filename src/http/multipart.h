#pragma once
// A streaming multipart/form-data parser (RFC 7578 / RFC 2046): fed the body
// in chunks of any size, it reports each part's headers, its data in pieces
// and its end, holding back only the few bytes that might start a boundary
// (so memory is constant whatever the part's size). A boundary may straddle
// chunks anywhere.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace wsp {

struct PartHeaders {
    std::string name;                     // Content-Disposition name
    std::optional<std::string> filename;  // set for a file part (may be empty)
    std::string content_type;
};

class MultipartEvents {
  public:
    virtual ~MultipartEvents() = default;
    virtual Result<void> on_part_begin(const PartHeaders& headers) = 0;
    virtual Result<void> on_part_data(std::string_view data) = 0;
    virtual Result<void> on_part_end() = 0;
};

class MultipartParser {
  public:
    explicit MultipartParser(std::string boundary);
    // Parses the next piece of the body, calling `events` as parts go by.
    // A malformed body is a 400; an event's error is returned as is.
    Result<void> feed(std::string_view chunk, MultipartEvents& events);
    // True once the closing boundary ("--boundary--") was seen.
    bool done() const { return state_ == State::epilogue; }

  private:
    enum class State { preamble, after_delimiter, dash2, expect_lf, headers, body, epilogue };
    Result<void> scan(std::string_view& chunk, MultipartEvents& events);
    Result<void> emit(std::string_view data, MultipartEvents& events);
    Result<void> delimiter_found(MultipartEvents& events);
    Result<void> headers_done(MultipartEvents& events);

    std::string delimiter_;  // "\r\n--" + boundary
    State state_ = State::preamble;
    std::string pending_;  // held back: may be the start of a delimiter
    std::string header_block_;
    bool in_part_ = false;
};

// The boundary parameter of a "multipart/form-data; boundary=..." type.
Result<std::string> multipart_boundary(std::string_view content_type);

// Parses a Content-Disposition value ("form-data; name=\"a\"; filename=\"b\"").
PartHeaders parse_disposition(std::string_view value);

}  // namespace wsp
