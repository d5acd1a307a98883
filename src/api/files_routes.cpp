#include "api/files_handlers.h"
#include "api/files_transfer_handlers.h"
#include "api/routes.h"
#include "api/share_handlers.h"

namespace wsp {
namespace {

using V = Verb;
constexpr Access kBearer = Access::bearer;
constexpr Exec kWorker = Exec::worker;
constexpr Exec kLoop = Exec::event_loop;

// Every file operation blocks (disk, store): all on the worker pool.
const Route kRoutes[] = {
    {V::get, "/api/v1/files/list", &api::files_list, "files", kBearer, kWorker},
    {V::get, "/api/v1/files/read", &api::files_read, "files", kBearer, kWorker},
    // Up to files.max_edit_kb, not server.max_body_bytes.
    {V::post, "/api/v1/files/write", &api::files_write, "files", kBearer, kWorker,
     &api::edit_body_limit},
    {V::post, "/api/v1/files/delete", &api::files_delete, "files", kBearer, kWorker},
    {V::post, "/api/v1/files/mkdir", &api::files_mkdir, "files", kBearer, kWorker},
    {V::post, "/api/v1/files/rename", &api::files_rename, "files", kBearer, kWorker},
    {V::post, "/api/v1/files/copy", &api::files_copy, "files", kBearer, kWorker},
    {V::post, "/api/v1/files/move", &api::files_move, "files", kBearer, kWorker},
    {V::post, "/api/v1/files/chmod", &api::files_chmod, "files", kBearer, kWorker},
    {V::post, "/api/v1/files/bulk/delete", &api::files_bulk_delete, "files", kBearer, kWorker},
    {V::post, "/api/v1/files/bulk/chmod", &api::files_bulk_chmod, "files", kBearer, kWorker},
    {V::post, "/api/v1/files/bulk/copy", &api::files_bulk_copy, "files", kBearer, kWorker},
    {V::post, "/api/v1/files/bulk/move", &api::files_bulk_move, "files", kBearer, kWorker},
    {V::post, "/api/v1/files/bulk/restore", &api::files_bulk_restore, "files", kBearer, kWorker},
    {V::post, "/api/v1/files/compress", &api::files_compress, "files", kBearer, kWorker},
    {V::post, "/api/v1/files/extract", &api::files_extract, "files", kBearer, kWorker},
    {V::get, "/api/v1/files/search", &api::files_search, "files", kBearer, kWorker},
    {V::get, "/api/v1/files/trash", &api::files_trash, "files", kBearer, kWorker},
    {V::delete_, "/api/v1/files/trash", &api::files_trash_empty, "files", kBearer, kWorker},
    {V::post, "/api/v1/files/trash/restore", &api::files_trash_restore, "files", kBearer, kWorker},
    {V::delete_, "/api/v1/files/trash/{trash_path}", &api::files_trash_remove, "files", kBearer,
     kWorker},
    {V::get, "/api/v1/files/history", &api::files_history, "files", kBearer, kWorker},
    {V::get, "/api/v1/files/history/read", &api::files_history_read, "files", kBearer, kWorker},
    {V::post, "/api/v1/files/history/restore", &api::files_history_restore, "files", kBearer,
     kWorker},
    {V::get, "/api/v1/files/config", &api::files_get_config, "files", kBearer, kWorker},
    {V::put, "/api/v1/files/config", &api::files_put_config, "files", kBearer, kWorker},
    {V::get, "/api/v1/files/upload-limits", &api::files_upload_limits, "files", kBearer, kLoop},
    // Asynchronous tasks: reading one only takes a lock (event loop); a
    // cancel waits for the task to remove its partial output (worker).
    {V::get, "/api/v1/files/tasks", &api::files_tasks_list, "files", kBearer, kLoop},
    {V::get, "/api/v1/files/tasks/{id}", &api::files_task_get, "files", kBearer, kLoop},
    {V::delete_, "/api/v1/files/tasks/{id}", &api::files_task_delete, "files", kBearer, kWorker},
    {V::post, "/api/v1/files/share", &api::files_share_create, "files", kBearer, kWorker},
    {V::get, "/api/v1/files/shares", &api::files_shares_list, "files", kBearer, kWorker},
    {V::delete_, "/api/v1/files/shares/{id}", &api::files_share_revoke, "files", kBearer, kWorker},
    // The public side of share links: no API token (the link's token is in
    // the path); outside /api/v1 because the URL is handed to people.
    {V::get, "/s/{token}", &api::share_download, "files", Access::open, kWorker},
    {V::post, "/s/{token}", &api::share_download_with_password, "files", Access::open, kWorker},
    // Uploads and downloads: streamed bodies (docs/files.md).
    {V::post, "/api/v1/files/upload", nullptr, "files", kBearer, kWorker, &api::upload_body_limit,
     &api::files_upload},
    {V::get, "/api/v1/files/download", &api::files_download, "files", kBearer, kWorker},
    // tus 1.0 resumable uploads; OPTIONS (discovery) needs no token.
    {V::options, "/api/v1/files/uploads", &api::files_tus_options, "files", Access::open, kLoop},
    {V::post, "/api/v1/files/uploads", &api::files_tus_create, "files", kBearer, kWorker},
    {V::head, "/api/v1/files/uploads/{id}", &api::files_tus_head, "files", kBearer, kWorker},
    {V::patch, "/api/v1/files/uploads/{id}", nullptr, "files", kBearer, kWorker,
     &api::upload_body_limit, &api::files_tus_patch},
    {V::delete_, "/api/v1/files/uploads/{id}", &api::files_tus_delete, "files", kBearer, kWorker},
};

}  // namespace

std::span<const Route> files_routes() {
    return kRoutes;
}

}  // namespace wsp
