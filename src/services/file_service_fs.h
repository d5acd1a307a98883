#pragma once
// FileService's private helper shared by its .cpp files: file work runs as
// the owner's OS identity in its home. Store calls stay outside this scope
// (the store's files belong to the panel, not to the account).
#include "drivers/fs/act_as.h"
#include "services/file_service.h"

namespace wsp {

template <class F>
auto FileService::with_fs(const std::string& owner, F&& f)
    -> decltype(f(std::declval<fs::ConfinedFs&>())) {
    fs::ActAs as(ctx_.identity.uid_of(owner), ctx_.identity.gid_of(owner),
                 ctx_.identity.groups_of(owner));
    if (!as.ok()) return internal("cannot take the identity of account " + owner);
    TRY(fs::ConfinedFs files, fs::ConfinedFs::open(ctx_.identity.home_of(owner).string()));
    return f(files);
}

// Valid UTF-8 without NUL bytes: what the editor can show.
bool is_text(std::string_view data);

}  // namespace wsp
