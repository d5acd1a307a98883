#include "services/file_access.h"

#include "drivers/fs/user_path.h"
#include "services/domain_service.h"

namespace wsp {

Result<std::string> FileAccess::owner_of(const Caller& c, const OwnerField& owner) const {
    return resolve_owner(ctx_.db, c, owner);
}

std::vector<std::string> FileAccess::reserved() const {
    return {ctx_.config.files.trash_dir_name, ctx_.config.files.history_dir_name,
            ctx_.config.files.uploads_dir_name};
}

Result<std::string> FileAccess::parse(std::string_view path, std::string_view field) const {
    return fs::parse_user_path(path, field, reserved());
}

Result<std::vector<std::string>> FileAccess::parse_all(const std::vector<std::string>& paths,
                                                       std::string_view field) const {
    if (paths.empty()) return validation(std::string(field) + " are required");
    std::vector<std::string> rels;
    for (const auto& p : paths) {
        TRY(std::string rel, parse(p, field));
        rels.push_back(std::move(rel));
    }
    return rels;
}

}  // namespace wsp
