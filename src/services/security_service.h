#pragma once
// Account security beyond the password: TOTP two-factor login (RFC 6238)
// with single-use recovery codes, and the account's sessions (list,
// revoke). Login, reauth and login-as are AuthService's; they ask this
// service to check a second factor. docs/account-security.md.
#include <optional>
#include <string>
#include <vector>

#include "services/audit_service.h"
#include "services/caller.h"
#include "services/panel.h"
#include "store/records.h"
#include "system/secret_box.h"

namespace wsp {

struct TotpSetup {
    std::string secret;  // base32
    std::string otpauth_uri;
    std::string qr_svg;
};

struct TwoFactorStatus {
    bool enabled = false;
    bool required = false;  // auth.require_2fa or the package's require_2fa applies
    int64_t recovery_codes_remaining = 0;
};

struct SessionInfo {
    SessionRecord session;
    int64_t last_seen = 0;
    bool current = false;
};

class SecurityService {
  public:
    SecurityService(PanelContext& ctx, AuditService& audit);

    // Whether 2FA is required of `username` (of `role`): auth.require_2fa
    // covers its role, or its package has require_2fa (read from memory,
    // AuthIndex, so the dispatcher can ask on every request).
    bool two_factor_required(const std::string& username, Role role) const;

    Result<TwoFactorStatus> status(const Caller& caller);
    Result<TotpSetup> setup(const Caller& caller);
    // Turns 2FA on with a code of the pending secret; the recovery codes.
    Result<std::vector<std::string>> enable(const Caller& caller, const std::string& code,
                                            const AuditContext& where);
    Result<void> disable(const Caller& caller, const std::string& code, const AuditContext& where);
    // An admin turns another account's 2FA off (it lost its device).
    Result<void> reset(const Caller& caller, const std::string& username,
                       const AuditContext& where);

    // A TOTP code (±1 step, each step once) or an unused recovery code of
    // `username`; false when neither.
    Result<bool> check_second_factor(const std::string& username, const std::string& code);

    Result<std::vector<SessionInfo>> sessions(const Caller& caller, const std::string& username);
    Result<void> revoke_session(const Caller& caller, const std::string& username,
                                const std::string& id, const AuditContext& where);
    // Every session of `username` but the caller's own; how many ended.
    Result<int64_t> revoke_other_sessions(const Caller& caller, const std::string& username,
                                          const AuditContext& where);

  private:
    Result<std::optional<int64_t>> match_totp(const std::string& sealed, const std::string& code);

    PanelContext& ctx_;
    AuditService& audit_;
    SecretBox box_;
};

}  // namespace wsp
