#pragma once
// The web interface's built files (web/dist), served by the panel itself
// at every path outside /api: hashed assets cached for a year, index.html
// revalidated on every load, precompressed .gz variants sent to clients
// that accept gzip, and index.html for any other path so the interface's
// own routes (/domains, /api-keys ...) survive a reload. Files are opened
// with openat2 beneath the directory (system/confined.h): no request path
// can leave it, follow a symlink or name a hidden file.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace wsp {

class StaticFiles {
  public:
    // Logs whether the directory is there (a missing one is not an error:
    // the panel then serves only the API).
    explicit StaticFiles(std::filesystem::path dir);

    // The answer for a request the API router did not match. nullopt: not
    // ours (an /api path, a method other than GET/HEAD, or no asset
    // directory), so the caller answers its usual 404.
    std::optional<Response> serve(Verb method, std::string_view path,
                                  std::string_view accept_encoding) const;

  private:
    std::filesystem::path dir_;
};

// Whether an Accept-Encoding header value allows gzip (a "q=0" refuses it).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace wsp
