#include "api/files_download.h"

#include "http/file_response.h"
#include "http/json_io.h"
#include "services/transfer_service.h"

namespace wsp {
namespace {

class ZipSource final : public BodySource {
  public:
    explicit ZipSource(std::unique_ptr<fs::ZipStream> zip) : zip_(std::move(zip)) {}
    Result<size_t> read(std::span<char> buf) override { return zip_->read(buf); }

  private:
    std::unique_ptr<fs::ZipStream> zip_;
};

}  // namespace

Response download_response(Services& services, const std::string& account, const std::string& path,
                           const Request& request, std::optional<FilePin> pin) {
    auto opened = services.transfer->open_download(account, path);
    if (!opened) return error_response(opened.error());
    Download& d = *opened;
    if (pin && !d.zip &&
        (static_cast<int64_t>(d.st.st_dev) != pin->dev ||
         static_cast<int64_t>(d.st.st_ino) != pin->ino))
        return error_response(not_found("The shared file no longer exists"));
    Response r;
    r.headers.emplace_back("Content-Disposition", attachment_disposition(d.name));
    r.headers.emplace_back("Cache-Control", "private, no-cache");
    if (d.zip) {
        // Built while it is sent: no length, no ranges, no validators.
        r.content_type = "application/zip";
        r.source = std::make_shared<ZipSource>(std::move(d.zip));
        return r;
    }
    r.content_type = std::string(content_type_for(d.name));
    return file_response(std::move(d.file), d.st, request, std::move(r));
}

}  // namespace wsp
