#include <boost/json.hpp>
#include <charconv>

#include "api/files_download.h"
#include "api/files_transfer_handlers.h"
#include "base/strings.h"
#include "http/json_io.h"
#include "http/multipart.h"
#include "services/transfer_service.h"

namespace wsp::api {
namespace {

namespace json = boost::json;

constexpr size_t kMaxFieldBytes = 4096;
constexpr const char* kTusVersion = "1.0.0";

bool truthy(std::string_view v) {
    return v == "true" || v == "1" || v == "on" || v == "yes";
}

TransferService& transfer(Services& s) {
    return *s.transfer;
}

SinkOpening refuse(const Error& e) {
    return SinkOpening{nullptr, error_response(e)};
}

// ---- multipart -------------------------------------------------------------

// Streams a multipart/form-data body into an UploadSession. The directory
// comes from the `path` query parameter or a `path` field before the files.
class MultipartSink final : public BodySink, private MultipartEvents {
  public:
    MultipartSink(TransferService& service, std::string owner, std::string boundary,
                  std::unique_ptr<UploadSession> session, bool overwrite)
        : service_(service),
          owner_(std::move(owner)),
          parser_(std::move(boundary)),
          session_(std::move(session)),
          overwrite_(overwrite) {}

    Result<void> write(std::string_view chunk) override { return parser_.feed(chunk, *this); }

    Response finish() override {
        if (!parser_.done()) {
            abort();
            return error_response(
                validation("Malformed multipart body: the closing boundary is missing"));
        }
        if (!session_) return error_response(validation("Path is required"));
        if (files_ == 0) {
            abort();
            return error_response(validation("Files are required (no file part in the form)"));
        }
        auto written = session_->commit();
        if (!written) {
            abort();
            return error_response(written.error());
        }
        json::array list;
        for (const auto& f : *written)
            list.push_back(json::object{{"name", f.name}, {"path", f.path}, {"size", f.size}});
        const size_t n = list.size();
        return json_response(json::object{
            {"message", "Uploaded " + std::to_string(n) + (n == 1 ? " file" : " files")},
            {"files", std::move(list)}});
    }

    void abort() override {
        if (session_) session_->discard();
    }

  private:
    Result<void> on_part_begin(const PartHeaders& h) override {
        field_.reset();
        in_file_ = false;
        if (h.filename) {
            if (h.filename->empty()) return Ok{};  // a form's empty file input
            if (!session_)
                return validation(
                    "Path is required (a query parameter, or a form field before "
                    "the files)");
            CHECK_OK(session_->begin_file(*h.filename));
            in_file_ = true;
            ++files_;
            return Ok{};
        }
        if (h.name == "path" || h.name == "overwrite") {
            field_ = h.name;
            value_.clear();
        }
        return Ok{};
    }

    Result<void> on_part_data(std::string_view data) override {
        if (in_file_) return session_->write(data);
        if (field_) {
            if (value_.size() + data.size() > kMaxFieldBytes)
                return validation("Field '" + *field_ + "' is too long");
            value_.append(data);
        }
        return Ok{};
    }

    Result<void> on_part_end() override {
        if (in_file_) {
            in_file_ = false;
            return session_->end_file();
        }
        if (!field_) return Ok{};
        if (*field_ == "overwrite") {
            overwrite_ = truthy(value_);
            if (session_) session_->set_overwrite(overwrite_);
        } else if (*field_ == "path") {
            if (session_) return validation("Path is given twice");
            TRY(session_, service_.open_session(owner_, value_, overwrite_));
        }
        field_.reset();
        return Ok{};
    }

    TransferService& service_;
    std::string owner_;
    MultipartParser parser_;
    std::unique_ptr<UploadSession> session_;
    bool overwrite_;
    std::optional<std::string> field_;
    std::string value_;
    bool in_file_ = false;
    size_t files_ = 0;
};

// ---- tus ---------------------------------------------------------------------

void tus_headers(Response& r) {
    r.headers.emplace_back("Tus-Resumable", kTusVersion);
}

Response tus(Response r) {
    tus_headers(r);
    return r;
}

Response no_content() {
    Response r;
    r.status = 204;
    r.content_type.clear();
    return r;
}

// 412 unless the client speaks tus 1.0.0.
std::optional<Response> check_version(const Request& r) {
    auto v = r.header("tus-resumable");
    if (v && *v == kTusVersion) return std::nullopt;
    Response e = error_response(
        validation("Tus-Resumable must be 1.0.0 (the only version this server speaks)"), 412);
    e.headers.emplace_back("Tus-Version", kTusVersion);
    return tus(std::move(e));
}

std::optional<int64_t> non_negative(std::string_view v) {
    int64_t n = -1;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size() || n < 0) return std::nullopt;
    return n;
}

// "key base64,key2 base64" -> map; nullopt when malformed.
std::optional<std::map<std::string, std::string>> parse_metadata(std::string_view v) {
    std::map<std::string, std::string> out;
    while (!v.empty()) {
        size_t comma = v.find(',');
        std::string_view pair = trim(v.substr(0, comma), " ");
        if (!pair.empty()) {
            size_t space = pair.find(' ');
            std::string key(pair.substr(0, space));
            std::string value;
            if (space != std::string_view::npos) {
                auto decoded = base64_decode(pair.substr(space + 1), Base64::standard);
                if (!decoded) return std::nullopt;
                value = std::move(*decoded);
            }
            out[key] = std::move(value);
        }
        if (comma == std::string_view::npos) break;
        v.remove_prefix(comma + 1);
    }
    return out;
}

class TusSink final : public BodySink {
  public:
    explicit TusSink(std::unique_ptr<TusAppend> append) : append_(std::move(append)) {}
    Result<void> write(std::string_view chunk) override { return append_->write(chunk); }
    Response finish() override {
        auto p = append_->finish();
        if (!p) return tus(error_response(p.error()));
        Response r = no_content();
        r.headers.emplace_back("Upload-Offset", std::to_string(p->offset));
        return tus(std::move(r));
    }
    void abort() override { append_->abort(); }

  private:
    std::unique_ptr<TusAppend> append_;
};

std::string upload_location(const std::string& id) {
    return "/api/v1/files/uploads/" + id;
}

}  // namespace

uint64_t upload_body_limit(const Config& c) {
    // The files plus room for the form's own parts and headers.
    return static_cast<uint64_t>(c.files.max_upload_mb) * 1024 * 1024 + 1024 * 1024;
}

uint64_t edit_body_limit(const Config& c) {
    // max_edit_kb of content, JSON-encoded (escapes can double it), never
    // below the server's own limit; the service checks the exact size.
    uint64_t edit = static_cast<uint64_t>(c.files.max_edit_kb) * 1024 * 2 + 64 * 1024;
    return std::max(edit, static_cast<uint64_t>(c.server.max_body_bytes));
}

SinkOpening files_upload(Services& s, const Request& r) {
    auto boundary = multipart_boundary(r.content_type);
    if (!boundary) return refuse(boundary.error());
    auto owner = transfer(s).owner_of(*r.caller, r.query("owner"));
    if (!owner) return refuse(owner.error());
    bool overwrite = truthy(r.query("overwrite").value_or(""));
    std::unique_ptr<UploadSession> session;
    if (auto path = r.query("path")) {
        auto opened = transfer(s).open_session(*owner, *path, overwrite);
        if (!opened) return refuse(opened.error());
        session = std::move(*opened);
    }
    return SinkOpening{std::make_unique<MultipartSink>(transfer(s), *owner, std::move(*boundary),
                                                       std::move(session), overwrite),
                       {}};
}

Response files_download(Services& s, const Request& r) {
    auto path = r.query("path");
    if (!path || path->empty()) return error_response(validation("Path is required"));
    auto owner = transfer(s).owner_of(*r.caller, r.query("owner"));
    if (!owner) return error_response(owner.error());
    return download_response(s, *owner, *path, r);
}

Response files_tus_options(Services& s, const Request&) {
    Response r = no_content();
    r.headers.emplace_back("Tus-Version", kTusVersion);
    r.headers.emplace_back("Tus-Extension", "creation,termination");
    r.headers.emplace_back("Tus-Max-Size", std::to_string(transfer(s).max_upload_bytes()));
    return tus(std::move(r));
}

Response files_tus_create(Services& s, const Request& r) {
    if (auto bad = check_version(r)) return std::move(*bad);
    if (r.header("upload-defer-length"))
        return tus(error_response(validation("Upload-Defer-Length is not supported")));
    auto length_header = r.header("upload-length");
    if (!length_header) return tus(error_response(validation("Upload-Length is required")));
    auto length = non_negative(*length_header);
    if (!length)
        return tus(error_response(validation("Upload-Length must be a non-negative integer")));
    auto meta = parse_metadata(r.header("upload-metadata").value_or(""));
    if (!meta) return tus(error_response(validation("Upload-Metadata is malformed")));
    TusCreate in;
    in.length = *length;
    auto get = [&](const char* key) -> std::optional<std::string> {
        auto it = meta->find(key);
        if (it == meta->end()) return std::nullopt;
        return it->second;
    };
    auto filename = get("filename");
    if (!filename || filename->empty())
        return tus(error_response(validation("Filename is required (Upload-Metadata filename)")));
    in.filename = *filename;
    in.path = get("path").value_or("/");
    in.overwrite = truthy(get("overwrite").value_or(""));
    in.owner = get("owner");
    auto created = transfer(s).tus_create(*r.caller, in);
    if (!created) return tus(error_response(created.error()));
    Response out;
    out.status = 201;
    out.content_type.clear();
    out.headers.emplace_back("Location", upload_location(created->id));
    out.headers.emplace_back("Upload-Offset", "0");
    return tus(std::move(out));
}

Response files_tus_head(Services& s, const Request& r) {
    if (auto bad = check_version(r)) return std::move(*bad);
    auto u = transfer(s).tus_get(*r.caller, r.param("id"));
    if (!u) return tus(error_response(u.error()));
    Response out;
    out.content_type.clear();
    out.headers.emplace_back("Upload-Offset", std::to_string(u->offset));
    out.headers.emplace_back("Upload-Length", std::to_string(u->length));
    out.headers.emplace_back("Cache-Control", "no-store");
    return tus(std::move(out));
}

SinkOpening files_tus_patch(Services& s, const Request& r) {
    if (auto bad = check_version(r)) return SinkOpening{nullptr, std::move(*bad)};
    auto fail = [](Response e) { return SinkOpening{nullptr, tus(std::move(e))}; };
    std::string_view type = r.content_type;
    if (type.substr(0, type.find(';')) != "application/offset+octet-stream")
        return fail(error_response(
            validation("Content-Type must be application/offset+octet-stream"), 415));
    auto offset_header = r.header("upload-offset");
    auto offset = offset_header ? non_negative(*offset_header) : std::nullopt;
    if (!offset)
        return fail(error_response(validation("Upload-Offset must be a non-negative integer")));
    std::optional<int64_t> length;
    if (auto cl = r.header("content-length")) length = non_negative(*cl);
    auto append = transfer(s).tus_append(*r.caller, r.param("id"), *offset, length);
    if (!append) return fail(error_response(append.error()));
    return SinkOpening{std::make_unique<TusSink>(std::move(*append)), {}};
}

Response files_tus_delete(Services& s, const Request& r) {
    if (auto bad = check_version(r)) return std::move(*bad);
    auto done = transfer(s).tus_delete(*r.caller, r.param("id"));
    if (!done) return tus(error_response(done.error()));
    return tus(no_content());
}

}  // namespace wsp::api
