#pragma once
// An account's file-manager settings (recycle bin on or off, the editor's
// font size and theme): GET/PUT /files/settings. Defaults until first saved.
#include <cstdint>
#include <optional>
#include <string>

#include "services/file_access.h"
#include "store/file_repos.h"

namespace wsp {

// As stored (store/file_repos.h).
using FileSettings = FileSettingsRecord;

struct FileSettingsUpdate {
    std::optional<bool> recycle_bin_enabled;
    std::optional<int64_t> editor_font_size;
    std::optional<std::string> editor_theme;
};

class FileSettingsService {
  public:
    explicit FileSettingsService(PanelContext& ctx) : access_(ctx) {}

    Result<FileSettings> get(const Caller& c, const OwnerField& owner);
    Result<FileSettings> update(const Caller& c, const OwnerField& owner,
                                const FileSettingsUpdate& update);
    // The settings of an owner already authorised (a delete asks whether the
    // bin is on).
    Result<FileSettings> of(const std::string& owner);

  private:
    FileAccess access_;
};

}  // namespace wsp
