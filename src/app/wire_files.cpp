#include "app/panel.h"
#include "app/wire.h"
#include "services/file_service.h"

namespace wsp {

// The file manager runs no process of its own: no start/stop hook and no
// health probe. The service is also the account cleanup (its records go
// when an account is deleted; the files go with the home).
Result<void> wire_files(Panel& panel) {
    auto files = std::make_shared<FileService>(panel.context());
    panel.services().files = files;
    panel.services().users.add_cleanup(files.get());
    return Ok{};
}

}  // namespace wsp
