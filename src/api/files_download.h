#pragma once
// The streamed download of a file, or of a directory as a zip, for an
// account whose right to it was already checked: Content-Length, type,
// disposition, ETag/Last-Modified, Range (206/416) and conditional
// requests, taken from `request`. Used by /files/download and /s/{token}.
#include <string>

#include "http/message.h"
#include "services/services.h"

namespace wsp {

Response download_response(Services& services, const std::string& account, const std::string& path,
                           const Request& request);

}  // namespace wsp
