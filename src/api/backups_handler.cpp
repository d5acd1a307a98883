// /backups and the export/import of one database (services/backup_service.h).
#include <boost/json.hpp>

#include "api/backups_handlers.h"
#include "api/files_handlers.h"
#include "api/respond.h"
#include "base/clock.h"
#include "http/file_response.h"
#include "services/backup_service.h"

namespace wsp::api {
namespace {

namespace json = boost::json;

BackupService& service(Services& s) {
    return *s.backups;
}

Response started(const Result<TaskView>& t) {
    if (!t) return error_response(t.error());
    Response res = json_response(task_json(*t), 202);
    res.headers.emplace_back("Location", "/api/v1/backups/tasks/" + t->id);
    return res;
}

json::object backup_json(const BackupRecord& b) {
    json::array dbs;
    for (const auto& d : b.databases) dbs.push_back(json::value(d.name));
    auto time = [](int64_t t) -> json::value {
        return t > 0 ? json::value(rfc3339(t)) : json::value();
    };
    json::object o{{"id", b.id},
                   {"owner", b.owner},
                   {"status", b.status},
                   {"trigger", b.trigger},
                   {"started_at", time(b.started_at)},
                   {"finished_at", time(b.finished_at)},
                   {"size_bytes", b.size_bytes},
                   {"added_bytes", b.added_bytes},
                   {"databases", std::move(dbs)},
                   {"paths_count", b.paths_count},
                   {"snapshot", b.files_snapshot}};
    if (!b.error.empty()) o["error"] = b.error;
    return o;
}

json::object schedule_json(const BackupSchedule& s) {
    return {{"owner", s.owner},
            {"enabled", s.enabled},
            {"keep_daily", s.keep_daily},
            {"keep_weekly", s.keep_weekly},
            {"keep_monthly", s.keep_monthly},
            {"last_run", s.last_run > 0 ? json::value(rfc3339(s.last_run)) : json::value()}};
}

// A pulled body over a service stream.
template <class Stream>
class StreamSource final : public BodySource {
  public:
    explicit StreamSource(std::unique_ptr<Stream> s) : stream_(std::move(s)) {}
    Result<size_t> read(std::span<char> buf) override { return stream_->read(buf); }

  private:
    std::unique_ptr<Stream> stream_;
};

template <class Stream>
Response stream_response(std::unique_ptr<Stream> stream, const std::string& filename) {
    Response res;
    res.content_type = "application/gzip";
    res.headers.emplace_back("Content-Disposition", attachment_disposition(filename));
    res.headers.emplace_back("Cache-Control", "no-store");
    res.source = std::make_shared<StreamSource<Stream>>(std::move(stream));
    return res;
}

class ImportSink final : public BodySink {
  public:
    ImportSink(BackupService& s, std::unique_ptr<BackupService::ImportUpload> u)
        : service_(s), upload_(std::move(u)) {}
    Result<void> write(std::string_view chunk) override {
        return service_.import_write(*upload_, chunk);
    }
    Response finish() override { return started(service_.import_upload(*upload_)); }
    void abort() override { service_.abort_import(*upload_); }

  private:
    BackupService& service_;
    std::unique_ptr<BackupService::ImportUpload> upload_;
};

}  // namespace

Response database_export(Services& s, const Request& r) {
    auto e = service(s).export_database(*r.caller, r.param("id"));
    if (!e) return error_response(e.error());
    const std::string name = (*e)->filename;
    return stream_response(std::move(*e), name);
}

uint64_t import_body_limit(const Config& c) {
    return static_cast<uint64_t>(c.mariadb.import_max_mb) * 1024 * 1024;
}

SinkOpening database_import(Services& s, const Request& r) {
    // ?path=: a file already in the home; else the body is the SQL.
    if (auto path = r.query("path"); path && !path->empty())
        return SinkOpening{nullptr,
                           started(service(s).import_from_home(*r.caller, r.param("id"), *path))};
    auto upload = service(s).open_import(*r.caller, r.param("id"));
    if (!upload) return SinkOpening{nullptr, error_response(upload.error())};
    return SinkOpening{std::make_unique<ImportSink>(service(s), std::move(*upload)), {}};
}

Response backups_list(Services& s, const Request& r) {
    return respond_list(service(s).list(*r.caller, r.query("owner")), backup_json);
}

Response backups_create(Services& s, const Request& r) {
    std::optional<std::string> owner;
    if (!r.body.empty()) {
        TRY_OR_RESPOND(auto body, parse_object(r));
        Fields f(body);
        TRY_OR_RESPOND(owner, f.string("owner"));
    }
    return started(service(s).start_backup(*r.caller, owner));
}

Response database_move(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(std::string host, f.required_string("host", "host"));
    return started(service(s).move_database(*r.caller, r.param("id"), host));
}

Response backups_get(Services& s, const Request& r) {
    return respond(service(s).get(*r.caller, r.param("id")), backup_json);
}

Response backups_restore(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    RestoreRequest in;
    TRY_OR_RESPOND(in.what, f.required_string("what", "what"));
    TRY_OR_RESPOND(in.database, f.string("database"));
    TRY_OR_RESPOND(auto paths, f.strings("paths"));
    if (paths) in.paths = *paths;
    TRY_OR_RESPOND(in.target, f.string("target"));
    TRY_OR_RESPOND(auto overwrite, f.boolean("overwrite"));
    in.overwrite = overwrite.value_or(false);
    return started(service(s).restore(*r.caller, r.param("id"), in));
}

Response backups_download(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto paths, r.required_query("paths", "paths"));
    auto d = service(s).download(*r.caller, r.param("id"), paths);
    if (!d) return error_response(d.error());
    const std::string name = (*d)->filename;
    return stream_response(std::move(*d), name);
}

Response backups_schedule_get(Services& s, const Request& r) {
    return respond(service(s).schedule(*r.caller, r.query("owner")), schedule_json);
}

Response backups_schedule_put(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    ScheduleInput in;
    TRY_OR_RESPOND(in.owner, f.string("owner"));
    TRY_OR_RESPOND(in.enabled, f.required_boolean("enabled", "enabled"));
    TRY_OR_RESPOND(in.keep_daily, f.integer("keep_daily"));
    TRY_OR_RESPOND(in.keep_weekly, f.integer("keep_weekly"));
    TRY_OR_RESPOND(in.keep_monthly, f.integer("keep_monthly"));
    return respond(service(s).put_schedule(*r.caller, in), schedule_json);
}

Response backups_prune(Services& s, const Request& r) {
    std::optional<std::string> owner;
    if (!r.body.empty()) {
        TRY_OR_RESPOND(auto body, parse_object(r));
        Fields f(body);
        TRY_OR_RESPOND(owner, f.string("owner"));
    }
    return started(service(s).prune(*r.caller, owner));
}

Response backups_tasks_list(Services& s, const Request& r) {
    return respond_list(service(s).tasks().list(*r.caller, r.query("owner")), task_json);
}

Response backups_task_get(Services& s, const Request& r) {
    return respond(service(s).tasks().get(*r.caller, r.param("id")), task_json);
}

Response backups_task_delete(Services& s, const Request& r) {
    return respond(
        service(s).tasks().remove(*r.caller, r.param("id")), [](const FileTasks::Removed& removed) {
            return json::object{{"message", removed.cancelled ? "Task cancelled" : "Task removed"},
                                {"task", task_json(removed.task)}};
        });
}

}  // namespace wsp::api
