#pragma once
// A file (or a directory, as a zip stream) of an account as an HTTP
// download: Content-Disposition and Cache-Control here; type, validators,
// conditional requests and ranges in http/file_response. The file is opened
// once, as the account, through the confined layer, and that fd is what is
// served: a rename during the download cannot make it serve something else.
// `account` is the home's owner, already authorised by the caller (the
// file API, or a public share link).
#include <cstdint>
#include <optional>
#include <string>

#include "http/message.h"
#include "services/services.h"

namespace wsp {

// `pin` (a share link's dev and inode): the open file must be that very
// file, else 404, so a file swapped in after the link's own check is never
// served.
struct FilePin {
    int64_t dev = 0;
    int64_t ino = 0;
};

Response download_response(Services& services, const std::string& account, const std::string& path,
                           const Request& request, std::optional<FilePin> pin = std::nullopt);

}  // namespace wsp
