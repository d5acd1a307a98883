#include "services/security_service.h"

#include <sodium.h>

#include <algorithm>
#include <cctype>

#include "base/secrets.h"
#include "base/totp.h"
#include "drivers/qr_svg.h"
#include "store/account_repos.h"
#include "store/security_repos.h"

namespace wsp {
namespace {

constexpr int kRecoveryCodes = 10;

// "abcd-efgh-ijkl-mnop": 16 base32 characters, 80 random bits.
std::string new_recovery_code() {
    std::string raw(10, '\0');
    randombytes_buf(raw.data(), raw.size());
    std::string b32 = base32_encode(raw);
    for (auto& c : b32) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string out;
    for (size_t i = 0; i < 16; i += 4) {
        if (!out.empty()) out += '-';
        out.append(b32, i, 4);
    }
    return out;
}

// Lowercase, without dashes or spaces: what is hashed.
std::string normalise_recovery(const std::string& code) {
    std::string out;
    for (char c : code)
        if (c != '-' && c != ' ')
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool looks_like_totp(const std::string& code) {
    return code.size() == 6 &&
           std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

SecurityService::SecurityService(PanelContext& ctx, AuditService& audit)
    : ctx_(ctx),
      audit_(audit),
      box_(std::filesystem::path(ctx.config.paths.data_dir) / "secrets.key") {}

bool SecurityService::two_factor_required(const std::string& username, Role role) const {
    const std::string& policy = ctx_.config.auth.require_2fa;
    if (policy == "all" || (policy == "admins" && role == Role::admin)) return true;
    auto user = ctx_.index.user(username);
    if (!user) return false;
    auto package = ctx_.index.package(user->package.empty() ? "default" : user->package);
    return package && package->require_2fa;
}

Result<TwoFactorStatus> SecurityService::status(const Caller& caller) {
    TwoFactorStatus out;
    out.required = two_factor_required(caller.username, caller.role);
    return ctx_.db.read([&](const ReadTx& tx) -> Result<TwoFactorStatus> {
        auto rec = TotpRepo::find(tx, caller.username);
        out.enabled = rec && rec->enabled;
        out.recovery_codes_remaining = RecoveryCodeRepo::remaining(tx, caller.username);
        return out;
    });
}

Result<TotpSetup> SecurityService::setup(const Caller& caller) {
    std::string raw(20, '\0');  // 160 bits, RFC 4226's recommendation
    randombytes_buf(raw.data(), raw.size());
    TotpSetup out;
    out.secret = base32_encode(raw);
    out.otpauth_uri = otpauth_uri(ctx_.config.auth.totp_issuer, caller.username, out.secret);
    TRY(out.qr_svg, qr_svg(out.otpauth_uri));
    TRY(std::string sealed, box_.seal(out.secret));
    const int64_t now = ctx_.clock.now_unix();
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        auto rec = TotpRepo::find(tx, caller.username);
        if (rec && rec->enabled)
            return conflict("Two-factor authentication is already enabled; disable it first");
        TotpRecord r = rec.value_or(TotpRecord{caller.username});
        r.pending_secret = sealed;
        r.updated_at = now;
        TotpRepo::upsert(tx, r);
        return Ok{};
    }));
    return out;
}

// The time step (now ±1) whose code `code` is under the sealed secret;
// nullopt when none.
Result<std::optional<int64_t>> SecurityService::match_totp(const std::string& sealed,
                                                           const std::string& code) {
    if (!looks_like_totp(code)) return std::optional<int64_t>();
    TRY(std::string secret_b32, box_.open(sealed));
    auto key = base32_decode(secret_b32);
    if (!key) return internal("stored TOTP secret is not base32");
    const int64_t step = totp_step(ctx_.clock.now_unix());
    for (int64_t s : {step, step - 1, step + 1})
        if (secrets_equal(hotp(*key, static_cast<uint64_t>(s)), code))
            return std::optional<int64_t>(s);
    return std::optional<int64_t>();
}

Result<std::vector<std::string>> SecurityService::enable(const Caller& caller,
                                                         const std::string& code,
                                                         const AuditContext& where) {
    if (code.empty()) return validation("code is required");
    TRY(auto rec, ctx_.db.read([&](const ReadTx& tx) -> Result<std::optional<TotpRecord>> {
        return TotpRepo::find(tx, caller.username);
    }));
    if (rec && rec->enabled) return conflict("Two-factor authentication is already enabled");
    if (!rec || rec->pending_secret.empty())
        return validation("No enrolment in progress: POST /auth/2fa/setup first");
    TRY(auto step, match_totp(rec->pending_secret, code));
    if (!step) {
        audit_.record(caller, where, "auth.2fa_enable_failed", "user:" + caller.username, 400);
        return validation("Invalid code");
    }
    std::vector<std::string> codes, hashes;
    for (int i = 0; i < kRecoveryCodes; ++i) {
        codes.push_back(new_recovery_code());
        hashes.push_back(sha256_hex(normalise_recovery(codes.back())));
    }
    const int64_t now = ctx_.clock.now_unix();
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        TotpRecord r = *rec;
        r.secret = r.pending_secret;
        r.pending_secret.clear();
        r.enabled = true;
        // The enrolment code is spent: it cannot log in too.
        r.last_step = *step;
        r.updated_at = now;
        TotpRepo::upsert(tx, r);
        RecoveryCodeRepo::replace_all(tx, caller.username, hashes);
        return Ok{};
    }));
    ctx_.index.set_two_factor(caller.username, true);
    audit_.record(caller, where, "auth.2fa_enabled", "user:" + caller.username, 200);
    return codes;
}

Result<bool> SecurityService::check_second_factor(const std::string& username,
                                                  const std::string& code) {
    TRY(auto rec, ctx_.db.read([&](const ReadTx& tx) -> Result<std::optional<TotpRecord>> {
        return TotpRepo::find(tx, username);
    }));
    if (!rec || !rec->enabled) return false;
    if (looks_like_totp(code)) {
        TRY(auto step, match_totp(rec->secret, code));
        if (!step) return false;
        // Each code works once: the store takes only a step newer than the
        // last accepted one, in one statement.
        return ctx_.db.write([&](WriteTx& tx) -> Result<bool> {
            return TotpRepo::advance_step(tx, username, *step);
        });
    }
    const std::string hash = sha256_hex(normalise_recovery(code));
    const int64_t now = ctx_.clock.now_unix();
    return ctx_.db.write([&](WriteTx& tx) -> Result<bool> {
        return RecoveryCodeRepo::use(tx, username, hash, now);
    });
}

Result<void> SecurityService::disable(const Caller& caller, const std::string& code,
                                      const AuditContext& where) {
    CHECK_OK(ensure_recent_auth(caller, ctx_.clock.now_unix(), ctx_.config.auth.reauth_ttl_s));
    if (code.empty()) return validation("code is required (a TOTP code or a recovery code)");
    if (!ctx_.index.two_factor(caller.username))
        return validation("Two-factor authentication is not enabled");
    TRY(bool valid, check_second_factor(caller.username, code));
    if (!valid) {
        audit_.record(caller, where, "auth.2fa_disable_failed", "user:" + caller.username, 400);
        return validation("Invalid code");
    }
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        TotpRepo::remove(tx, caller.username);
        RecoveryCodeRepo::remove_all(tx, caller.username);
        return Ok{};
    }));
    ctx_.index.set_two_factor(caller.username, false);
    audit_.record(caller, where, "auth.2fa_disabled", "user:" + caller.username, 200);
    return Ok{};
}

Result<void> SecurityService::reset(const Caller& caller, const std::string& username,
                                    const AuditContext& where) {
    CHECK_OK(ensure_admin(caller));
    CHECK_OK(ensure_recent_auth(caller, ctx_.clock.now_unix(), ctx_.config.auth.reauth_ttl_s));
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        if (!UserRepo::find(tx, username)) return not_found("User not found");
        TotpRepo::remove(tx, username);
        RecoveryCodeRepo::remove_all(tx, username);
        return Ok{};
    }));
    ctx_.index.set_two_factor(username, false);
    audit_.record(caller, where, "auth.2fa_reset", "user:" + username, 200);
    return Ok{};
}

Result<std::vector<SessionInfo>> SecurityService::sessions(const Caller& caller,
                                                           const std::string& username) {
    CHECK_OK(ensure_owner_or_admin(caller, username));
    if (!ctx_.index.user(username)) return not_found("User not found");
    const int64_t now = ctx_.clock.now_unix();
    std::vector<SessionInfo> out;
    for (auto& [s, seen] : ctx_.index.sessions_of(username)) {
        if (s.expires_at <= now) continue;
        SessionInfo info{s, seen, s.token_hash == caller.session_hash};
        out.push_back(std::move(info));
    }
    std::sort(out.begin(), out.end(), [](const SessionInfo& a, const SessionInfo& b) {
        return a.session.created_at > b.session.created_at;
    });
    return out;
}

Result<void> SecurityService::revoke_session(const Caller& caller, const std::string& username,
                                             const std::string& id, const AuditContext& where) {
    CHECK_OK(ensure_owner_or_admin(caller, username));
    std::string hash;
    for (auto& [s, seen] : ctx_.index.sessions_of(username))
        if (s.token_hash.substr(0, 16) == id) hash = s.token_hash;
    if (hash.empty()) return not_found("Session not found");
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        SessionRepo::remove(tx, hash);
        return Ok{};
    }));
    ctx_.index.remove_session(hash);
    audit_.record(caller, where, "auth.session_revoked", "session:" + id, 200);
    return Ok{};
}

Result<int64_t> SecurityService::revoke_other_sessions(const Caller& caller,
                                                       const std::string& username,
                                                       const AuditContext& where) {
    CHECK_OK(ensure_owner_or_admin(caller, username));
    if (!ctx_.index.user(username)) return not_found("User not found");
    TRY(int64_t n, ctx_.db.write([&](WriteTx& tx) -> Result<int64_t> {
        return SessionRepo::remove_all_of_except(tx, username, caller.session_hash);
    }));
    ctx_.index.remove_sessions_of(username, caller.session_hash);
    audit_.record(caller, where, "auth.sessions_revoked", "user:" + username, 200);
    return n;
}

}  // namespace wsp
