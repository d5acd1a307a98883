#pragma once
// Single sign-on from a billing system (docs/integrations.md): an admin's
// API key mints a short-lived nonce for a customer; the customer's browser
// opens /sso/consume/<nonce> once, which leaves a one-time exchange code
// in the URL fragment of the web interface; the interface trades it for a
// session (POST /auth/sso/exchange). Only hashes of the nonce and the code
// are stored.
#include <cstdint>
#include <string>

#include "base/result.h"
#include "services/audit_service.h"
#include "services/auth_service.h"
#include "services/caller.h"
#include "services/panel.h"

namespace wsp {

struct SsoMintInput {
    std::string username;
    std::string target_path = "/dashboard";
    int64_t expires_in = 300;  // clamped to 30..900
    std::string reason;
};

struct SsoMinted {
    std::string nonce;  // 43 characters, base64url of 32 random bytes
    std::string username;
    std::string target_path;
    int64_t expires_in = 0;
};

struct SsoConsumed {
    std::string exchange_code;
    std::string target_path;
};

class SsoService {
  public:
    static constexpr int64_t kExchangeTtlS = 120;

    SsoService(PanelContext& ctx, AuditService& audit) : ctx_(ctx), audit_(audit) {}

    Result<SsoMinted> mint(const Caller& caller, const SsoMintInput& input,
                           const AuditContext& where);
    // Single use: a second call with the same nonce is 410.
    Result<SsoConsumed> consume(const std::string& nonce, const AuditContext& where);
    // A session for the nonce's account; the code works once, within
    // kExchangeTtlS of the consumption.
    Result<LoginResult> exchange(const std::string& code, const std::string& user_agent,
                                 const AuditContext& where);

  private:
    // Who may sign whom in. Today: an admin, for any non-admin account.
    // Resellers (issue on branch `resellers`) plug in here: a reseller for
    // the accounts it created.
    Result<void> may_mint_for(const Caller& caller, const UserRecord& target) const;

    PanelContext& ctx_;
    AuditService& audit_;
};

}  // namespace wsp
