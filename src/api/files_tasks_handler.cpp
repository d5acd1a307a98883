// /files/tasks: the asynchronous file tasks (services/file_tasks.h), and the
// 202 answer of compress/extract/copy/move with async:true.
#include "api/files_handlers.h"
#include "api/respond.h"
#include "base/clock.h"
#include "services/file_service.h"

namespace wsp::api {

namespace json = boost::json;

// A task as the API shows it. Totals are null while not known; `error` is
// the envelope the synchronous call would have answered.
json::object task_json(const TaskView& t) {
    auto known = [](int64_t n) -> json::value { return n > 0 ? json::value(n) : json::value(); };
    auto time = [](int64_t t) -> json::value {
        return t > 0 ? json::value(rfc3339(t)) : json::value();
    };
    json::object o{{"id", t.id},
                   {"kind", t.kind},
                   {"owner", t.owner},
                   {"status", status_name(t.status)},
                   {"bytes_done", t.bytes_done},
                   {"bytes_total", known(t.bytes_total)},
                   {"entries_done", t.entries_done},
                   {"entries_total", known(t.entries_total)},
                   {"percent", t.percent},
                   {"created_at", time(t.created_at)},
                   {"started_at", time(t.started_at)},
                   {"finished_at", time(t.finished_at)}};
    // The envelope only: an internal error was logged when the task failed,
    // error_response() would log it again on every poll.
    if (t.error) o["error"] = error_json(*t.error);
    if (!t.result_path.empty()) o["result"] = json::object{{"path", t.result_path}};
    return o;
}

Response task_started(const Result<TaskView>& started) {
    if (!started) return error_response(started.error());
    Response res = json_response(task_json(*started), 202);
    res.headers.emplace_back("Location", "/api/v1/files/tasks/" + started->id);
    return res;
}

Response files_tasks_list(Services& s, const Request& r) {
    // `owner` as everywhere in /files; `user` too (an admin's filter).
    auto owner = r.query("owner");
    if (!owner) owner = r.query("user");
    return respond_list(s.files->tasks().list(*r.caller, owner), task_json);
}

Response files_task_get(Services& s, const Request& r) {
    return respond(s.files->tasks().get(*r.caller, r.param("id")), task_json);
}

Response files_task_delete(Services& s, const Request& r) {
    return respond(s.files->tasks().remove(*r.caller, r.param("id")),
                   [](const FileTasks::Removed& removed) {
                       const TaskView& t = removed.task;
                       const char* message = "Task removed";
                       if (removed.cancelled && t.status == TaskStatus::cancelled)
                           message = "Task cancelled";
                       else if (removed.cancelled && t.status == TaskStatus::running)
                           message = "Task is being cancelled";  // still winding down
                       else if (removed.cancelled)
                           message = "Task finished before it could be cancelled";
                       return json::object{{"message", message}, {"task", task_json(t)}};
                   });
}

}  // namespace wsp::api
