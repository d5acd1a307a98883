#pragma once
// A file as an HTTP answer, in one place for every file the panel serves
// (downloads and share links through api/files_download, the web
// interface's assets through http/static_files): the one MIME table,
// Content-Disposition, the validators (ETag, Last-Modified), conditional
// requests (If-None-Match, If-Modified-Since: 304; If-Range), and single and
// multiple byte ranges (206, multipart/byteranges; 416 with
// "Content-Range: bytes */size"; parsing in http/ranges).
#include <sys/stat.h>

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"
#include "system/confined.h"

namespace wsp {

// The Content-Type for a file name, by extension (application/octet-stream
// when none is known; a bare ".js" has no extension).
std::string_view content_type_for(std::string_view name);

// RFC 6266 "attachment": an ASCII fallback plus the exact UTF-8 name in
// filename*.
std::string attachment_disposition(std::string_view name);

// IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), and back (nullopt for any
// other form).
std::string http_date(time_t t);
std::optional<time_t> parse_http_date(std::string_view s);

// A strong tag from inode, size and mtime (ns): changes with any rewrite.
std::string etag_of(const struct stat& st);

// Whether an If-None-Match value (a list of tags, or "*") names `etag`,
// compared weakly (a W/ prefix is ignored).
bool none_match(std::string_view if_none_match, std::string_view etag);

// The answer to a GET or HEAD of the open regular file `fd` (`st` its
// fstat). `base` carries the caller's content type and headers
// (Content-Disposition, Cache-Control); Accept-Ranges, ETag and
// Last-Modified are added, then: 304 when the client's copy is current,
// 416 for a range outside the file, 206 for ranges (While If-Range still
// matches), else 200 with the whole file. The body is read from `fd` itself
// (never reopened by name) as the server sends it.
Response file_response(UniqueFd fd, const struct stat& st, const Request& request, Response base);

}  // namespace wsp
