#include "services/sso_service.h"

#include <sodium.h>

#include <algorithm>

#include "base/secrets.h"
#include "base/strings.h"
#include "store/account_repos.h"
#include "store/sso_repo.h"

namespace wsp {
namespace {

// A path of the web interface: "/" then no second "/" (no
// protocol-relative "//host"), no backslash, no control characters.
Result<void> check_target(const std::string& p) {
    bool ok = !p.empty() && p.size() <= 512 && p[0] == '/' && (p.size() < 2 || p[1] != '/');
    for (char c : p)
        if (static_cast<unsigned char>(c) < 0x21 || c == '\\' || c == 0x7f) ok = false;
    if (!ok) return validation("target_path must be a path of the panel starting with /");
    return Ok{};
}

std::string random_token() {
    std::string bytes(32, '\0');
    randombytes_buf(bytes.data(), bytes.size());
    return base64_encode(bytes, Base64::url_unpadded);
}

}  // namespace

Result<void> SsoService::may_mint_for(const Caller& caller, const UserRecord& target) const {
    if (target.role == Role::admin) return forbidden("Cannot mint SSO for admin accounts");
    if (caller.is_admin()) return Ok{};
    // A reseller, for its own customers (docs/resellers.md).
    if (caller.is_reseller() && target.username != caller.username &&
        caller.may_act_for(target.username))
        return Ok{};
    return forbidden("Only an admin, or a reseller for its own customers, may mint SSO");
}

Result<SsoMinted> SsoService::mint(const Caller& caller, const SsoMintInput& in,
                                   const AuditContext& where) {
    if (caller.key_id.empty()) return forbidden("SSO can only be minted with an API key");
    if (in.username.empty()) return validation("Username is required");
    CHECK_OK(check_target(in.target_path));
    if (in.reason.size() > 500) return validation("reason is too long (500 characters at most)");
    // A reseller learns nothing of accounts that are not its customers.
    if (!caller.is_admin() && !caller.may_act_for(in.username))
        return forbidden("Only an admin, or a reseller for its own customers, may mint SSO");
    TRY(UserRecord target, ctx_.db.read([&](const ReadTx& tx) -> Result<UserRecord> {
        auto u = UserRepo::find(tx, in.username);
        if (!u) return not_found("User not found");
        return *u;
    }));
    CHECK_OK(may_mint_for(caller, target));
    if (target.status != AccountStatus::active) return forbidden("Account suspended");
    const int64_t now = ctx_.clock.now_unix();
    SsoMinted out;
    out.nonce = random_token();
    out.username = target.username;
    out.target_path = in.target_path;
    out.expires_in = std::clamp<int64_t>(in.expires_in, 30, 900);
    SsoNonceRecord r;
    r.nonce_hash = sha256_hex(out.nonce);
    r.username = target.username;
    r.target_path = out.target_path;
    r.reason = in.reason;
    r.minted_by = caller.username + (caller.key_id.empty() ? "" : " key:" + caller.key_id);
    r.expires_at = now + out.expires_in;
    r.created_at = now;
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        // Old nonces go (consumed or not, an hour after their end).
        SsoRepo::purge_before(tx, now - 3600);
        SsoRepo::insert(tx, r);
        return Ok{};
    }));
    audit_.record(caller, where, "sso.mint",
                  "user:" + target.username + (in.reason.empty() ? "" : " reason:" + in.reason),
                  200);
    return out;
}

Result<SsoConsumed> SsoService::consume(const std::string& nonce, const AuditContext& where) {
    const int64_t now = ctx_.clock.now_unix();
    const std::string hash = sha256_hex(nonce);
    const std::string code = random_token();
    TRY(SsoNonceRecord r, ctx_.db.write([&](WriteTx& tx) -> Result<SsoNonceRecord> {
        auto found = SsoRepo::find(tx, hash);
        if (!found || !SsoRepo::consume(tx, hash, now, sha256_hex(code)))
            return gone("This sign-in link is invalid, used or expired");
        return *found;
    }));
    audit_.record_anonymous(r.username, where, "sso.consume", "minted by " + r.minted_by, "ok");
    return SsoConsumed{code, r.target_path};
}

Result<LoginResult> SsoService::exchange(const std::string& code, const std::string& user_agent,
                                         const AuditContext& where) {
    if (code.empty()) return validation("code is required");
    const int64_t now = ctx_.clock.now_unix();
    const std::string hash = sha256_hex(code);
    TRY(UserRecord user, ctx_.db.write([&](WriteTx& tx) -> Result<UserRecord> {
        auto r = SsoRepo::find_by_exchange(tx, hash);
        if (!r || r->consumed_at + kExchangeTtlS < now || !SsoRepo::exchange(tx, hash, now))
            return unauthorized("Invalid or expired sign-on code");
        auto u = UserRepo::find(tx, r->username);
        if (!u) return unauthorized("Invalid or expired sign-on code");
        if (u->status != AccountStatus::active) return forbidden("Account suspended");
        return *u;
    }));
    // An ordinary session, as a login makes one (never fresh for
    // re-authentication: no password was proved).
    LoginResult out;
    out.token = random_hex(32);
    out.user = user;
    out.expires_in = ctx_.config.auth.session_ttl_s;
    SessionRecord session{sha256_hex(out.token),
                          user.username,
                          where.client_ip,
                          now,
                          now + out.expires_in,
                          user_agent.substr(0, 256),
                          0,
                          ""};
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        SessionRepo::insert(tx, session);
        return Ok{};
    }));
    ctx_.index.put_session(session);
    audit_.record_anonymous(user.username, where, "auth.login", "sso", "ok");
    return out;
}

}  // namespace wsp
