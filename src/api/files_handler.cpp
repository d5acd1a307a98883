#include "api/files_handlers.h"
#include "api/respond.h"
#include "services/file_service.h"

namespace wsp::api {
namespace {

namespace json = boost::json;

json::object item_json(const FileItem& f) {
    json::object o{{"name", f.name},
                   {"path", f.path},
                   {"is_dir", f.is_dir},
                   {"size", f.size},
                   {"permission", f.permission},
                   {"owner", f.owner},
                   {"mod_time", f.mod_time},
                   {"is_symlink", f.is_symlink}};
    if (f.link_target) o["link_target"] = *f.link_target;
    return o;
}

json::object content_json(const FileContent& c) {
    return {{"content", c.content}, {"path", c.path}, {"size", c.size}};
}

json::object settings_json(const FileSettings& s) {
    return {{"recycle_bin_enabled", s.recycle_bin_enabled},
            {"editor_font_size", s.editor_font_size},
            {"editor_theme", s.editor_theme}};
}

fs::Overwrite overwrite_of(const std::optional<bool>& b) {
    return b.value_or(false) ? fs::Overwrite::yes : fs::Overwrite::no;
}

FileService& files(Services& s) {
    return *s.files;
}

}  // namespace

Response files_list(Services& s, const Request& r) {
    ListOptions options;
    if (auto sort = r.query("sort")) options.sort = *sort;
    TRY_OR_RESPOND(options.limit, r.query_int("limit"));
    TRY_OR_RESPOND(auto offset, r.query_int("offset"));
    options.offset = offset.value_or(0);
    return respond_list(
        files(s).list(*r.caller, r.query("owner"), r.query("path").value_or("/"), options),
        item_json);
}

Response files_read(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto path, r.required_query("path", "Path"));
    return respond(files(s).read(*r.caller, r.query("owner"), path), content_json);
}

Response files_write(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto path, f.required_string("path", "Path"));
    TRY_OR_RESPOND(auto content, f.string("content"));
    // Missing is not empty: a body without it must not empty the file
    // ("" is a valid, empty file).
    if (!content) return error_response(validation("Content is required"));
    TRY_OR_RESPOND(auto owner, f.string("owner"));
    return respond_message(files(s).write(*r.caller, owner, path, *content),
                           "File saved successfully");
}

Response files_delete(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto path, f.required_string("path", "Path"));
    TRY_OR_RESPOND(auto owner, f.string("owner"));
    return respond(files(s).remove(*r.caller, owner, path), [](bool trashed) {
        return json::object{{"is_trashed", trashed},
                            {"message", trashed ? "Moved to trash" : "Deleted permanently"}};
    });
}

Response files_mkdir(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto path, f.required_string("path", "Path"));
    TRY_OR_RESPOND(auto parents, f.boolean("parents"));
    TRY_OR_RESPOND(auto owner, f.string("owner"));
    auto p = parents.value_or(false) ? fs::Parents::yes : fs::Parents::no;
    return respond_message(files(s).mkdir(*r.caller, owner, path, p),
                           "Directory created successfully");
}

Response files_rename(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto path, f.required_string("path", "Path"));
    TRY_OR_RESPOND(auto new_path, f.required_string("new_path", "New path"));
    TRY_OR_RESPOND(auto owner, f.string("owner"));
    return respond_message(files(s).rename(*r.caller, owner, path, new_path),
                           "Renamed successfully");
}

namespace {
// A synchronous compress/extract/copy of more than files.auto_async_mb
// would hold a worker (and a customer's share of them) for as long as it
// runs: it becomes a task, answered like async:true (202 + Location). A
// move is a rename inside the home, as quick for a big tree as for a file.
bool too_big_to_wait(Services& s, const Request& r, const std::optional<std::string>& owner,
                     const std::vector<std::string>& inputs) {
    return files(s).better_as_task(*r.caller, owner, inputs);
}

// The body of /files/copy and /files/move: {source, destination, overwrite?, owner?}.
struct Transfer {
    std::string source;
    std::string destination;
    std::optional<bool> overwrite;
    std::optional<std::string> owner;
    bool async = false;
};

Result<Transfer> read_transfer(const Request& r) {
    TRY(auto body, parse_object(r));
    Fields f(body);
    Transfer t;
    TRY(t.source, f.required_string("source", "Source"));
    TRY(t.destination, f.required_string("destination", "Destination"));
    TRY(t.overwrite, f.boolean("overwrite"));
    TRY(t.owner, f.string("owner"));
    TRY(auto async, f.boolean("async"));
    t.async = async.value_or(false);
    return t;
}
}  // namespace

Response files_copy(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto t, read_transfer(r));
    if (t.async || too_big_to_wait(s, r, t.owner, {t.source}))
        return task_started(files(s).copy_async(*r.caller, t.owner, t.source, t.destination,
                                                overwrite_of(t.overwrite)));
    return respond_message(
        files(s).copy(*r.caller, t.owner, t.source, t.destination, overwrite_of(t.overwrite)),
        "Copied successfully");
}

Response files_move(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto t, read_transfer(r));
    if (t.async)
        return task_started(files(s).move_async(*r.caller, t.owner, t.source, t.destination,
                                                overwrite_of(t.overwrite)));
    return respond_message(
        files(s).move(*r.caller, t.owner, t.source, t.destination, overwrite_of(t.overwrite)),
        "Moved successfully");
}

Response files_chmod(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto path, f.required_string("path", "Path"));
    TRY_OR_RESPOND(auto mode, f.required_string("mode", "Mode"));
    TRY_OR_RESPOND(auto recursive, f.boolean("recursive"));
    TRY_OR_RESPOND(auto owner, f.string("owner"));
    auto rec = recursive.value_or(false) ? fs::Recursive::yes : fs::Recursive::no;
    return respond_message(files(s).chmod(*r.caller, owner, path, mode, rec),
                           "Permissions changed successfully");
}

Response files_compress(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto paths, f.strings("paths"));
    if (!paths || paths->empty()) return error_response(validation("Paths are required"));
    TRY_OR_RESPOND(auto archive, f.required_string("archive", "Archive"));
    TRY_OR_RESPOND(auto overwrite, f.boolean("overwrite"));
    TRY_OR_RESPOND(auto owner, f.string("owner"));
    TRY_OR_RESPOND(auto async, f.boolean("async"));
    if (async.value_or(false) || too_big_to_wait(s, r, owner, *paths))
        return task_started(
            files(s).compress_async(*r.caller, owner, *paths, archive, overwrite_of(overwrite)));
    return respond_message(
        files(s).compress(*r.caller, owner, *paths, archive, overwrite_of(overwrite)),
        "Archive created successfully");
}

Response files_extract(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto archive, f.required_string("archive", "Archive"));
    TRY_OR_RESPOND(auto destination, f.string("destination"));
    TRY_OR_RESPOND(auto overwrite, f.boolean("overwrite"));
    TRY_OR_RESPOND(auto owner, f.string("owner"));
    TRY_OR_RESPOND(auto async, f.boolean("async"));
    if (async.value_or(false) || too_big_to_wait(s, r, owner, {archive}))
        return task_started(files(s).extract_async(
            *r.caller, owner, archive, destination.value_or(""), overwrite_of(overwrite)));
    return respond_message(files(s).extract(*r.caller, owner, archive, destination.value_or(""),
                                            overwrite_of(overwrite)),
                           "Archive extracted successfully");
}

Response files_search(Services& s, const Request& r) {
    FileService::SearchOptions o;
    o.path = r.query("path").value_or("/");
    o.q = r.query("q").value_or("");
    o.content = r.query("content").value_or("");
    auto cs = r.query("case_sensitive").value_or("false");
    if (cs != "true" && cs != "false")
        return error_response(validation("case_sensitive must be true or false"));
    o.case_sensitive = cs == "true";
    TRY_OR_RESPOND(o.limit, r.query_int("limit"));
    return respond(
        files(s).search(*r.caller, r.query("owner"), o),
        [](const FileService::SearchResults& found) {
            json::array results;
            for (const auto& f : found.results) results.push_back(item_json(f));
            json::object out{{"results", std::move(results)}, {"truncated", found.truncated}};
            if (!found.stopped_by.empty()) out["stopped_by"] = found.stopped_by;
            return out;
        });
}

Response files_trash(Services& s, const Request& r) {
    return respond(s.file_trash->list(*r.caller, r.query("owner")),
                   [](const std::vector<TrashItem>& items) {
                       json::array out;
                       for (const auto& i : items)
                           out.push_back(json::object{{"trash_path", i.trash_path},
                                                      {"original_path", i.original_path},
                                                      {"name", i.name},
                                                      {"is_dir", i.is_dir},
                                                      {"size", i.size},
                                                      {"deleted_at", i.deleted_at}});
                       return json::object{{"items", std::move(out)}};
                   });
}

Response files_trash_restore(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto trash_path, f.required_string("trash_path", "Trash path"));
    TRY_OR_RESPOND(auto overwrite, f.boolean("overwrite"));
    TRY_OR_RESPOND(auto owner, f.string("owner"));
    return respond_message(
        s.file_trash->restore(*r.caller, owner, trash_path, overwrite_of(overwrite)),
        "Restored successfully");
}

Response files_trash_empty(Services& s, const Request& r) {
    return respond(s.file_trash->empty(*r.caller, r.query("owner")), [](int64_t n) {
        return json::object{{"message", "Deleted " + std::to_string(n) + " items permanently"}};
    });
}

Response files_trash_remove(Services& s, const Request& r) {
    return respond_message(
        s.file_trash->remove_item(*r.caller, r.query("owner"), r.param("trash_path")),
        "Deleted 1 items permanently");
}

Response files_history(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto path, r.required_query("path", "Path"));
    return respond(s.file_history->list(*r.caller, r.query("owner"), path),
                   [&](const std::vector<HistoryVersion>& versions) {
                       json::array out;
                       for (const auto& v : versions)
                           out.push_back(json::object{
                               {"id", v.version}, {"size", v.size}, {"saved_at", v.saved_at}});
                       return json::object{{"path", path}, {"versions", std::move(out)}};
                   });
}

Response files_history_read(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto path, r.required_query("path", "Path"));
    TRY_OR_RESPOND(auto version, r.required_query("version", "Version"));
    return respond(s.file_history->read(*r.caller, r.query("owner"), path, version), content_json);
}

Response files_history_restore(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto path, f.required_string("path", "Path"));
    TRY_OR_RESPOND(auto version, f.required_string("version", "Version"));
    TRY_OR_RESPOND(auto owner, f.string("owner"));
    return respond_message(files(s).history_restore(*r.caller, owner, path, version),
                           "Version restored successfully");
}

Response files_get_config(Services& s, const Request& r) {
    return respond(s.file_settings->get(*r.caller, r.query("owner")), settings_json);
}

Response files_put_config(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    FileSettingsUpdate u;
    TRY_OR_RESPOND(u.recycle_bin_enabled, f.boolean("recycle_bin_enabled"));
    TRY_OR_RESPOND(u.editor_font_size, f.integer("editor_font_size"));
    TRY_OR_RESPOND(u.editor_theme, f.string("editor_theme"));
    TRY_OR_RESPOND(auto owner, f.string("owner"));
    return respond(s.file_settings->update(*r.caller, owner, u), settings_json);
}

Response files_upload_limits(Services& s, const Request&) {
    return json_response(json::object{{"max_upload_mb", files(s).max_upload_mb()}});
}

}  // namespace wsp::api

// Bulk actions (docs/files.md, Bulk actions): one request, several paths,
// each done on its own through the same service call as the single-path
// route, and an exact per-path answer. Nothing is rolled back: what
// succeeded stays done and is listed as such.
namespace wsp::api {
namespace {

constexpr size_t kMaxBulkPaths = 1000;

Result<std::vector<std::string>> bulk_paths(const Fields& f, const char* key) {
    TRY(auto paths, f.strings(key));
    if (!paths || paths->empty())
        return validation(std::string("Field '") + key + "' is required (a non-empty list)");
    if (paths->size() > kMaxBulkPaths)
        return validation(std::string("Field '") + key + "' lists too many paths (at most " +
                          std::to_string(kMaxBulkPaths) + ")");
    return *paths;
}

std::string base_name(const std::string& path) {
    std::string p = path;
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    auto slash = p.rfind('/');
    return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string join_dir(const std::string& dir, const std::string& name) {
    if (dir.empty() || dir.back() == '/') return dir + name;
    return dir + "/" + name;
}

// Runs `one` for each path; 200 with {results, succeeded, failed, message}.
template <typename One>
Response bulk_response(const std::vector<std::string>& paths, const char* verb, One&& one) {
    json::array results;
    int64_t ok = 0, failed = 0;
    for (const auto& path : paths) {
        Result<std::string> r = one(path);
        if (r) {
            ++ok;
            results.push_back(json::object{{"path", path}, {"success", true}, {"message", *r}});
        } else {
            ++failed;
            json::object o = error_json(r.error());
            o["path"] = path;
            results.push_back(std::move(o));
        }
    }
    std::string message = std::to_string(ok) + " of " + std::to_string(paths.size()) + " " + verb;
    if (failed) message += "; " + std::to_string(failed) + " failed";
    return json_response(json::object{{"results", std::move(results)},
                                      {"succeeded", ok},
                                      {"failed", failed},
                                      {"message", message}});
}

Result<std::string> done(const Result<void>& r, const char* message) {
    if (!r) return r.error();
    return std::string(message);
}

}  // namespace

Response files_bulk_delete(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto paths, bulk_paths(f, "paths"));
    TRY_OR_RESPOND(auto owner, f.string("owner"));
    return bulk_response(paths, "deleted", [&](const std::string& path) -> Result<std::string> {
        TRY(bool trashed, files(s).remove(*r.caller, owner, path));
        return std::string(trashed ? "Moved to trash" : "Deleted permanently");
    });
}

Response files_bulk_chmod(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto paths, bulk_paths(f, "paths"));
    TRY_OR_RESPOND(auto mode, f.required_string("mode", "Mode"));
    TRY_OR_RESPOND(auto recursive, f.boolean("recursive"));
    TRY_OR_RESPOND(auto owner, f.string("owner"));
    auto rec = recursive.value_or(false) ? fs::Recursive::yes : fs::Recursive::no;
    return bulk_response(paths, "changed", [&](const std::string& path) {
        return done(files(s).chmod(*r.caller, owner, path, mode, rec),
                    "Permissions changed successfully");
    });
}

namespace {
// {sources, destination (a directory), overwrite?, owner?}: each source
// goes to destination/<its name>.
template <typename Op>
Response bulk_transfer(Services& s, const Request& r, const char* verb, Op&& op) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto sources, bulk_paths(f, "sources"));
    TRY_OR_RESPOND(auto destination, f.required_string("destination", "Destination"));
    TRY_OR_RESPOND(auto overwrite, f.boolean("overwrite"));
    TRY_OR_RESPOND(auto owner, f.string("owner"));
    (void)s;
    return bulk_response(sources, verb, [&](const std::string& source) {
        return op(owner, source, join_dir(destination, base_name(source)), overwrite_of(overwrite));
    });
}
}  // namespace

Response files_bulk_copy(Services& s, const Request& r) {
    return bulk_transfer(
        s, r, "copied",
        [&](const auto& owner, const std::string& from, const std::string& to, fs::Overwrite o) {
            return done(files(s).copy(*r.caller, owner, from, to, o), "Copied successfully");
        });
}

Response files_bulk_move(Services& s, const Request& r) {
    return bulk_transfer(
        s, r, "moved",
        [&](const auto& owner, const std::string& from, const std::string& to, fs::Overwrite o) {
            return done(files(s).move(*r.caller, owner, from, to, o), "Moved successfully");
        });
}

Response files_bulk_restore(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto paths, bulk_paths(f, "trash_paths"));
    TRY_OR_RESPOND(auto overwrite, f.boolean("overwrite"));
    TRY_OR_RESPOND(auto owner, f.string("owner"));
    return bulk_response(paths, "restored", [&](const std::string& trash_path) {
        return done(s.file_trash->restore(*r.caller, owner, trash_path, overwrite_of(overwrite)),
                    "Restored successfully");
    });
}

}  // namespace wsp::api
