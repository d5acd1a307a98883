#pragma once
// Handlers of /api/v1/backups and of /databases/{id}/export and /import
// (docs/backups.md); routes in backups_routes.cpp.
#include <cstdint>

#include "http/message.h"
#include "services/services.h"

namespace wsp::api {

Response database_export(Services& s, const Request& r);
SinkOpening database_import(Services& s, const Request& r);
Response database_move(Services& s, const Request& r);
uint64_t import_body_limit(const Config& c);

Response backups_list(Services& s, const Request& r);
Response backups_create(Services& s, const Request& r);
Response backups_get(Services& s, const Request& r);
Response backups_restore(Services& s, const Request& r);
Response backups_download(Services& s, const Request& r);
Response backups_schedule_get(Services& s, const Request& r);
Response backups_schedule_put(Services& s, const Request& r);
Response backups_prune(Services& s, const Request& r);
Response backups_tasks_list(Services& s, const Request& r);
Response backups_task_get(Services& s, const Request& r);
Response backups_task_delete(Services& s, const Request& r);

}  // namespace wsp::api
