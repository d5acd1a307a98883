#include "services/file_settings.h"

#include <algorithm>

#include "base/clock.h"

namespace wsp {

Result<FileSettings> FileSettingsService::get(const Caller& c, const OwnerField& owner_field) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    return of(owner);
}

Result<FileSettings> FileSettingsService::of(const std::string& owner) {
    return access_.ctx().db.read([&](const ReadTx& tx) -> Result<FileSettings> {
        return FileSettingsRepo::find(tx, owner).value_or(FileSettings{});
    });
}

Result<FileSettings> FileSettingsService::update(const Caller& c, const OwnerField& owner_field,
                                                 const FileSettingsUpdate& u) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    if (u.editor_font_size && (*u.editor_font_size < 8 || *u.editor_font_size > 40))
        return validation("editor_font_size must be between 8 and 40");
    if (u.editor_theme) {
        const std::string& t = *u.editor_theme;
        bool ok = !t.empty() && t.size() <= 32 && std::all_of(t.begin(), t.end(), [](char ch) {
            return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
        });
        if (!ok)
            return validation(
                "editor_theme must be 1-32 characters of a-z, 0-9, '-' and '_' (e.g. vs-dark)");
    }
    Db& db = access_.ctx().db;
    return db.write([&](WriteTx& tx) -> Result<FileSettings> {
        FileSettings s = FileSettingsRepo::find(tx, owner).value_or(FileSettings{});
        if (u.recycle_bin_enabled) s.recycle_bin_enabled = *u.recycle_bin_enabled;
        if (u.editor_font_size) s.editor_font_size = *u.editor_font_size;
        if (u.editor_theme) s.editor_theme = *u.editor_theme;
        FileSettingsRepo::upsert(tx, owner, s, access_.ctx().clock.now_unix());
        return s;
    });
}

}  // namespace wsp
