#include "services/backup_records.h"

#include <algorithm>

#include "base/secrets.h"
#include "services/cron_service.h"
#include "services/domain_service.h"
#include "services/ftp_service.h"
#include "store/account_repos.h"
#include "store/cron_repo.h"
#include "store/database_repo.h"
#include "store/ftp_repo.h"

namespace wsp {
namespace json = boost::json;
namespace {

std::string text_of(const json::object& o, const char* key) {
    const json::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<int64_t> int_of(const json::object& o, const char* key) {
    const json::value* v = o.if_contains(key);
    if (v && v->is_int64()) return v->as_int64();
    return std::nullopt;
}

std::optional<bool> bool_of(const json::object& o, const char* key) {
    const json::value* v = o.if_contains(key);
    if (v && v->is_bool()) return v->as_bool();
    return std::nullopt;
}

// The saved array `key` as objects (anything else in it is ignored).
std::vector<json::object> objects_of(const json::object& saved, const char* key) {
    std::vector<json::object> out;
    if (const json::value* v = saved.if_contains(key); v && v->is_array())
        for (const auto& item : v->as_array())
            if (item.is_object()) out.push_back(item.as_object());
    return out;
}

std::optional<std::string> owner_field(const Caller& caller, const std::string& to) {
    // An admin, or a reseller restoring its customer, names the owner.
    return caller.may_act_for(to) && caller.username != to ? std::optional<std::string>(to)
                                                           : std::nullopt;
}

void recreate_domains(const RecordServices& s, const Caller& caller, const json::object& saved,
                      const std::string& to, std::vector<std::string>& skipped) {
    const json::value* list = saved.if_contains("domains");
    if (!list || !list->is_array()) return;
    for (const auto& d : list->as_array()) {
        if (!d.is_string()) continue;
        const std::string domain(d.as_string());
        auto held = s.domains->get(caller, domain);
        if (held && held->owner == to) continue;
        auto made = s.domains->create(caller, domain, owner_field(caller, to));
        if (!made) skipped.push_back("domain " + domain + ": " + made.error().message);
    }
}

void recreate_ftp(const RecordServices& s, const Caller& caller, const json::object& saved,
                  const std::string& from, const std::string& to,
                  std::vector<std::string>& skipped) {
    auto current = s.ftp->list(caller, owner_field(caller, to));
    if (!current) {
        skipped.push_back("FTP accounts: " + current.error().message);
        return;
    }
    for (const auto& a : objects_of(saved, "ftp_accounts")) {
        const std::string old_name = text_of(a, "username");
        if (!old_name.starts_with(from + "_")) continue;
        const std::string suffix = old_name.substr(from.size() + 1);
        const std::string name = to + "_" + suffix;
        if (std::any_of(current->begin(), current->end(),
                        [&](const FtpAccount& f) { return f.username == name; }))
            continue;
        NewFtpAccount in;
        in.username = suffix;
        in.password = random_hex(16) + "Aa1!";
        in.owner = owner_field(caller, to);
        // Relative to the home (an absolute one would name the old home).
        if (std::string home = text_of(a, "home"); !home.empty()) in.home_dir = home;
        if (std::string domain = text_of(a, "domain"); !domain.empty()) in.domain = domain;
        in.quota_mb = int_of(a, "quota_mb");
        in.read_only = bool_of(a, "read_only");
        if (const json::value* ips = a.if_contains("allowed_ips"); ips && ips->is_array()) {
            std::vector<std::string> list;
            for (const auto& ip : ips->as_array())
                if (ip.is_string()) list.emplace_back(ip.as_string());
            in.allowed_ips = std::move(list);
        }
        auto made = s.ftp->create(caller, in);
        if (!made && in.domain) {
            // Its domain did not come back (held by another account): the
            // account is still useful without the link.
            in.domain.reset();
            made = s.ftp->create(caller, in);
        }
        if (!made) skipped.push_back("FTP account " + name + ": " + made.error().message);
    }
}

void recreate_cron(const RecordServices& s, const Caller& caller, const json::object& saved,
                   const std::string& to, std::vector<std::string>& skipped) {
    auto current = s.cron->list(caller, owner_field(caller, to));
    if (!current) {
        skipped.push_back("cron jobs: " + current.error().message);
        return;
    }
    for (const auto& j : objects_of(saved, "cron_jobs")) {
        NewCronJob in;
        in.name = text_of(j, "name");
        in.command = text_of(j, "command");
        in.cron_expr = text_of(j, "schedule");
        if (std::any_of(current->begin(), current->end(), [&](const CronJobView& v) {
                return v.job.name == in.name && v.job.command == in.command;
            }))
            continue;
        if (std::string domain = text_of(j, "domain"); !domain.empty()) in.domain = domain;
        in.enabled = bool_of(j, "enabled");
        in.timeout_sec = int_of(j, "timeout_sec");
        in.owner = owner_field(caller, to);
        auto made = s.cron->create(caller, in);
        if (!made) skipped.push_back("cron job " + in.name + ": " + made.error().message);
    }
}

}  // namespace

Result<std::string> saved_records_json(Db& db, const std::string& owner) {
    return db.read([&](const ReadTx& tx) -> Result<std::string> {
        auto user = UserRepo::find(tx, owner);
        if (!user) return not_found("User not found");
        json::object o;
        o["format"] = 1;
        // No password hash, no API key: a restore recreates the records
        // and the owner sets new passwords (docs/backups.md).
        o["account"] = json::object{{"username", user->username},
                                    {"email", user->email},
                                    {"role", name_of(user->role)},
                                    {"package", user->package},
                                    {"status", name_of(user->status)}};
        if (auto pkg = PackageRepo::find(tx, user->package)) o["package"] = pkg->name;
        json::array domains;
        for (const auto& d : DomainRepo::list(tx, owner)) domains.push_back(json::value(d.domain));
        o["domains"] = std::move(domains);
        json::array dbs;
        for (const auto& d : DatabaseRepo::list(tx, owner))
            dbs.push_back(json::object{{"name", d.name},
                                       {"user", d.user},
                                       {"domain", d.domain},
                                       {"remote_access", d.remote_access},
                                       {"remote_host", d.remote_host},
                                       {"grants", "ALL PRIVILEGES ON " + d.name + ".*"}});
        o["databases"] = std::move(dbs);
        json::array ftp;
        for (const auto& f : FtpRepo::list(tx, owner)) {
            json::array ips;
            for (const auto& ip : f.allowed_ips) ips.push_back(json::value(ip));
            ftp.push_back(json::object{{"username", f.username},
                                       {"home", f.home_rel},
                                       {"domain", f.domain},
                                       {"quota_mb", f.quota_mb},
                                       {"read_only", f.read_only},
                                       {"enabled", f.enabled},
                                       {"allowed_ips", std::move(ips)}});
        }
        o["ftp_accounts"] = std::move(ftp);
        json::array cron;
        for (const auto& j : CronRepo::list(tx, owner))
            cron.push_back(json::object{{"name", j.name},
                                        {"command", j.command},
                                        {"schedule", j.cron_expr},
                                        {"domain", j.domain},
                                        {"enabled", j.enabled},
                                        {"timeout_sec", j.timeout_sec}});
        o["cron_jobs"] = std::move(cron);
        return json::serialize(o);
    });
}

std::vector<std::string> recreate_records(const RecordServices& services, const Caller& caller,
                                          const json::object& saved, const std::string& from,
                                          const std::string& to) {
    std::vector<std::string> skipped;
    if (services.domains) recreate_domains(services, caller, saved, to, skipped);
    if (services.ftp) recreate_ftp(services, caller, saved, from, to, skipped);
    if (services.cron) recreate_cron(services, caller, saved, to, skipped);
    return skipped;
}

}  // namespace wsp
