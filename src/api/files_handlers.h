#pragma once
// The file manager's handlers (routes in api/files_routes.cpp).
#include <boost/json.hpp>

#include "http/message.h"
#include "services/file_tasks.h"
#include "services/services.h"

namespace wsp::api {

Response files_list(Services& s, const Request& r);
Response files_read(Services& s, const Request& r);
Response files_write(Services& s, const Request& r);
Response files_delete(Services& s, const Request& r);
Response files_mkdir(Services& s, const Request& r);
Response files_rename(Services& s, const Request& r);
Response files_copy(Services& s, const Request& r);
Response files_move(Services& s, const Request& r);
Response files_chmod(Services& s, const Request& r);
Response files_compress(Services& s, const Request& r);
Response files_extract(Services& s, const Request& r);
Response files_search(Services& s, const Request& r);

// Bulk actions: several paths, one request, per-path results.
Response files_bulk_delete(Services& s, const Request& r);
Response files_bulk_chmod(Services& s, const Request& r);
Response files_bulk_copy(Services& s, const Request& r);
Response files_bulk_move(Services& s, const Request& r);
Response files_bulk_restore(Services& s, const Request& r);

Response files_trash(Services& s, const Request& r);
Response files_trash_restore(Services& s, const Request& r);
Response files_trash_empty(Services& s, const Request& r);
Response files_trash_remove(Services& s, const Request& r);

Response files_history(Services& s, const Request& r);
Response files_history_read(Services& s, const Request& r);
Response files_history_restore(Services& s, const Request& r);

// Asynchronous tasks (files_tasks_handler.cpp).
Response files_tasks_list(Services& s, const Request& r);
Response files_task_get(Services& s, const Request& r);
Response files_task_delete(Services& s, const Request& r);
// A task as the API shows it (also /backups/tasks).
boost::json::object task_json(const TaskView& t);
// The 202 answer of an operation started with async:true (or its error).
Response task_started(const Result<TaskView>& started);

Response files_get_config(Services& s, const Request& r);
Response files_put_config(Services& s, const Request& r);
Response files_upload_limits(Services& s, const Request& r);

}  // namespace wsp::api
