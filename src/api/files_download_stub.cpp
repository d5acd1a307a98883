// TEMPORARY (area/shares branch only): the lead replaces this with the
// streamed download of area/transfer at merge.
#include "api/files_download.h"
#include "http/json_io.h"
#include "services/file_service.h"

namespace wsp {

Response download_response(Services& services, const std::string& account, const std::string& path,
                           const Request&) {
    Caller owner{account, "user", {"all"}, ""};
    auto content = services.files->read(owner, std::nullopt, path);
    if (!content) return error_response(content.error());
    Response r;
    r.content_type = "application/octet-stream";
    r.body = std::move(content->content);
    return r;
}

}  // namespace wsp
