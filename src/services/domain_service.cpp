#include "services/domain_service.h"
#include "services/events.h"

#include "base/clock.h"
#include "base/names.h"
#include "services/limits.h"
#include "store/account_repos.h"

namespace wsp {

Result<std::string> resolve_owner(Db& db, const Caller& caller,
                                  const std::optional<std::string>& requested) {
    if (!requested || *requested == caller.username) return caller.username;
    if (!caller.may_act_for(*requested))
        return forbidden(
            "Only an admin, or the reseller that created it, may act for another owner");
    return db.read([&](const ReadTx& tx) -> Result<std::string> {
        if (!UserRepo::find(tx, *requested))
            return validation("Owner '" + *requested + "' does not exist");
        return *requested;
    });
}

std::string DomainService::web_dir(const std::string& domain) {
    return "web/" + domain + "/public_html";
}

Result<std::vector<DomainRecord>> DomainService::list(const Caller& caller,
                                                      const std::optional<std::string>& owner) {
    TRY(auto all, list_page(caller, owner, PageSpec{}));
    return std::move(all.items);
}

Result<Paged<DomainRecord>> DomainService::list_page(const Caller& caller,
                                                     const std::optional<std::string>& owner,
                                                     const PageSpec& page) {
    TRY(std::optional<std::string> filter, list_owner(caller, owner));
    return ctx_.db.read([&](const ReadTx& tx) -> Result<Paged<DomainRecord>> {
        return Paged<DomainRecord>{DomainRepo::list(tx, filter, page),
                                   DomainRepo::count(tx, filter)};
    });
}

Result<DomainRecord> DomainService::get(const Caller& caller, const std::string& domain) {
    return ctx_.db.read([&](const ReadTx& tx) -> Result<DomainRecord> {
        auto d = DomainRepo::find(tx, domain);
        if (!d) return not_found("Domain not found");
        CHECK_OK(ensure_owner_or_admin(caller, d->owner));
        return *d;
    });
}

Result<DomainRecord> DomainService::create(const Caller& caller, const std::string& domain,
                                           const std::optional<std::string>& owner_field) {
    TRY(std::string name, validate_domain(domain));
    TRY(std::string owner, resolve_owner(ctx_.db, caller, owner_field));
    DomainRecord record{name, owner, ctx_.clock.now_unix()};
    auto created = ctx_.db.write([&](WriteTx& tx) -> Result<DomainRecord> {
        // The package limit first: a full account learns nothing about
        // names it could not add anyway.
        CHECK_OK(ensure_below_limit(tx, owner, Limit::domains, DomainRepo::count_of(tx, owner)));
        if (auto existing = DomainRepo::find(tx, name)) {
            // Another customer's domain: refused without saying it exists
            // elsewhere (docs/security.md). The owner and admins are told.
            if (existing->owner != owner && !caller.is_admin())
                return conflict("Domain '" + name + "' cannot be added to this account");
            return conflict("Domain already exists");
        }
        DomainRepo::insert(tx, record);
        // Made inside the transaction: if it fails nothing is recorded. A
        // directory left by a failed commit is empty and harmless.
        CHECK_OK(ctx_.identity.make_dirs(owner, web_dir(name)));
        return record;
    });
    if (created.ok())
        emit_event(ctx_, "domain.created", owner, {{"domain", name}, {"owner", owner}});
    return created;
}

Result<void> DomainService::remove(const Caller& caller, const std::string& domain) {
    std::string owner;
    auto removed = ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        auto d = DomainRepo::find(tx, domain);
        if (!d) return not_found("Domain not found");
        CHECK_OK(ensure_owner_or_admin(caller, d->owner));
        owner = d->owner;
        // The site's files stay in the owner's home: deleting a domain must
        // not silently delete a customer's work.
        DomainRepo::remove(tx, domain);
        return Ok{};
    });
    if (removed.ok())
        emit_event(ctx_, "domain.deleted", owner, {{"domain", domain}, {"owner", owner}});
    return removed;
}

Result<std::string> DomainService::ensure_owned(const std::string& owner,
                                                const std::string& domain) {
    return ctx_.db.read([&](const ReadTx& tx) -> Result<std::string> {
        auto d = DomainRepo::find(tx, domain);
        if (!d || d->owner != owner)
            return validation("Domain '" + domain + "' is not one of " + owner + "'s domains");
        return d->domain;
    });
}

}  // namespace wsp
